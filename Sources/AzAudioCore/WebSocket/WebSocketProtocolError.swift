/// Why the peer's bytes broke RFC 6455 (or our limits). Each case maps to the close code we send before
/// failing the connection.
public enum WebSocketProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// RSV1-3 set without a negotiated extension.
    case reservedBitsSet
    /// An opcode RFC 6455 reserves (3-7, 11-15).
    case unknownOpcode(UInt8)
    /// A server frame with the MASK bit set (section 5.1: the client must fail the connection).
    case maskedServerFrame
    /// A control frame with more than 125 bytes of payload.
    case controlFrameTooLong(Int)
    /// A control frame without FIN.
    case fragmentedControlFrame
    /// A continuation frame with no message in progress.
    case unexpectedContinuation
    /// A text or binary frame while a fragmented message is still in progress.
    case expectedContinuation
    /// A 64-bit length with the most significant bit set.
    case invalidLength
    /// A frame longer than the configured frame limit.
    case frameTooLarge(Int)
    /// A message longer than the configured message limit.
    case messageTooLarge(Int)
    /// A text message (or close reason) that is not valid UTF-8.
    case invalidUTF8
    /// A close frame with a 1-byte payload.
    case invalidClosePayload
    /// A close frame with a code that may not be sent (e.g. 1005, 1006, 999, 2000).
    case invalidCloseCode(UInt16)

    /// The close code to send when failing the connection for this error.
    public var closeCode: WebSocketCloseCode {
        switch self {
        case .invalidUTF8: return .invalidPayload
        case .frameTooLarge, .messageTooLarge: return .messageTooBig
        default: return .protocolError
        }
    }

    public var description: String {
        switch self {
        case .reservedBitsSet: return "a frame has reserved bits set"
        case .unknownOpcode(let op): return "a frame has the reserved opcode \(op)"
        case .maskedServerFrame: return "the server sent a masked frame"
        case .controlFrameTooLong(let n): return "a control frame carries \(n) bytes (at most 125 are allowed)"
        case .fragmentedControlFrame: return "a control frame is fragmented"
        case .unexpectedContinuation: return "a continuation frame arrived with no message in progress"
        case .expectedContinuation: return "a new message started before the fragmented one ended"
        case .invalidLength: return "a frame length exceeds 2^63-1"
        case .frameTooLarge(let n): return "a frame of \(n) bytes exceeds the frame limit"
        case .messageTooLarge(let n): return "a message of \(n) bytes exceeds the message limit"
        case .invalidUTF8: return "a text message or close reason is not valid UTF-8"
        case .invalidClosePayload: return "a close frame has a 1-byte payload"
        case .invalidCloseCode(let code): return "a close frame carries the invalid code \(code)"
        }
    }
}
