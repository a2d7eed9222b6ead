import Glibc

/// A `ByteSource` over a regular file opened read-only; closes it when released.
public final class FileByteSource: ByteSource {
    public let path: String
    public let length: Int
    private let fd: Int32

    /// Opens `path`. Errors: `.notFound` when it does not exist, `.io` when it cannot be opened or is not a regular
    /// file.
    public init(path: String) throws(AzError) {
        self.path = path
        // O_NONBLOCK: opening a FIFO (or a device) for reading must not wait for a writer; the regular-file check
        // below then refuses it. Reads of a regular file ignore the flag.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw Self.error(errno, "cannot open \(path)") }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let code = errno
            close(fd)
            throw Self.error(code, "cannot stat \(path)")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw AzError(.io, "\(path) is not a regular file")
        }
        self.fd = fd
        self.length = Int(st.st_size)
    }

    deinit { close(fd) }

    public func read(at offset: Int, into destination: UnsafeMutableRawBufferPointer) throws(AzError) {
        precondition(offset >= 0 && offset + destination.count <= length, "FileByteSource: out of range")
        var done = 0
        while done < destination.count {
            let n = pread(fd, destination.baseAddress! + done, destination.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw Self.error(errno, "cannot read \(path)")
            }
            if n == 0 { throw AzError(.io, "\(path) became shorter while it was being read") }
            done += n
        }
    }

    /// An error for a failed system call: `.notFound` for ENOENT and ENOTDIR, `.io` otherwise.
    static func error(_ code: Int32, _ what: String) -> AzError {
        let text = String(cString: strerror(code))
        return AzError(code == ENOENT || code == ENOTDIR ? .notFound : .io, "\(what): \(text)")
    }
}
