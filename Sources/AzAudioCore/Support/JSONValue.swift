/// A parsed JSON document.
///
/// Objects keep their members in a dictionary; numbers are `Double` (the protocols libazaudio speaks carry no
/// integers beyond 2^53). Accessors return `nil` on a type mismatch, which is how the engine reads service
/// payloads leniently.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The element at `index` of an array, or nil.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let elements) = self, elements.indices.contains(index) { return elements[index] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var doubleValue: Double? {
        if case .number(let d) = self { return d }
        return nil
    }

    /// The number as an `Int` when it is integral and in range, else nil.
    public var intValue: Int? {
        guard case .number(let d) = self, d.rounded(.towardZero) == d, abs(d) < 9.0e15 else { return nil }
        return Int(d)
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A string for either a JSON string or a number (services send some codes either way, e.g. `"429"` or 429).
    public var stringOrNumberText: String? {
        switch self {
        case .string(let s): return s
        case .number(let d): return d.rounded(.towardZero) == d && abs(d) < 9.0e15 ? String(Int(d)) : String(d)
        default: return nil
        }
    }
}
