/// Writes JSON text. Used to build request bodies and events without Foundation.
public enum JSONWriter {
    /// `value` as a JSON string literal, quotes included.
    public static func quote(_ value: String) -> String {
        var out = "\""
        out.reserveCapacity(value.utf8.count + 2)
        appendEscaped(value, to: &out)
        out.append("\"")
        return out
    }

    /// Appends `value` escaped for the inside of a JSON string literal.
    public static func appendEscaped(_ value: String, to out: inout String) {
        var needsEscaping = false
        for byte in value.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            needsEscaping = true
            break
        }
        guard needsEscaping else {
            out.append(value)
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
    }

    /// Serialises a value compactly. Object members are written in sorted key order, so output is deterministic.
    public static func serialize(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    public static func write(_ value: JSONValue, to out: inout String) {
        switch value {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .number(let d): out.append(number(d))
        case .string(let s): out.append(quote(s))
        case .array(let elements):
            out.append("[")
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(",") }
                write(element, to: &out)
            }
            out.append("]")
        case .object(let members):
            out.append("{")
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out.append(",") }
                out.append(quote(key))
                out.append(":")
                write(members[key]!, to: &out)
            }
            out.append("}")
        }
    }

    /// A number as JSON: integral values without a fraction, non-finite values as null.
    public static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d.rounded(.towardZero) == d && abs(d) < 9.0e15 { return String(Int64(d)) }
        return String(d)
    }
}
