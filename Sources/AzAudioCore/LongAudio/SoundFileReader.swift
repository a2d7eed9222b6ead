import CSndFile
import Glibc

/// A decoded view of an audio file (WAV, FLAC, MP3, Ogg: whatever Debian's libsndfile reads), read a block of frames
/// at a time and mixed down to mono, so memory stays bounded whatever the file's length.
///
/// libsndfile is used instead of hand-written decoders: it is packaged by every distribution, maintained, fuzzed
/// (OSS-Fuzz) and reads every format the service takes except MP4/WebM containers.
public final class SoundFileReader {
    public let sampleRate: Int
    public let channels: Int
    /// Frames in the file; for formats whose length is only an estimate (MP3) the real count may differ a little.
    public let frames: Int64
    private var handle: OpaquePointer?
    private var interleaved: [Float] = []
    /// Memory input is read through libsndfile's virtual I/O from this box.
    private let memory: MemoryReader?

    /// Opens a file on disk. `.unsupported` when libsndfile cannot read it (the message says what it said).
    public init(path: String, raw: RawPCMLayout? = nil) throws(AzError) {
        var info = try Self.info(raw)
        memory = nil
        handle = sf_open(path, Int32(SFM_READ), &info)
        guard let handle else {
            throw AzError(
                .unsupported,
                "the audio file '\(AudioFileType.baseName(path).prefix(200))' cannot be decoded: "
                    + Self.lastError(nil))
        }
        (sampleRate, channels, frames) = try Self.check(info, handle: handle, name: path)
    }

    /// Opens audio held in memory (the bytes are copied into the reader only by reference to `bytes`).
    public init(bytes: [UInt8], name: String, raw: RawPCMLayout? = nil) throws(AzError) {
        let box = MemoryReader(bytes)
        memory = box
        var info = try Self.info(raw)
        var io = SF_VIRTUAL_IO(
            get_filelen: { user in Unmanaged<MemoryReader>.fromOpaque(user!).takeUnretainedValue().length },
            seek: { offset, whence, user in
                Unmanaged<MemoryReader>.fromOpaque(user!).takeUnretainedValue().seek(offset, whence: whence)
            },
            read: { ptr, count, user in
                Unmanaged<MemoryReader>.fromOpaque(user!).takeUnretainedValue().read(into: ptr!, count: count)
            },
            write: { _, _, _ in 0 },
            tell: { user in Unmanaged<MemoryReader>.fromOpaque(user!).takeUnretainedValue().position })
        handle = sf_open_virtual(&io, Int32(SFM_READ), &info, Unmanaged.passUnretained(box).toOpaque())
        guard let handle else {
            throw AzError(.unsupported, "the audio '\(name.prefix(200))' cannot be decoded: " + Self.lastError(nil))
        }
        (sampleRate, channels, frames) = try Self.check(info, handle: handle, name: name)
    }

    deinit { if let handle { sf_close(handle) } }

    /// What libsndfile is told before opening: nothing for a file format (it reads the header), the layout for
    /// headerless PCM (little-endian).
    static func info(_ raw: RawPCMLayout?) throws(AzError) -> SF_INFO {
        var info = SF_INFO()
        guard let raw else { return info }
        guard (1...384_000).contains(raw.sampleRate) else {
            throw .invalidArgument("the raw PCM sample rate is \(raw.sampleRate) Hz; use 1 to 384000")
        }
        guard (1...256).contains(raw.channels) else {
            throw .invalidArgument("the raw PCM has \(raw.channels) channels; use 1 to 256")
        }
        let subtype: Int32
        switch raw.sample {
        case .u8: subtype = Int32(SF_FORMAT_PCM_U8)
        case .s16: subtype = Int32(SF_FORMAT_PCM_16)
        case .s24: subtype = Int32(SF_FORMAT_PCM_24)
        case .s32: subtype = Int32(SF_FORMAT_PCM_32)
        case .float32: subtype = Int32(SF_FORMAT_FLOAT)
        case .float64: subtype = Int32(SF_FORMAT_DOUBLE)
        case .ulaw: subtype = Int32(SF_FORMAT_ULAW)
        case .alaw: subtype = Int32(SF_FORMAT_ALAW)
        }
        info.samplerate = Int32(raw.sampleRate)
        info.channels = Int32(raw.channels)
        info.format = Int32(SF_FORMAT_RAW) | subtype | Int32(SF_ENDIAN_LITTLE)
        return info
    }

    public var seconds: Double { Double(frames) / Double(sampleRate) }

    /// Moves to frame `frame` (0-based).
    public func seek(toFrame frame: Int64) throws(AzError) {
        guard sf_seek(handle, sf_count_t(frame), SEEK_SET) >= 0 else {
            throw AzError(.io, "seeking in the audio to frame \(frame) failed: " + Self.lastError(handle))
        }
    }

    /// Reads up to `output.count` frames mixed down to mono (samples from -1 to 1); returns how many, 0 at the end.
    public func readMono(into output: UnsafeMutableBufferPointer<Float>) throws(AzError) -> Int {
        guard output.count > 0 else { return 0 }
        if channels == 1 {
            let n = sf_readf_float(handle, output.baseAddress, sf_count_t(output.count))
            if n < 0 { throw AzError(.io, "decoding the audio failed: " + Self.lastError(handle)) }
            return Int(n)
        }
        let need = output.count * channels
        if interleaved.count < need { interleaved = [Float](repeating: 0, count: need) }
        let n = interleaved.withUnsafeMutableBufferPointer {
            sf_readf_float(handle, $0.baseAddress, sf_count_t(output.count))
        }
        if n < 0 { throw AzError(.io, "decoding the audio failed: " + Self.lastError(handle)) }
        let scale = 1 / Float(channels)
        for i in 0..<Int(n) {
            var sum: Float = 0
            for c in 0..<channels { sum += interleaved[i * channels + c] }
            output[i] = sum * scale
        }
        return Int(n)
    }

    private static func check(
        _ info: SF_INFO, handle: OpaquePointer, name: String
    ) throws(AzError)
        -> (Int, Int, Int64)
    {
        guard info.samplerate > 0, info.channels > 0, info.channels <= 256, info.frames >= 0 else {
            sf_close(handle)
            throw AzError(
                .unsupported,
                "the audio '\(AudioFileType.baseName(name).prefix(200))' has an unusable header "
                    + "(\(info.samplerate) Hz, \(info.channels) channels)")
        }
        // libsndfile reports SF_COUNT_MAX for streams of unknown length.
        let frames = info.frames == Int64.max ? 0 : Int64(info.frames)
        return (Int(info.samplerate), Int(info.channels), frames)
    }

    static func lastError(_ handle: OpaquePointer?) -> String {
        guard let text = sf_strerror(handle) else { return "unknown error" }
        return String(cString: text)
    }
}

/// Bytes in memory behind libsndfile's virtual I/O callbacks.
final class MemoryReader {
    let bytes: [UInt8]
    var position: sf_count_t = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var length: sf_count_t { sf_count_t(bytes.count) }

    func seek(_ offset: sf_count_t, whence: Int32) -> sf_count_t {
        let base: sf_count_t
        switch whence {
        case SEEK_CUR: base = position
        case SEEK_END: base = length
        default: base = 0
        }
        let (target, overflow) = base.addingReportingOverflow(offset)
        guard !overflow, target >= 0, target <= length else { return -1 }
        position = target
        return position
    }

    func read(into pointer: UnsafeMutableRawPointer, count: sf_count_t) -> sf_count_t {
        let n = max(0, min(count, length - position))
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { src in
            pointer.copyMemory(from: src.baseAddress! + Int(position), byteCount: Int(n))
        }
        position += n
        return n
    }
}
