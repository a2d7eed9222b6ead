#!/usr/bin/env python3
"""Struct layout rule of libazaudio's ABI, checked on two abidw XML files (baseline, current).

Every struct of the baseline must still exist; each of its members must keep its name, offset and type; new
members may only come after the baseline's last member (options structs grow at the end). abidiff's own
"inserted at end" suppression also lets reorders through, hence this check beside it.
Prints one line per violation; exits 1 if there is any.
"""

import sys
import xml.etree.ElementTree as ET


def load(path):
    root = ET.parse(path).getroot()
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}

    def type_name(type_id, depth=0):
        el = by_id.get(type_id)
        if el is None or depth > 20:
            return type_id or "?"
        tag = el.tag
        if tag == "pointer-type-def":
            return type_name(el.get("type-id"), depth + 1) + "*"
        if tag == "qualified-type-def":
            quals = " ".join(q for q in ("const", "volatile") if el.get(q) == "yes")
            return f"{quals} {type_name(el.get('type-id'), depth + 1)}"
        if tag == "function-type":
            params = [type_name(p.get("type-id"), depth + 1) for p in el.findall("parameter")]
            ret = el.find("return")
            return f"fn({', '.join(params)})->{type_name(ret.get('type-id'), depth + 1) if ret is not None else 'void'}"
        return el.get("name") or tag

    structs = {}
    for cls in root.iter("class-decl"):
        name = cls.get("name")
        if not name or cls.get("is-declaration-only") == "yes":
            continue
        members = []
        for dm in cls.findall("data-member"):
            var = dm.find("var-decl")
            members.append((var.get("name"), int(dm.get("layout-offset-in-bits")), type_name(var.get("type-id"))))
        structs[name] = (int(cls.get("size-in-bits", "0")), members)
    return structs


def main(baseline_path, current_path):
    baseline, current = load(baseline_path), load(current_path)
    problems = []
    for name, (_, members) in baseline.items():
        if name not in current:
            problems.append(f"struct {name} was removed")
            continue
        _, now = current[name]
        for i, member in enumerate(members):
            if i >= len(now) or now[i] != member:
                got = now[i] if i < len(now) else "nothing"
                problems.append(f"struct {name}: member {i} was {member}, is now {got}")
        last_offset = members[-1][1] if members else -1
        for extra in now[len(members) :]:
            if extra[1] <= last_offset:
                problems.append(f"struct {name}: new member {extra[0]} is not after the old end")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
