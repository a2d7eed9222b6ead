/// Reads the header of a RIFF/WAVE file: finds its `fmt ` and `data` chunks and validates them, without ever
/// trusting a declared size beyond the bytes really there.
///
/// Accepted: 8 (unsigned), 16, 24 and 32-bit PCM, 32 and 64-bit IEEE float, 8-bit μ-law and 8-bit A-law, any
/// sample rate and channel count, in a plain `fmt ` chunk (16 bytes or longer) or a WAVE_FORMAT_EXTENSIBLE one with
/// the standard sub-format GUID (PCM with fewer valid bits than its container, e.g. 24 in 32, reads as the
/// container: the valid bits are the high ones). Chunks other than
/// `fmt ` and `data` (LIST, fact, cue, id3 ...) are skipped, with the pad byte that follows an odd-sized chunk,
/// and `data` may come before `fmt `. Scanning stops once both are found, so anything after them is ignored.
///
/// Tolerated, because common writers produce them: a RIFF size that disagrees with the file (it is not used), a
/// data size of 0xFFFFFFFF (a streaming writer's "unknown": the data runs to the end of the file), and data
/// that ends in a partial frame (the partial frame is left out).
///
/// Rejected with `.protocolViolation`: fewer than 12 bytes, no RIFF/WAVE signature, a chunk (data or other) that
/// declares more bytes than remain, a missing `fmt ` or `data` chunk, a second `fmt ` chunk, a `fmt ` chunk under
/// 16 bytes, zero channels, a zero sample rate, a block align that disagrees with channels and sample size, and
/// more than `maxChunks` chunks. Rejected with `.unsupported`: RIFX (big-endian) and RF64 files, formats other
/// than the above (12 or 20-bit PCM containers, 16-bit float, ADPCM, ...).
public enum WAVParser {
    /// The most chunks examined before giving up on a file.
    public static let maxChunks = 4096

    /// The "unknown length" data size of streaming writers.
    public static let unknownSize: UInt32 = 0xFFFF_FFFF

    /// Parses the header found in `source`.
    public static func parse<S: ByteSource>(_ source: S) throws(AzError) -> WAVInfo {
        let length = source.length
        guard length >= 12 else {
            throw malformed("truncated: \(length) bytes, but a WAV file starts with a 12-byte RIFF header")
        }
        var header = [UInt8](repeating: 0, count: 12)
        try read(source, at: 0, into: &header)
        let magic = fourCC(header, 0)
        if magic == "RIFX" { throw AzError(.unsupported, "big-endian RIFX WAV files are not supported") }
        if magic == "RF64" { throw AzError(.unsupported, "RF64 (64-bit) WAV files are not supported") }
        guard magic == "RIFF" else { throw malformed("not a WAV file: it starts with \(quoted(header, 0)), not RIFF") }
        guard fourCC(header, 8) == "WAVE" else {
            throw malformed("not a WAV file: the RIFF form type is \(quoted(header, 8)), not WAVE")
        }

        var format: (info: WAVInfo, found: Bool) = (WAVInfo(format: .pcm16, sampleRate: 0, channels: 0), false)
        var data: (offset: Int, size: Int)?
        var position = 12
        var chunks = 0
        var chunkHeader = [UInt8](repeating: 0, count: 8)
        while !(format.found && data != nil) {
            guard position + 8 <= length else {
                let missing = format.found ? "data" : "fmt "
                throw malformed(
                    position >= length
                        ? "no '\(missing)' chunk before the end of the file"
                        : "truncated: \(length - position) stray bytes where a chunk header was expected, and no '\(missing)' chunk"
                )
            }
            chunks += 1
            guard chunks <= maxChunks else { throw malformed("more than \(maxChunks) chunks before 'fmt ' and 'data'") }
            try read(source, at: position, into: &chunkHeader)
            let id = fourCC(chunkHeader, 0)
            let declared = u32(chunkHeader, 4)
            let body = position + 8
            let remaining = length - body
            var size = Int(declared)
            if id == "data" && declared == unknownSize {
                size = remaining
            } else if size > remaining {
                throw malformed(
                    "the '\(id)' chunk at offset \(position) declares \(declared) bytes but only "
                        + "\(remaining) follow: the file is truncated or the size is wrong")
            }
            switch id {
            case "fmt ":
                guard !format.found else { throw malformed("a second 'fmt ' chunk at offset \(position)") }
                format = (try parseFormat(source, at: body, size: size), true)
            case "data":
                if data == nil { data = (body, size) }
            default:
                break
            }
            position = body + size + (size & 1)
        }
        var info = format.info
        info.dataOffset = data!.offset
        info.dataSize = data!.size - data!.size % info.blockAlign
        return info
    }

    /// Validates a `fmt ` chunk body of `size` bytes at `offset`.
    static func parseFormat<S: ByteSource>(_ source: S, at offset: Int, size: Int) throws(AzError) -> WAVInfo {
        guard size >= 16 else { throw malformed("the 'fmt ' chunk is \(size) bytes; it must be at least 16") }
        var b = [UInt8](repeating: 0, count: min(size, 40))
        try read(source, at: offset, into: &b)
        var tag = u16(b, 0)
        let channels = Int(u16(b, 2))
        let rate = u32(b, 4)
        let blockAlign = Int(u16(b, 12))
        let bits = Int(u16(b, 14))
        guard channels > 0 else { throw malformed("the 'fmt ' chunk says 0 channels") }
        guard rate > 0 else { throw malformed("the 'fmt ' chunk says a sample rate of 0") }
        if tag == 0xFFFE {
            guard size >= 40 else {
                throw malformed("a WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk must be at least 40 bytes; this one is \(size)")
            }
            let validBits = Int(u16(b, 18))
            let guidTail: [UInt8] = [
                0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
            ]
            guard Array(b[26..<40]) == guidTail else {
                throw AzError(
                    .unsupported, "WAVE_FORMAT_EXTENSIBLE with a non-standard sub-format GUID is not supported")
            }
            tag = u16(b, 24)
            // Fewer valid bits than the container (e.g. 20 or 24 in 32) are the high bits: read as the container.
            guard validBits <= bits, tag == 1 || validBits == 0 || validBits == bits else {
                throw AzError(.unsupported, "\(validBits) valid bits in \(bits)-bit samples are not supported")
            }
        }
        guard let format = AudioFormat(wavFormatTag: tag, bitsPerSample: bits) else {
            switch tag {
            case 1:
                throw AzError(.unsupported, "\(bits)-bit PCM is not supported: PCM must be 8, 16, 24 or 32-bit")
            case 3:
                throw AzError(.unsupported, "\(bits)-bit IEEE float is not supported: float must be 32 or 64-bit")
            case 6, 7:
                throw malformed("\(tag == 6 ? "A-law" : "mu-law") with \(bits) bits per sample; it must be 8")
            default:
                throw AzError(.unsupported, "WAV format tag 0x\(String(tag, radix: 16)) is not supported: " + supported)
            }
        }
        let info = WAVInfo(format: format, sampleRate: Int(rate), channels: channels)
        guard blockAlign == info.blockAlign else {
            throw malformed(
                "the 'fmt ' chunk says a block align of \(blockAlign) bytes, but \(channels) channel(s) "
                    + "of \(bits)-bit samples take \(info.blockAlign)")
        }
        return info
    }

    /// What the reader takes, for messages.
    static let supported = "PCM (8, 16, 24, 32-bit), IEEE float (32, 64-bit), mu-law and A-law are"

    static func malformed(_ message: String) -> AzError { AzError(.protocolViolation, "malformed WAV: \(message)") }

    static func read<S: ByteSource>(_ source: S, at offset: Int, into bytes: inout [UInt8]) throws(AzError) {
        try bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(AzError) in try source.read(at: offset, into: buffer) }
        }.get()
    }

    static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }

    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    static func fourCC(_ b: [UInt8], _ i: Int) -> String {
        String(decoding: b[i..<(i + 4)].map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }

    static func quoted(_ b: [UInt8], _ i: Int) -> String { "'\(fourCC(b, i))'" }
}
