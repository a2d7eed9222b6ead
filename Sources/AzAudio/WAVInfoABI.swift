import AzAudioCore
import CAzAudio

/// Conversions between the engine's audio types and `azaudio_wav_info` / `AZAUDIO_FORMAT_*`.
enum WAVInfoABI {
    /// The size of azaudio_wav_info in its first release: callers receiving one must declare at least this much.
    static let firstReleaseSize = 48
    /// Callers passing one in must declare at least the fields read: struct_size, format, sample_rate, channels.
    static let minimumInputSize = 16

    static func format(_ code: Int32) throws(AzError) -> AudioFormat {
        switch code {
        case AZAUDIO_FORMAT_PCM16: return .pcm16
        case AZAUDIO_FORMAT_ULAW: return .ulaw
        case AZAUDIO_FORMAT_ALAW: return .alaw
        case AZAUDIO_FORMAT_PCM8: return .pcm8
        case AZAUDIO_FORMAT_PCM24: return .pcm24
        case AZAUDIO_FORMAT_PCM32: return .pcm32
        case AZAUDIO_FORMAT_FLOAT32: return .float32
        case AZAUDIO_FORMAT_FLOAT64: return .float64
        default:
            throw AzError(.unsupported, "format \(code) is not an AZAUDIO_FORMAT_* code (1 to 8)")
        }
    }

    static func code(_ format: AudioFormat) -> Int32 {
        switch format {
        case .pcm16: return AZAUDIO_FORMAT_PCM16
        case .ulaw: return AZAUDIO_FORMAT_ULAW
        case .alaw: return AZAUDIO_FORMAT_ALAW
        case .pcm8: return AZAUDIO_FORMAT_PCM8
        case .pcm24: return AZAUDIO_FORMAT_PCM24
        case .pcm32: return AZAUDIO_FORMAT_PCM32
        case .float32: return AZAUDIO_FORMAT_FLOAT32
        case .float64: return AZAUDIO_FORMAT_FLOAT64
        }
    }

    static var defaults: azaudio_wav_info {
        var info = azaudio_wav_info()
        info.struct_size = UInt32(MemoryLayout<azaudio_wav_info>.size)
        info.format = AZAUDIO_FORMAT_PCM16
        info.sample_rate = 24000
        info.channels = 1
        info.bits_per_sample = 16
        info.block_align = 2
        return info
    }

    /// Reads the fields a writer uses from the caller's struct.
    static func read(_ pointer: UnsafePointer<azaudio_wav_info>) throws(AzError) -> WAVInfo {
        guard let c = readOptions(pointer, defaults: defaults, minimumSize: minimumInputSize) else {
            throw .invalidArgument("info->struct_size is \(UnsafeRawPointer(pointer).load(as: UInt32.self)); "
                + "fill the struct with azaudio_wav_info_init()")
        }
        let info = WAVInfo(format: try format(c.format), sampleRate: Int(c.sample_rate), channels: Int(c.channels))
        try WAVHeader.validate(info)
        return info
    }

    /// Checks that the caller's struct is large enough to receive an info.
    static func checkOutput(_ pointer: UnsafeMutablePointer<azaudio_wav_info>) throws(AzError) {
        let declared = Int(pointer.pointee.struct_size)
        guard declared >= firstReleaseSize else {
            throw .invalidArgument("info->struct_size is \(declared); set it to sizeof(azaudio_wav_info)")
        }
    }

    /// Writes `info` into the caller's struct, no more than its struct_size bytes (checked by `checkOutput`).
    static func write(_ info: WAVInfo, to pointer: UnsafeMutablePointer<azaudio_wav_info>) {
        var c = azaudio_wav_info()
        let declared = Int(pointer.pointee.struct_size)
        c.struct_size = UInt32(min(declared, MemoryLayout<azaudio_wav_info>.size))
        c.format = code(info.format)
        c.sample_rate = UInt32(info.sampleRate)
        c.channels = UInt32(info.channels)
        c.bits_per_sample = UInt32(info.bitsPerSample)
        c.block_align = UInt32(info.blockAlign)
        c.frame_count = UInt64(info.frameCount)
        c.data_offset = UInt64(info.dataOffset)
        c.data_size = UInt64(info.dataSize)
        let count = Int(c.struct_size)
        withUnsafeBytes(of: &c) { source in
            UnsafeMutableRawPointer(pointer).copyMemory(from: source.baseAddress!, byteCount: count)
        }
    }
}
