/// A `ByteSource` over bytes the caller owns; valid while those bytes are.
public struct MemoryByteSource: ByteSource {
    public let bytes: UnsafeRawBufferPointer

    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    public var length: Int { bytes.count }

    public func read(at offset: Int, into destination: UnsafeMutableRawBufferPointer) throws(AzError) {
        precondition(offset >= 0 && offset + destination.count <= bytes.count, "MemoryByteSource: out of range")
        guard destination.count > 0 else { return }
        destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + destination.count)]))
    }
}
