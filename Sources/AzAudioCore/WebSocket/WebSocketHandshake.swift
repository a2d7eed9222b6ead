/// The client side of the opening handshake (RFC 6455 section 4.1): the Upgrade request and the check of the
/// server's answer.
public struct WebSocketHandshake: Sendable {
    /// The GUID RFC 6455 appends to the key before hashing.
    public static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// The `Sec-WebSocket-Key` sent: base64 of 16 random bytes.
    public let key: String
    /// The whole request, ready to send.
    public let requestBytes: [UInt8]

    /// Builds the Upgrade request for `url`. `headers` are added as given (e.g. `api-key`, `Authorization`);
    /// names and values must not contain line breaks. `key` is for tests; nil draws 16 random bytes.
    public init(
        url: ServiceURL, headers: [(name: String, value: String)], userAgent: String, key: String? = nil
    ) throws(AzError) {
        var random = SystemRandomNumberGenerator()
        self.key = key ?? Base64.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &random) })
        var text = "GET \(url.requestTarget) HTTP/1.1\r\n"
        text += "Host: \(url.authority)\r\n"
        text += "Upgrade: websocket\r\n"
        text += "Connection: Upgrade\r\n"
        text += "Sec-WebSocket-Key: \(self.key)\r\n"
        text += "Sec-WebSocket-Version: 13\r\n"
        if !userAgent.isEmpty { text += "User-Agent: \(userAgent)\r\n" }
        for (name, value) in headers {
            guard !name.isEmpty, !name.utf8.contains(where: { $0 <= 0x20 || $0 == 0x3A || $0 >= 0x7F }),
                !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 })
            else {
                throw .invalidArgument("header '\(name.prefix(60))' has an invalid name or a line break in its value")
            }
            text += "\(name): \(value)\r\n"
        }
        text += "\r\n"
        requestBytes = Array(text.utf8)
    }

    /// The `Sec-WebSocket-Accept` a server must answer for `key`: base64(SHA-1(key + GUID)).
    public static func acceptValue(for key: String) -> String {
        Base64.encode(SHA1.hash(Array((key + guid).utf8)))
    }

    /// Checks a 101 answer: Upgrade, Connection, Accept, and no extension or subprotocol we did not ask for.
    public func verify(_ response: WebSocketHandshakeResponse) throws(AzError) {
        guard response.status == 101 else {
            throw AzError(
                .protocolViolation, "the server answered HTTP \(response.status) instead of 101",
                httpStatus: response.status)
        }
        guard response.headers["upgrade"]?.lowercased() == "websocket" else {
            throw AzError(.protocolViolation, "the server's 101 answer lacks 'Upgrade: websocket'", httpStatus: 101)
        }
        let connection = response.headers["connection"]?.lowercased() ?? ""
        guard connection.split(separator: ",").contains(where: { $0.trimmingASCIIWhitespace() == "upgrade" }) else {
            throw AzError(.protocolViolation, "the server's 101 answer lacks 'Connection: Upgrade'", httpStatus: 101)
        }
        guard response.headers["sec-websocket-accept"] == Self.acceptValue(for: key) else {
            throw AzError(
                .protocolViolation, "the server's Sec-WebSocket-Accept does not match the key sent", httpStatus: 101)
        }
        if let extensions = response.headers["sec-websocket-extensions"], !extensions.isEmpty {
            throw AzError(
                .protocolViolation, "the server chose the extension '\(extensions.prefix(80))' that was not offered",
                httpStatus: 101)
        }
        if let proto = response.headers["sec-websocket-protocol"], !proto.isEmpty {
            throw AzError(
                .protocolViolation, "the server chose the subprotocol '\(proto.prefix(80))' that was not offered",
                httpStatus: 101)
        }
    }
}
