/// The canonical 44-byte WAV header: `RIFF` size `WAVE`, a 16-byte `fmt ` chunk, and the `data` chunk header.
///
/// The same layout serves μ-law and A-law (a 16-byte fmt chunk without the cbSize field, which ffmpeg and SoX
/// read, as checked when this was written), so a streaming writer can always reserve exactly 44 bytes.
public enum WAVHeader {
    public static let size = 44

    /// The largest data size a header can state (the RIFF size, 36 + data + pad byte, must fit 32 bits).
    public static let maxDataSize = Int(UInt32.max) - 37

    /// Checks that `info` describes something this library can write. Errors: `.invalidArgument`.
    public static func validate(_ info: WAVInfo) throws(AzError) {
        guard info.sampleRate > 0, info.sampleRate <= Int(UInt32.max) else {
            throw .invalidArgument("sample rate \(info.sampleRate) is out of range")
        }
        guard info.channels > 0, info.channels <= 1024 else {
            throw .invalidArgument("channel count \(info.channels) is out of range (1 to 1024)")
        }
    }

    /// Writes the header for `info` and `dataSize` bytes of samples into `out` (at least 44 bytes).
    /// `dataSize` == `WAVParser.unknownSize` writes the streaming "unknown length" sizes (0xFFFFFFFF), which
    /// `WAVParser` reads as "to the end of the file". Errors: `.invalidArgument` for a bad `info` or a data size
    /// over `maxDataSize` or not a whole number of frames.
    public static func write(_ info: WAVInfo, dataSize: Int, into out: UnsafeMutableRawBufferPointer) throws(AzError) {
        precondition(out.count >= size, "WAVHeader.write: buffer too small")
        try validate(info)
        let unknown = dataSize == Int(WAVParser.unknownSize)
        if !unknown {
            guard dataSize >= 0, dataSize <= maxDataSize else {
                throw .invalidArgument("data size \(dataSize) does not fit a WAV file (at most \(maxDataSize) bytes)")
            }
            guard dataSize % info.blockAlign == 0 else {
                throw .invalidArgument(
                    "data size \(dataSize) is not a whole number of \(info.blockAlign)-byte frames")
            }
        }
        let riffSize = unknown ? UInt32.max : UInt32(36 + dataSize + (dataSize & 1))
        var i = 0
        func put(_ text: String) { for c in text.utf8 { out[i] = c; i += 1 } }
        func put32(_ v: UInt32) {
            for s in stride(from: 0, to: 32, by: 8) { out[i] = UInt8(truncatingIfNeeded: v >> UInt32(s)); i += 1 }
        }
        func put16(_ v: UInt16) { out[i] = UInt8(v & 0xFF); out[i + 1] = UInt8(v >> 8); i += 2 }
        put("RIFF")
        put32(riffSize)
        put("WAVE")
        put("fmt ")
        put32(16)
        put16(info.format.wavFormatTag)
        put16(UInt16(info.channels))
        put32(UInt32(info.sampleRate))
        put32(UInt32(truncatingIfNeeded: info.sampleRate * info.blockAlign))
        put16(UInt16(info.blockAlign))
        put16(UInt16(info.bitsPerSample))
        put("data")
        put32(unknown ? UInt32.max : UInt32(dataSize))
    }
}
