/// One request URL, carried in parts from `ServiceEndpoint` to the socket (the way curl carries a `CURLU` handle):
/// parsed once when the client is created, never formatted and parsed again. HTTP requests hand curl `text`;
/// WebSocket connections hand curl `curlURL` (TCP, TLS and proxy only) and write `requestTarget` and `authority`
/// into the Upgrade request; messages and logs use `redacted`, which leaves out the query (it may name a key).
public struct ServiceURL: Sendable, Equatable {
    /// True for a WebSocket URL (`ws://`, `wss://`).
    public let webSocket: Bool
    /// True for TLS (`https://`, `wss://`).
    public let secure: Bool
    /// Host with an optional `:port` (IPv6 literals keep their brackets).
    public let authority: String
    /// The path, starting with `/`.
    public let path: String
    /// The query without its `?`, or nil.
    public let query: String?

    public init(webSocket: Bool, secure: Bool, authority: String, path: String, query: String? = nil) {
        self.webSocket = webSocket
        self.secure = secure
        self.authority = authority
        self.path = path.hasPrefix("/") ? path : "/" + path
        self.query = query
    }

    public var scheme: String { webSocket ? (secure ? "wss" : "ws") : (secure ? "https" : "http") }

    /// Path and query: the request-target of the request line.
    public var requestTarget: String { path + (query.map { "?" + $0 } ?? "") }

    /// The whole URL.
    public var text: String { "\(scheme)://\(authority)\(requestTarget)" }

    /// The URL without its query, for messages and logs.
    public var redacted: String { "\(scheme)://\(authority)\(path)" }

    /// What curl connects to for a WebSocket: `http(s)://authority/` (curl does only TCP, TLS and proxy CONNECT).
    public var curlURL: String { "\(secure ? "https" : "http")://\(authority)/" }
}

extension ServiceEndpoint {
    /// A URL below the endpoint's root (and gateway prefix): `path` starts with `/openai`.
    public func url(path: String, query: String? = nil, webSocket: Bool = false) -> ServiceURL {
        ServiceURL(
            webSocket: webSocket, secure: scheme == "https", authority: authority, path: pathPrefix + path,
            query: query)
    }
}
