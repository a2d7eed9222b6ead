import Glibc

/// Samples read from a WAV file or memory image, in a buffer of exactly their size, with their `WAVInfo`
/// (`dataOffset` is where they were in the source). Freed when released.
public final class AudioBuffer {
    public let info: WAVInfo
    /// `info.dataSize` bytes, as stored in the WAV file (little-endian, interleaved).
    public let bytes: UnsafeMutableRawBufferPointer
    /// The start of `bytes`: never nil, even for no samples (malloc'ed, so aligned for any sample type).
    public let storage: UnsafeMutableRawPointer

    /// Parses `source` and copies its samples. Allocates only after the data size has been checked against the
    /// bytes really present. Errors: those of `WAVParser.parse`, `.outOfMemory`, and the source's read errors.
    public init<S: ByteSource>(wav source: S) throws(AzError) {
        let info = try WAVParser.parse(source)
        guard let memory = malloc(max(info.dataSize, 1)) else {
            throw AzError(.outOfMemory, "cannot allocate \(info.dataSize) bytes for the WAV samples")
        }
        let bytes = UnsafeMutableRawBufferPointer(start: memory, count: info.dataSize)
        do {
            try source.read(at: info.dataOffset, into: bytes)
        } catch {
            free(memory)
            throw error
        }
        self.info = info
        self.bytes = bytes
        self.storage = memory
    }

    /// Takes ownership of `bytes` (malloc'ed, `info.dataSize` long, at least 1 byte allocated): freed on release.
    init(info: WAVInfo, malloced storage: UnsafeMutableRawPointer) {
        self.info = info
        self.storage = storage
        bytes = UnsafeMutableRawBufferPointer(start: storage, count: info.dataSize)
    }

    /// Reads the WAV file at `path`. Errors: `.notFound`, `.io`, and those of `init(wav:)`.
    public convenience init(wavFile path: String) throws(AzError) {
        try self.init(wav: try FileByteSource(path: path))
    }

    deinit { free(storage) }
}
