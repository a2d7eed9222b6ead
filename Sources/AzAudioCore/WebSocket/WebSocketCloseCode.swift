/// A close status code (RFC 6455 section 7.4), with the rules for which codes may travel in a close frame.
public struct WebSocketCloseCode: RawRepresentable, Sendable, Equatable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// 1000: the purpose of the connection was fulfilled.
    public static let normalClosure = WebSocketCloseCode(1000)
    /// 1001: the endpoint is going away (server shutdown, session expired, client shutting down).
    public static let goingAway = WebSocketCloseCode(1001)
    /// 1002: a protocol error.
    public static let protocolError = WebSocketCloseCode(1002)
    /// 1003: a data type the endpoint cannot accept.
    public static let unsupportedData = WebSocketCloseCode(1003)
    /// 1005: never sent; reported when a close frame carried no code.
    public static let noStatusReceived = WebSocketCloseCode(1005)
    /// 1006: never sent; reported when the connection ended without a close frame.
    public static let abnormalClosure = WebSocketCloseCode(1006)
    /// 1007: message data inconsistent with its type (invalid UTF-8 in a text message).
    public static let invalidPayload = WebSocketCloseCode(1007)
    /// 1008: a policy violation.
    public static let policyViolation = WebSocketCloseCode(1008)
    /// 1009: a message too big to process.
    public static let messageTooBig = WebSocketCloseCode(1009)
    /// 1010: the client expected an extension the server did not negotiate.
    public static let mandatoryExtension = WebSocketCloseCode(1010)
    /// 1011: the server met an unexpected condition.
    public static let internalError = WebSocketCloseCode(1011)
    /// 1012-1014: service restart, try again later, bad gateway (IANA registry).
    public static let serviceRestart = WebSocketCloseCode(1012)
    public static let tryAgainLater = WebSocketCloseCode(1013)
    public static let badGateway = WebSocketCloseCode(1014)
    /// 1015: never sent; reported when the TLS handshake failed.
    public static let tlsHandshake = WebSocketCloseCode(1015)

    /// True when the code may appear in a close frame on the wire: 1000-1003, 1007-1014, 3000-4999.
    public var isSendable: Bool {
        switch rawValue {
        case 1000...1003, 1007...1014, 3000...4999: return true
        default: return false
        }
    }

    public var description: String { String(rawValue) }
}
