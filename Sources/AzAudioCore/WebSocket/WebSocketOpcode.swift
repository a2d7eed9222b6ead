/// A frame's opcode (RFC 6455 section 5.2). Values 3-7 and 11-15 are reserved and rejected by the decoder.
public enum WebSocketOpcode: UInt8, Sendable, Equatable {
    case continuation = 0x0
    case text = 0x1
    case binary = 0x2
    case close = 0x8
    case ping = 0x9
    case pong = 0xA

    /// Control frames (close, ping, pong): at most 125 bytes of payload, never fragmented.
    @inline(__always)
    public var isControl: Bool { rawValue & 0x8 != 0 }
}
