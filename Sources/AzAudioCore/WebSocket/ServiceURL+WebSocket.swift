extension ServiceURL {
    /// Splits a `ws://` or `wss://` URL typed as text (also `http://` / `https://`) for a WebSocket connection to
    /// a server that is not an Azure endpoint (the tests' local servers). Sessions never come here: their URL is
    /// built from the parsed endpoint (`RealtimeProtocol.url`).
    public init(_ text: String) throws(AzError) {
        guard let schemeEnd = text.firstRange(of: "://") else {
            throw .invalidArgument("WebSocket URL '\(Self.redacted(text))' has no scheme")
        }
        let secure: Bool
        switch text[..<schemeEnd.lowerBound].lowercased() {
        case "wss", "https": secure = true
        case "ws", "http": secure = false
        case let other: throw .invalidArgument("WebSocket URL scheme '\(other)' is not ws or wss")
        }
        let rest = text[schemeEnd.upperBound...]
        let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = String(rest[..<slash])
        guard !authority.isEmpty, !authority.contains("@"),
            authority.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else {
            throw .invalidArgument("WebSocket URL '\(Self.redacted(text))' has an invalid host")
        }
        var target = String(rest[slash...])
        if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
        guard target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalidArgument("WebSocket URL '\(Self.redacted(text))' contains spaces or non-ASCII characters")
        }
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.init(
            webSocket: true, secure: secure, authority: authority, path: parts.first.map(String.init) ?? "/",
            query: parts.count == 2 ? String(parts[1]) : nil)
    }

    private static func redacted(_ text: String) -> Substring {
        (text.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "").prefix(200)
    }
}
