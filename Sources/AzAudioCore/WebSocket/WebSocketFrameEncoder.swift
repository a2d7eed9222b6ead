/// Writes client frames (RFC 6455 section 5.2): header plus payload masked with a fresh random key, straight into
/// a reusable output buffer, so encoding a frame allocates nothing once the buffer has grown to its working size.
public struct WebSocketFrameEncoder {
    private var masks = WebSocketMaskSource()

    public init() {}

    /// The size on the wire of a client frame carrying `payloadCount` bytes.
    @inline(__always)
    public static func frameSize(payloadCount: Int) -> Int {
        headerSize(payloadCount: payloadCount) + payloadCount
    }

    @inline(__always)
    static func headerSize(payloadCount: Int) -> Int {
        (payloadCount < 126 ? 2 : payloadCount <= 0xFFFF ? 4 : 10) + 4
    }

    /// Appends one masked frame to `buffer` and returns its size. `maskKey` (wire byte order in memory) is for
    /// tests only; nil draws a random key.
    @discardableResult
    public mutating func encode(
        _ opcode: WebSocketOpcode, fin: Bool = true, payload: UnsafeRawBufferPointer, into buffer: ByteBuffer,
        maskKey: UInt32? = nil
    ) -> Int {
        let count = payload.count
        return encode(opcode, fin: fin, payloadCount: count, into: buffer, maskKey: maskKey) { out in
            if count > 0 { out.baseAddress!.copyMemory(from: payload.baseAddress!, byteCount: count) }
        }
    }

    /// Appends one masked frame whose `payloadCount` bytes `fill` writes in place (exactly that many), so a
    /// message built for sending is never copied: it is masked where it was written. Returns the frame's size.
    @discardableResult
    public mutating func encode(
        _ opcode: WebSocketOpcode, fin: Bool = true, payloadCount count: Int, into buffer: ByteBuffer,
        maskKey: UInt32? = nil, fill: (UnsafeMutableRawBufferPointer) -> Void
    ) -> Int {
        let size = Self.frameSize(payloadCount: count)
        let out = buffer.reserveWritable(size)
        out.storeBytes(of: (fin ? 0x80 : 0) | opcode.rawValue, as: UInt8.self)
        var offset: Int
        if count < 126 {
            out.storeBytes(of: 0x80 | UInt8(count), toByteOffset: 1, as: UInt8.self)
            offset = 2
        } else if count <= 0xFFFF {
            out.storeBytes(of: 0x80 | 126, toByteOffset: 1, as: UInt8.self)
            out.storeBytes(of: UInt16(count).bigEndian, toByteOffset: 2, as: UInt16.self)
            offset = 4
        } else {
            out.storeBytes(of: 0x80 | 127, toByteOffset: 1, as: UInt8.self)
            out.storeBytes(of: UInt64(count).bigEndian, toByteOffset: 2, as: UInt64.self)
            offset = 10
        }
        let key = maskKey ?? masks.nextKey()
        out.storeBytes(of: key, toByteOffset: offset, as: UInt32.self)
        offset += 4
        if count > 0 {
            fill(UnsafeMutableRawBufferPointer(start: out + offset, count: count))
            WebSocketMasking.copyMasked(from: out + offset, to: out + offset, count: count, key: key)
        }
        buffer.commit(size)
        return size
    }

    /// Appends a close frame with `code` and a reason (cut to fit the 125-byte control payload at a character
    /// boundary). A nil code sends an empty close frame.
    @discardableResult
    public mutating func encodeClose(
        code: WebSocketCloseCode?, reason: String, into buffer: ByteBuffer, maskKey: UInt32? = nil
    ) -> Int {
        var payload: [UInt8] = []
        if let code {
            payload.append(UInt8(code.rawValue >> 8))
            payload.append(UInt8(code.rawValue & 0xFF))
            var room = 123
            for scalar in reason.unicodeScalars {
                let utf8 = String(scalar).utf8
                if utf8.count > room { break }
                payload.append(contentsOf: utf8)
                room -= utf8.count
            }
        }
        return payload.withUnsafeBytes { encode(.close, payload: $0, into: buffer, maskKey: maskKey) }
    }
}
