/// A `ws://` or `wss://` URL split into what the connection needs: the TCP/TLS target for curl and the
/// request-target and Host of the Upgrade request.
public struct WebSocketURL: Sendable, Equatable {
    /// True for `wss://` (TLS).
    public let secure: Bool
    /// Host with an optional `:port`, as written (IPv6 literals keep their brackets).
    public let authority: String
    /// Path and query, starting with `/`.
    public let requestTarget: String

    /// Accepts `ws://`, `wss://` and, for convenience, `http://` / `https://`.
    public init(_ text: String) throws(AzError) {
        guard let schemeEnd = text.firstRange(of: "://") else {
            throw .invalidArgument("WebSocket URL '\(Self.redacted(text))' has no scheme")
        }
        switch text[..<schemeEnd.lowerBound].lowercased() {
        case "wss", "https": secure = true
        case "ws", "http": secure = false
        case let other: throw .invalidArgument("WebSocket URL scheme '\(other)' is not ws or wss")
        }
        let rest = text[schemeEnd.upperBound...]
        let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        authority = String(rest[..<slash])
        guard !authority.isEmpty, !authority.contains("@"),
            authority.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else {
            throw .invalidArgument("WebSocket URL '\(Self.redacted(text))' has an invalid host")
        }
        var target = String(rest[slash...])
        if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        guard target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalidArgument("WebSocket URL '\(Self.redacted(text))' contains spaces or non-ASCII characters")
        }
        requestTarget = target
    }

    /// The URL curl connects to: `http(s)://authority/` (curl does only TCP, TLS and proxy CONNECT).
    public var curlURL: String { "\(secure ? "https" : "http")://\(authority)/" }

    /// The URL without its query (which may carry a key), for messages.
    public var redactedDescription: String {
        let path = requestTarget.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        return "\(secure ? "wss" : "ws")://\(authority)\(path)"
    }

    static func redacted(_ text: String) -> Substring {
        (text.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "").prefix(200)
    }
}
