/// A `multipart/form-data` request body (RFC 7578) produced as it is uploaded.
///
/// Text fields are kept in memory; a file part is read from disk (or from the caller's callback) as libcurl asks
/// for more, so a 25 MB upload never sits in memory. The length is exact whenever every part's size is known (the
/// request then carries Content-Length); a part fed by a callback makes the length unknown (chunked encoding), and
/// the body then enforces `limit` as it goes. A body built from memory or a file rewinds for a retry; one fed by a
/// callback rewinds only before its first byte was read.
public final class MultipartFormBody: BodyStream, @unchecked Sendable {
    /// Where a file part's bytes come from.
    public enum FileContent {
        case memory([UInt8])
        case file(AudioFile)
        /// Fills the buffer and returns how many bytes it wrote; 0 means the end.
        case reader((UnsafeMutableRawBufferPointer) throws(AzError) -> Int)
    }

    enum Piece {
        case bytes([UInt8])
        case content(FileContent)
    }

    public let boundary: String
    public let length: Int64?
    /// The most bytes sent for a body of unknown length; exceeding it fails the upload with `.payloadTooLarge`.
    public let limit: Int64?
    private let pieces: [Piece]
    private var pieceIndex = 0
    private var pieceOffset: Int64 = 0
    private var produced: Int64 = 0
    private var readerUsed = false

    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    init(boundary: String, pieces: [Piece], limit: Int64?) {
        self.boundary = boundary
        self.pieces = pieces
        self.limit = limit
        var total: Int64 = 0
        var known = true
        for piece in pieces {
            switch piece {
            case .bytes(let b): total += Int64(b.count)
            case .content(.memory(let b)): total += Int64(b.count)
            case .content(.file(let f)): total += f.size
            case .content(.reader): known = false
            }
        }
        self.length = known ? total : nil
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(AzError) -> Int {
        var written = 0
        while written < buffer.count, pieceIndex < pieces.count {
            let room = UnsafeMutableRawBufferPointer(rebasing: buffer[written...])
            let n: Int
            var finished = false
            var fromReader = false
            switch pieces[pieceIndex] {
            case .bytes(let bytes):
                n = copy(bytes, into: room)
                finished = pieceOffset + Int64(n) >= Int64(bytes.count)
            case .content(.memory(let bytes)):
                n = copy(bytes, into: room)
                finished = pieceOffset + Int64(n) >= Int64(bytes.count)
            case .content(.file(let file)):
                let want = Int(min(Int64(room.count), file.size - pieceOffset))
                if want == 0 {
                    n = 0
                } else {
                    n = try file.read(at: pieceOffset, into: UnsafeMutableRawBufferPointer(rebasing: room[..<want]))
                    if n == 0 {
                        throw AzError(.io, "the audio file '\(file.path)' shrank while it was being uploaded")
                    }
                }
                finished = pieceOffset + Int64(n) >= file.size
            case .content(.reader(let read)):
                readerUsed = true
                fromReader = true
                n = try read(room)
                guard n >= 0, n <= room.count else {
                    throw AzError(
                        .invalidArgument, "the audio read callback returned \(n) for a \(room.count)-byte buffer")
                }
                finished = n == 0
            }
            written += n
            pieceOffset += Int64(n)
            if finished {
                pieceIndex += 1
                pieceOffset = 0
            } else if n == 0 {
                break
            }
            // A callback-fed part hands over what it has at once; curl asks again for more.
            if fromReader && !finished { break }
        }
        produced += Int64(written)
        if let limit, length == nil, produced > limit {
            throw AzError(
                .payloadTooLarge,
                "the request body grew past \(limit) bytes, the service's limit; the upload was stopped")
        }
        return written
    }

    private func copy(_ bytes: [UInt8], into room: UnsafeMutableRawBufferPointer) -> Int {
        let n = Int(min(Int64(room.count), Int64(bytes.count) - pieceOffset))
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { src in
            room.baseAddress!.copyMemory(from: src.baseAddress! + Int(pieceOffset), byteCount: n)
        }
        return n
    }

    public func rewind() -> Bool {
        if readerUsed { return false }
        pieceIndex = 0
        pieceOffset = 0
        produced = 0
        return true
    }
}

/// Builds a `MultipartFormBody`: text fields and file parts, in order.
public struct MultipartFormBuilder {
    public let boundary: String
    private var pieces: [MultipartFormBody.Piece] = []
    private var pending: [UInt8] = []

    public init(boundary: String = MultipartFormBuilder.randomBoundary()) {
        self.boundary = boundary
    }

    /// A boundary that cannot plausibly occur in the content: 32 random hex digits after a fixed prefix.
    public static func randomBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef".utf8)
        var out = "----azaudio"
        for _ in 0..<32 { out.unicodeScalars.append(Unicode.Scalar(hex[Int(generator.next() % 16)])) }
        return out
    }

    /// A parameter name or filename made safe for a quoted header value: CR, LF and NUL dropped, '"' and '\'
    /// escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r", "\n", "\0": continue
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    public mutating func addField(_ name: String, _ value: String) {
        pending += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\(Self.quoted(name))\r\n\r\n".utf8)
        pending += Array(value.utf8)
        pending += Array("\r\n".utf8)
    }

    public mutating func addFile(
        _ name: String, filename: String, contentType: String, content: MultipartFormBody.FileContent
    ) {
        pending += Array(
            ("--\(boundary)\r\nContent-Disposition: form-data; name=\(Self.quoted(name)); "
                + "filename=\(Self.quoted(filename))\r\nContent-Type: \(contentType)\r\n\r\n").utf8)
        pieces.append(.bytes(pending))
        pending = []
        pieces.append(.content(content))
        pending += Array("\r\n".utf8)
    }

    public func build(limit: Int64? = nil) -> MultipartFormBody {
        var all = pieces
        all.append(.bytes(pending + Array("--\(boundary)--\r\n".utf8)))
        return MultipartFormBody(boundary: boundary, pieces: all, limit: limit)
    }
}
