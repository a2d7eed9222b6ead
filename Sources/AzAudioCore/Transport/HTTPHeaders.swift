/// Response headers, looked up case-insensitively.
public struct HTTPHeaders: Sendable, Equatable {
    private var storage: [String: String] = [:]

    public init() {}

    public init(_ pairs: [(String, String)]) {
        for (name, value) in pairs { self[name] = value }
    }

    /// The value of header `name`; setting one replaces an earlier value.
    public subscript(name: String) -> String? {
        get { storage[name.lowercased()] }
        set { storage[name.lowercased()] = newValue }
    }

    public var isEmpty: Bool { storage.isEmpty }

    /// The id support asks for: `apim-request-id`, else `x-request-id`, else "".
    public var requestID: String { self["apim-request-id"] ?? self["x-request-id"] ?? "" }

    /// Parses one raw header line ("Name: value\r\n") into the headers; ignores lines without a colon.
    public mutating func addRawLine(_ line: String) {
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingASCIIWhitespace()
        let value = line[line.index(after: colon)...].trimmingASCIIWhitespace()
        guard !name.isEmpty else { return }
        self[name] = value
    }
}

extension Substring {
    func trimmingASCIIWhitespace() -> String { String(self).trimmingASCIIWhitespace() }
}

extension String {
    /// True if the text could not be sent as an HTTP header value: it has a line break or another control byte.
    /// (Checked on bytes: Swift treats "\r\n" as one Character, so a Character comparison would miss it.)
    public var isUnsafeHeaderValue: Bool {
        utf8.contains { $0 < 0x20 && $0 != 0x09 || $0 == 0x7F }
    }
}
