import Glibc

/// A local file opened for reading, with its size, closed when the last reference goes.
///
/// Opening checks what can be checked before any byte is sent: that the file exists (`.notFound`), that it is a
/// regular file this process may read (`.io`).
public final class AudioFile: @unchecked Sendable {
    public let path: String
    public let size: Int64
    let descriptor: Int32

    public init(path: String) throws(AzError) {
        guard !path.isEmpty else { throw .invalidArgument("the file path is empty") }
        // O_NONBLOCK: opening a FIFO (or a device) for reading must not wait for a writer; the regular-file check
        // below then refuses it. Reads of a regular file ignore the flag.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 {
            let code = errno
            let reason = String(cString: strerror(code))
            if code == ENOENT || code == ENOTDIR {
                throw AzError(.notFound, "the audio file '\(path)' does not exist")
            }
            throw AzError(.io, "the audio file '\(path)' cannot be opened: \(reason)")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw AzError(.io, "the audio file '\(path)' cannot be examined: \(reason)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw AzError(.io, "'\(path)' is not a regular file")
        }
        // A zero-byte read proves the descriptor is readable (e.g. not a directory on odd file systems).
        var probe: UInt8 = 0
        if pread(fd, &probe, 0, 0) < 0 {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw AzError(.io, "the audio file '\(path)' cannot be read: \(reason)")
        }
        self.path = path
        self.size = Int64(info.st_size)
        self.descriptor = fd
    }

    deinit { close(descriptor) }

    /// Reads up to `buffer.count` bytes at `offset`; returns how many (0 at the end of the file).
    public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(AzError) -> Int {
        while true {
            let n = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw AzError(.io, "reading the audio file '\(path)' failed: \(String(cString: strerror(errno)))")
        }
    }

    /// The whole file, for the few places that need it in memory (chat input audio, bounded by its limit).
    public func readAll() throws(AzError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Int(size))
        var done = 0
        while done < bytes.count {
            let n = try bytes.withMutableBytes { (b: UnsafeMutableRawBufferPointer) throws(AzError) -> Int in
                try read(at: Int64(done), into: UnsafeMutableRawBufferPointer(rebasing: b[done...]))
            }
            if n == 0 { throw AzError(.io, "the audio file '\(path)' shrank while it was read") }
            done += n
        }
        return bytes
    }
}
