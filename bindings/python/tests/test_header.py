"""The binding declares exactly what include/azaudio.h declares: functions, structs (checked against a C compiler's
layout), callbacks and constants. AZAUDIO_EXTRA_HEADERS (paths separated by ':') adds headers of branches whose
parts the binding already covers."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Optional

import azaudio
import pytest
from azaudio import _native, errors
from conftest import REPO

HEADERS = [REPO / "include" / "azaudio.h"] + [
    Path(p) for p in os.environ.get("AZAUDIO_EXTRA_HEADERS", "").split(os.pathsep) if p
]
HEADERS = [h for h in HEADERS if h.exists()]

SCALARS: dict[str, Any] = {
    "uint32_t": ctypes.c_uint32,
    "int32_t": ctypes.c_int32,
    "int64_t": ctypes.c_int64,
    "uint64_t": ctypes.c_uint64,
    "size_t": ctypes.c_size_t,
    "double": ctypes.c_double,
    "azaudio_result": ctypes.c_int32,
    "int16_t": ctypes.c_int16,
    "uint8_t": ctypes.c_uint8,
    "char": ctypes.c_char,
    "void": None,
}


def _source(path: Path) -> str:
    text = path.read_text()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = text.replace('extern "C" {', " ")
    return "\n".join(line for line in text.splitlines() if not line.strip().startswith("#"))


def _split_type(declaration: str) -> tuple[str, int, str]:
    """'const char **name' -> ('char', 2, 'name')."""
    declaration = declaration.replace("*", " * ").replace("const", " ")
    words = declaration.split()
    name = words[-1]
    stars = words.count("*")
    base = [w for w in words[:-1] if w != "*"]
    return " ".join(base), stars, name


def _ctype(base: str, stars: int) -> Any:
    if stars == 0:
        if base in _native.CALLBACKS:
            return _native.CALLBACKS[base]
        return SCALARS[base]
    if stars == 1 and base == "char":
        return ctypes.c_char_p
    if stars == 1 and base == "void":
        return ctypes.c_void_p
    if base in _native.STRUCTS:
        return ctypes.POINTER(_native.STRUCTS[base]) if stars == 1 else ctypes.POINTER(_ctype(base, stars - 1))
    if base.startswith("azaudio_"):  # opaque handle
        return ctypes.c_void_p if stars == 1 else ctypes.POINTER(_ctype(base, stars - 1))
    return ctypes.POINTER(_ctype(base, stars - 1))


def _accepts(
    declared: Any, expected: Any, *, result: bool = False, callback: bool = False, address: bool = False
) -> bool:
    if declared is expected:
        return True
    # Returned strings whose size comes separately and callback pointers are read as addresses.
    if result and expected is ctypes.c_char_p and declared is ctypes.c_void_p:
        return True
    pointer = expected is ctypes.c_char_p or (isinstance(expected, type) and issubclass(expected, ctypes._Pointer))
    return (callback or address) and pointer and declared is ctypes.c_void_p


def _functions(path: Path) -> dict[str, tuple[str, list[str]]]:
    found: dict[str, tuple[str, list[str]]] = {}
    for statement in _source(path).split(";"):
        statement = " ".join(statement.split())
        if statement.startswith("typedef") or "(" not in statement or "{" in statement or "}" in statement:
            statement = statement.split("}")[-1].strip()
            if statement.startswith("typedef") or "(" not in statement:
                continue
        match = re.match(r"^(.*?)\b(azaudio_\w+)\s*\((.*)\)$", statement)
        if match:
            params = [p.strip() for p in match.group(3).split(",")]
            found[match.group(2)] = (match.group(1).strip(), [] if params == ["void"] else params)
    return found


def _structs(path: Path) -> dict[str, list[tuple[str, int, str]]]:
    found: dict[str, list[tuple[str, int, str]]] = {}
    for match in re.finditer(r"typedef\s+struct\s+(\w+)\s*\{(.*?)\}\s*\1\s*;", _source(path), flags=re.S):
        fields = [_split_type(f) for f in match.group(2).split(";") if f.strip()]
        found[match.group(1)] = fields
    return found


def _callbacks(path: Path) -> dict[str, tuple[str, list[str]]]:
    found: dict[str, tuple[str, list[str]]] = {}
    for match in re.finditer(r"typedef\s+([\w\s\*]+?)\s*\(\s*\*\s*(\w+)\s*\)\s*\(([^)]*)\)\s*;", _source(path)):
        found[match.group(2)] = (match.group(1), [p.strip() for p in match.group(3).split(",")])
    return found


@pytest.fixture(params=HEADERS, ids=lambda p: str(p))
def header(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


def test_the_repository_header_is_found() -> None:
    assert HEADERS and HEADERS[0] == REPO / "include" / "azaudio.h"


def test_every_header_function_is_declared_with_the_headers_types(header: Path) -> None:
    functions = _functions(header)
    assert len(functions) > 30
    for name, (result, params) in functions.items():
        assert name in _native.SIGNATURES, f"{name} is in {header} but not declared in azaudio/_native.py"
        restype, argtypes = _native.SIGNATURES[name]
        base, stars = _split_type(result + " x")[:2]
        assert _accepts(restype, _ctype(base, stars), result=True), f"{name}: result {restype} vs {result}"
        assert len(argtypes) == len(params), f"{name}: {len(argtypes)} arguments declared, header has {params}"
        for declared, param in zip(argtypes, params, strict=False):
            base, stars, _ = _split_type(param)
            assert _accepts(declared, _ctype(base, stars)), f"{name}: {param} declared as {declared}"


#: Struct fields whose pointer the binding reads as an address (c_void_p): the size comes in the next field and the
#: bytes are not NUL-terminated. Any other field must have exactly the header's type.
ADDRESS_FIELDS = {"azaudio_realtime_event_record.audio", "azaudio_realtime_event_record.json"}


def test_every_struct_mirror_has_the_headers_fields_in_order(header: Path) -> None:
    structs = _structs(header)
    for name, cls in _native.STRUCTS.items():
        if name not in structs:
            continue
        fields = [(f[0], f[1]) for f in cls._fields_]  # type: ignore[misc]
        assert [f[0] for f in fields] == [f[2] for f in structs[name]], name
        for (field, declared), (base, stars, _) in zip(fields, structs[name], strict=False):
            address = f"{name}.{field}" in ADDRESS_FIELDS
            assert _accepts(declared, _ctype(base, stars), address=address), (
                f"{name}.{field}: {declared} vs {base} {'*' * stars}"
            )


def test_every_struct_in_the_header_that_the_api_uses_has_a_mirror(header: Path) -> None:
    for name in _structs(header):
        assert name in _native.STRUCTS, name


def test_callback_types_match_the_header(header: Path) -> None:
    for name, (result, params) in _callbacks(header).items():
        callback = _native.CALLBACKS[name]
        base, stars = _split_type(result + " x")[:2]
        assert _accepts(callback._restype_, _ctype(base, stars)), name
        assert len(callback._argtypes_) == len(params), name
        for declared, param in zip(callback._argtypes_, params, strict=False):
            base, stars, _ = _split_type(param)
            assert _accepts(declared, _ctype(base, stars), callback=True), f"{name}: {param} as {declared}"


def test_constants_match_the_headers_defines(header: Path) -> None:
    defines = dict(re.findall(r"#define\s+(AZAUDIO_\w+)\s+(\S+)", header.read_text()))
    checked = 0
    for name, value in defines.items():
        if hasattr(_native, name) and not name.startswith("AZAUDIO_VERSION"):
            expected = getattr(_native, name)
            actual = value.strip('"') if value.startswith('"') else int(value.rstrip("uU"), 0)
            assert expected == actual, name
            checked += 1
    assert checked >= 30
    assert int(defines["AZAUDIO_VERSION_NUMBER"]) == azaudio.HEADER_VERSION_NUMBER


def test_every_result_code_has_its_exception_class(header: Path) -> None:
    codes = {name: int(value) for name, value in re.findall(r"#define\s+(AZAUDIO_ERR_\w+)\s+(\d+)", header.read_text())}
    assert len(codes) >= 21
    for name, code in codes.items():
        cls = errors.error_class(code)
        assert cls is not azaudio.AzAudioError, f"{name} has no exception class"
        assert cls.__name__ in azaudio.__all__


def _compile_layout(header: Path, tmp_path: Path) -> Optional[dict[str, int]]:
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if cc is None:
        return None
    lines = ["#include <stdio.h>", "#include <stddef.h>", f'#include "{header}"', "int main(void) {"]
    for name, cls in _native.STRUCTS.items():
        if name not in _structs(header):
            continue
        lines.append(f'printf("{name} %zu\\n", sizeof({name}));')
        for field, _ in cls._fields_:  # type: ignore[misc]
            lines.append(f'printf("{name}.{field} %zu\\n", offsetof({name}, {field}));')
    lines += ["return 0;", "}"]
    source = tmp_path / "layout.c"
    source.write_text("\n".join(lines))
    binary = tmp_path / "layout"
    subprocess.run([cc, "-std=c99", str(source), "-o", str(binary)], check=True)
    output = subprocess.run([str(binary)], check=True, capture_output=True, text=True).stdout
    return {key: int(value) for key, value in (line.split() for line in output.splitlines())}


def test_struct_sizes_and_offsets_match_the_c_compilers(header: Path, tmp_path: Path) -> None:
    layout = _compile_layout(header, tmp_path)
    if layout is None:
        pytest.skip("no C compiler")
    for name, cls in _native.STRUCTS.items():
        if name not in layout:
            continue
        assert ctypes.sizeof(cls) == layout[name], name
        if "struct_size" in dict(cls._fields_):  # type: ignore[misc]  # (azaudio_known_speaker has none)
            assert cls().struct_size == layout[name], name  # type: ignore[attr-defined]
        for field, _ in cls._fields_:  # type: ignore[misc]
            assert getattr(cls, field).offset == layout[f"{name}.{field}"], f"{name}.{field}"
