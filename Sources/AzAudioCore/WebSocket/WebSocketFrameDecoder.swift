/// The fields of a frame header that matter once it has been validated.
public struct WebSocketFrameHeader: Sendable, Equatable {
    public var fin: Bool
    public var opcode: WebSocketOpcode
    public var payloadLength: Int
}

/// Decodes server frames (RFC 6455 section 5) from byte chunks split anywhere, reassembles fragmented messages,
/// and yields complete messages and control frames.
///
/// An explicit state machine: between chunks the decoder is either collecting a header, collecting a payload, done
/// (after the server's close frame) or failed. A frame that lies whole inside the chunk being decoded, and is not
/// part of a fragmented message, is delivered as a view into that chunk without a copy; other payloads are
/// gathered in a reusable buffer.
///
/// Server frames must not be masked, must not set reserved bits (no extension is negotiated) and must use known
/// opcodes; control frames carry at most 125 bytes and are never fragmented, but may arrive between the fragments
/// of a message. Text messages and close reasons must be valid UTF-8. Every violation is a
/// `WebSocketProtocolError`, after which the decoder stays failed.
public struct WebSocketFrameDecoder {
    /// Where the decoder is between two bytes.
    enum State: Equatable {
        /// Collecting a frame header; `collected` bytes of it are in the header scratch.
        case header(collected: Int)
        /// Collecting a payload: `remaining` bytes of the frame described by `header` are still to come.
        case payload(WebSocketFrameHeader, remaining: Int)
        /// The server's close frame arrived; later bytes are ignored.
        case closed
        /// The stream broke the protocol; the decoder accepts nothing more.
        case failed(WebSocketProtocolError)
    }

    private(set) var state: State = .header(collected: 0)
    public let limits: WebSocketLimits
    /// The first frame's opcode of the fragmented message in progress, if any.
    private var messageOpcode: WebSocketOpcode?
    /// Payload of the message being reassembled.
    private let message: ByteBuffer
    /// Payload of a control frame split across chunks.
    private let control = ByteBuffer(capacity: 128)
    /// A frame header split across chunks (at most 14 bytes).
    private var scratch: (UInt64, UInt64) = (0, 0)

    public init(limits: WebSocketLimits = WebSocketLimits()) {
        self.limits = limits
        self.message = ByteBuffer(capacity: 4096)
    }

    /// True after the server's close frame was decoded.
    public var isClosed: Bool { state == .closed }

    /// Decodes `chunk`, calling `deliver` for each complete message and control frame in order. `deliver`
    /// returns false to stop decoding (the rest of the chunk is dropped: the caller is tearing the connection
    /// down). Throws the first protocol violation; the decoder then stays failed.
    public mutating func decode(
        _ chunk: UnsafeRawBufferPointer, deliver: (WebSocketInbound) -> Bool
    ) throws(WebSocketProtocolError) {
        guard let base = chunk.baseAddress else { return }
        let end = chunk.count
        var i = 0
        while i < end {
            switch state {
            case .failed(let error):
                throw error
            case .closed:
                return
            case .header(let collected):
                // Gather the header: parse straight from the chunk when it is all there, else via the scratch.
                let available = end - i
                var header: WebSocketFrameHeader
                if collected == 0, available >= 2,
                    available >= Self.headerLength(second: base.load(fromByteOffset: i + 1, as: UInt8.self))
                {
                    let raw = UnsafeRawBufferPointer(start: base + i, count: available)
                    let parsed = try parseHeader(raw)
                    header = parsed.header
                    i += parsed.length
                } else {
                    var have = collected
                    let full = withUnsafeMutableBytes(of: &scratch) { s -> WebSocketFrameHeader? in
                        // Copy the second byte first if needed to learn the header length.
                        while have < 2 && i < end {
                            s[have] = base.load(fromByteOffset: i, as: UInt8.self)
                            have += 1
                            i += 1
                        }
                        guard have >= 2 else { return nil }
                        let need = Self.headerLength(second: s[1])
                        while have < need && i < end {
                            s[have] = base.load(fromByteOffset: i, as: UInt8.self)
                            have += 1
                            i += 1
                        }
                        guard have == need else { return nil }
                        return WebSocketFrameHeader(fin: false, opcode: .continuation, payloadLength: 0)
                    }
                    guard full != nil else {
                        state = .header(collected: have)
                        return
                    }
                    var copy = scratch
                    let parsed = try withUnsafeBytes(of: &copy) { s throws(WebSocketProtocolError) in
                        try parseHeader(UnsafeRawBufferPointer(rebasing: s[0..<have]))
                    }
                    header = parsed.header
                }
                try admit(header)
                let remainingInChunk = end - i
                if header.payloadLength <= remainingInChunk
                    && (header.opcode.isControl || (header.fin && header.opcode != .continuation))
                {
                    // Whole frame here and not part of a fragmented message: deliver without copying.
                    let payload = UnsafeRawBufferPointer(start: base + i, count: header.payloadLength)
                    i += header.payloadLength
                    state = .header(collected: 0)
                    if try !finish(header, payload: payload, deliver: deliver) { return }
                } else {
                    state = .payload(header, remaining: header.payloadLength)
                    if header.payloadLength == 0, try !completePayload(header, deliver: deliver) { return }
                }
            case .payload(let header, let remaining):
                let n = min(remaining, end - i)
                (header.opcode.isControl ? control : message).append(UnsafeRawBufferPointer(start: base + i, count: n))
                i += n
                if n == remaining {
                    if try !completePayload(header, deliver: deliver) { return }
                } else {
                    state = .payload(header, remaining: remaining - n)
                }
            }
        }
        if case .failed(let error) = state { throw error }
    }

    /// The header length implied by its second byte (no mask: masked frames are rejected after parsing).
    @inline(__always)
    static func headerLength(second: UInt8) -> Int {
        let mask = second & 0x80 != 0 ? 4 : 0
        switch second & 0x7F {
        case 126: return 4 + mask
        case 127: return 10 + mask
        default: return 2 + mask
        }
    }

    /// Parses and checks the header at the start of `raw`, which holds at least `headerLength` bytes.
    private mutating func parseHeader(
        _ raw: UnsafeRawBufferPointer
    ) throws(WebSocketProtocolError) -> (header: WebSocketFrameHeader, length: Int) {
        let first = raw[0]
        let second = raw[1]
        guard first & 0x70 == 0 else { throw fail(.reservedBitsSet) }
        guard let opcode = WebSocketOpcode(rawValue: first & 0x0F) else { throw fail(.unknownOpcode(first & 0x0F)) }
        guard second & 0x80 == 0 else { throw fail(.maskedServerFrame) }
        var length = Int(second & 0x7F)
        var headerLength = 2
        if length == 126 {
            length = Int(UInt16(raw[2]) << 8 | UInt16(raw[3]))
            headerLength = 4
        } else if length == 127 {
            var value: UInt64 = 0
            for k in 2..<10 { value = value << 8 | UInt64(raw[k]) }
            guard value >> 63 == 0 else { throw fail(.invalidLength) }
            guard value <= UInt64(limits.maxFrameSize) else {
                throw fail(value > UInt64(Int.max) ? .invalidLength : .frameTooLarge(Int(value)))
            }
            length = Int(value)
            headerLength = 10
        }
        return (WebSocketFrameHeader(fin: first & 0x80 != 0, opcode: opcode, payloadLength: length), headerLength)
    }

    /// Checks a parsed header against the message in progress and the limits.
    private mutating func admit(_ header: WebSocketFrameHeader) throws(WebSocketProtocolError) {
        if header.opcode.isControl {
            guard header.fin else { throw fail(.fragmentedControlFrame) }
            guard header.payloadLength <= 125 else { throw fail(.controlFrameTooLong(header.payloadLength)) }
            control.clear()
            return
        }
        guard header.payloadLength <= limits.maxFrameSize else { throw fail(.frameTooLarge(header.payloadLength)) }
        if header.opcode == .continuation {
            guard messageOpcode != nil else { throw fail(.unexpectedContinuation) }
        } else {
            guard messageOpcode == nil else { throw fail(.expectedContinuation) }
            messageOpcode = header.opcode
            message.clear()
        }
        let total = message.readableCount + header.payloadLength
        guard total <= limits.maxMessageSize else { throw fail(.messageTooLarge(total)) }
        if header.fin && header.opcode != .continuation {
            // An unfragmented message: not in progress once delivered.
            messageOpcode = nil
        }
    }

    /// A gathered payload is complete: deliver from the buffers.
    private mutating func completePayload(
        _ header: WebSocketFrameHeader, deliver: (WebSocketInbound) -> Bool
    ) throws(WebSocketProtocolError) -> Bool {
        state = .header(collected: 0)
        if header.opcode.isControl {
            let keepGoing = try finish(header, payload: control.readableBytes, deliver: deliver)
            control.clear()
            return keepGoing
        }
        guard header.fin else { return true }
        // The last fragment (or an unfragmented message that was split across chunks).
        let opcode = header.opcode == .continuation ? messageOpcode! : header.opcode
        messageOpcode = nil
        let keepGoing = try finish(
            WebSocketFrameHeader(fin: true, opcode: opcode, payloadLength: message.readableCount),
            payload: message.readableBytes, deliver: deliver)
        message.clear()
        message.shrinkIfIdle(above: 1024 * 1024, to: 4096)
        return keepGoing
    }

    /// Validates and delivers a complete message or control frame.
    private mutating func finish(
        _ header: WebSocketFrameHeader, payload: UnsafeRawBufferPointer, deliver: (WebSocketInbound) -> Bool
    ) throws(WebSocketProtocolError) -> Bool {
        switch header.opcode {
        case .text:
            guard UTF8Validator.isValid(payload) else { throw fail(.invalidUTF8) }
            return deliver(.text(payload))
        case .binary:
            return deliver(.binary(payload))
        case .ping:
            return deliver(.ping(payload))
        case .pong:
            return deliver(.pong(payload))
        case .close:
            let close: (code: WebSocketCloseCode?, reason: UnsafeRawBufferPointer)
            do throws(WebSocketProtocolError) { close = try Self.parseClose(payload) } catch { throw fail(error) }
            state = .closed
            return deliver(.close(code: close.code, reason: close.reason))
        case .continuation:
            preconditionFailure("a continuation frame is delivered as its message's opcode")
        }
    }

    /// Splits and checks a close frame's payload (section 5.5.1).
    public static func parseClose(
        _ payload: UnsafeRawBufferPointer
    ) throws(WebSocketProtocolError) -> (code: WebSocketCloseCode?, reason: UnsafeRawBufferPointer) {
        if payload.isEmpty { return (nil, payload) }
        guard payload.count >= 2 else { throw .invalidClosePayload }
        let code = WebSocketCloseCode(UInt16(payload[0]) << 8 | UInt16(payload[1]))
        guard code.isSendable else { throw .invalidCloseCode(code.rawValue) }
        let reason = UnsafeRawBufferPointer(rebasing: payload[2...])
        guard UTF8Validator.isValid(reason) else { throw .invalidUTF8 }
        return (code, reason)
    }

    private mutating func fail(_ error: WebSocketProtocolError) -> WebSocketProtocolError {
        state = .failed(error)
        return error
    }
}
