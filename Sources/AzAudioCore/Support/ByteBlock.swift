/// Bytes in one heap block with a stable address (an event's audio, an event's JSON text), so the C layer can hand
/// out a pointer to them without copying. Immutable once made.
public final class ByteBlock: @unchecked Sendable {
    public let pointer: UnsafeMutableRawPointer?
    public let count: Int

    public static let empty = ByteBlock(capacity: 0)

    private init(capacity: Int) {
        pointer = capacity > 0 ? UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8) : nil
        count = capacity
    }

    private init(pointer: UnsafeMutableRawPointer?, count: Int) {
        self.pointer = pointer
        self.count = count
    }

    deinit { pointer?.deallocate() }

    public var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: pointer, count: count) }

    public var bytes: [UInt8] { Array(buffer) }

    /// Decodes base64 text straight into a new block; nil if the text is not valid base64.
    public static func decodingBase64(_ text: UnsafeRawBufferPointer) -> ByteBlock? {
        let capacity = Base64.maxDecodedLength(text.count)
        guard capacity > 0 else { return text.isEmpty ? .empty : nil }
        let block = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        guard let n = Base64.decode(text, into: UnsafeMutableRawBufferPointer(start: block, count: capacity)) else {
            block.deallocate()
            return nil
        }
        return ByteBlock(pointer: block, count: n)
    }

    /// Copies bytes into a new block.
    public static func copying(_ bytes: UnsafeRawBufferPointer) -> ByteBlock {
        guard !bytes.isEmpty else { return .empty }
        let block = ByteBlock(capacity: bytes.count)
        block.pointer!.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        return block
    }
}
