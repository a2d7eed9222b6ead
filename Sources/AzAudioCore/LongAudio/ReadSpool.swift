import Glibc

/// Audio from a read callback copied to a private temporary file as it is read (disk, not memory), so that a
/// stream found too large for one request, or headerless PCM, can then be decoded and cut like a file. The file
/// keeps the caller's file name (the service sees that name when the audio is sent whole).
final class ReadSpool {
    private let directory: PieceDirectory
    let path: String
    private var fd: Int32
    private(set) var bytes: Int64 = 0

    init(filename: String) throws(AzError) {
        directory = try PieceDirectory()
        let base = AudioFileType.baseName(filename)
        path = directory.path + "/" + (base.isEmpty || base == "." || base == ".." ? "audio" : base)
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw AzError(.io, "cannot create a temporary file for the audio: " + String(cString: strerror(errno)))
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Appends bytes just read.
    func append(_ buffer: UnsafeRawBufferPointer) throws(AzError) {
        var done = 0
        while done < buffer.count {
            let n = write(fd, buffer.baseAddress! + done, buffer.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw AzError(.io, "writing the audio to a temporary file failed: " + String(cString: strerror(errno)))
            }
            done += n
        }
        bytes += Int64(buffer.count)
    }

    /// Reads the rest of the stream into the file (64 KiB at a time).
    func drain(
        _ read: (UnsafeMutableRawBufferPointer) throws(AzError) -> Int, cancel: CancellationToken?
    )
        throws(AzError)
    {
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if cancel?.isCancelled == true { throw AzError(.cancelled, "the call was cancelled") }
            let n = try block.withUnsafeMutableBufferPointer {
                (b: inout UnsafeMutableBufferPointer<UInt8>) throws(AzError) -> Int in
                try read(UnsafeMutableRawBufferPointer(b))
            }
            if n <= 0 { break }
            guard n <= block.count else {
                throw .invalidArgument("the read callback returned \(n) for a \(block.count)-byte buffer")
            }
            try block.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(AzError) in
                try append(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[0..<n]))
            }
        }
    }

    /// Closes the file; it stays until the spool is released.
    func finish() throws(AzError) {
        guard fd >= 0 else { return }
        let rc = close(fd)
        fd = -1
        guard rc == 0 else { throw AzError(.io, "finishing the temporary audio file failed") }
    }
}
