import Glibc

/// Keeps each finished piece's reply in a directory, keyed by a hash of the piece's encoded audio and the request's
/// options, so a job started again (after Ctrl-C, a crash, kill -9) sends no piece that had already succeeded.
///
/// An entry is written to a temporary name and renamed into place, so a killed process leaves no half entry.
public struct PieceJournal: Sendable {
    public let directory: String

    public init(directory: String) throws(AzError) {
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw AzError(
                .io, "cannot create the journal directory '\(directory)': \(String(cString: strerror(errno)))")
        }
        self.directory = directory
    }

    /// The key of a piece: SHA-1 of its file's bytes and the request description.
    public static func key(pieceFile: AudioFile, request: String) throws(AzError) -> String {
        var sha = SHA1()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var offset: Int64 = 0
        while true {
            let n = try buffer.withMutableBytes { (b: UnsafeMutableRawBufferPointer) throws(AzError) -> Int in
                try pieceFile.read(at: offset, into: b)
            }
            if n == 0 { break }
            sha.update(buffer[0..<n])
            offset += Int64(n)
        }
        sha.update(Array(request.utf8))
        return sha.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    private func path(_ key: String) -> String { directory + "/" + key + ".reply" }

    /// The stored reply of a piece, or nil.
    public func lookup(_ key: String) -> [UInt8]? {
        guard let file = try? AudioFile(path: path(key)) else { return nil }
        return try? file.readAll()
    }

    /// Stores a piece's reply.
    public func store(_ key: String, reply: [UInt8]) throws(AzError) {
        let final = path(key)
        let temporary = final + ".tmp\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AzError(.io, "cannot write the journal entry '\(temporary)'") }
        var written = 0
        let ok = reply.withUnsafeBytes { raw -> Bool in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 { if errno == EINTR { continue }; return false }
                written += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok, rename(temporary, final) == 0 else {
            unlink(temporary)
            throw AzError(.io, "cannot write the journal entry '\(final)'")
        }
    }
}
