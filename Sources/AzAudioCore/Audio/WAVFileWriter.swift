import Glibc

/// Writes whole WAV files: the 44-byte header, then the samples.
public enum WAVFileWriter {
    /// Creates or replaces the file at `path` with a WAV of `info.format`, `info.sampleRate` and `info.channels`
    /// holding `samples` (little-endian, interleaved). Errors: `.invalidArgument` (bad info, or `samples` not a
    /// whole number of frames or too large), `.notFound` (the directory does not exist), `.io` (anything else the
    /// system refuses, e.g. permissions or a full disk).
    public static func write(path: String, info: WAVInfo, samples: UnsafeRawBufferPointer) throws(AzError) {
        var header = [UInt8](repeating: 0, count: WAVHeader.size)
        try header.withUnsafeMutableBytes { out in
            Result { () throws(AzError) in try WAVHeader.write(info, dataSize: samples.count, into: out) }
        }.get()
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileByteSource.error(errno, "cannot create \(path)") }
        let body = Result { () throws(AzError) in
            try header.withUnsafeBytes { bytes in Result { () throws(AzError) in try writeAll(fd, bytes, path) } }.get()
            try writeAll(fd, samples, path)
            if samples.count & 1 == 1 {
                let pad: [UInt8] = [0]
                try pad.withUnsafeBytes { bytes in Result { () throws(AzError) in try writeAll(fd, bytes, path) } }
                    .get()
            }
        }
        if case .failure(let error) = body {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw FileByteSource.error(errno, "cannot write \(path)") }
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, _ path: String) throws(AzError) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileByteSource.error(errno, "cannot write \(path)")
            }
            done += n
        }
    }
}
