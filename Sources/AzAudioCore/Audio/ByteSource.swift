/// Random access to the bytes of a file or a memory buffer, so that the WAV parser reads only the few bytes it
/// looks at and never needs the whole input in memory.
public protocol ByteSource {
    /// The real number of bytes available (not what any header claims).
    var length: Int { get }
    /// Copies `destination.count` bytes starting at `offset` into `destination`. Callers keep
    /// `offset + destination.count <= length`.
    func read(at offset: Int, into destination: UnsafeMutableRawBufferPointer) throws(AzError)
}
