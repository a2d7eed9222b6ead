import AzAudioCore
import CAzAudio

/// Conversions between the engine's audio types and `azaudio_wav_info` / `AZAUDIO_FORMAT_*`.
enum WAVInfoABI: SizedStructABI {
    static let typeName = "azaudio_wav_info"
    /// 0.1.0 declared every field up to data_size (48 bytes), for the structs passed in and those filled alike.
    static let firstReleaseSize = end(of: \azaudio_wav_info.data_size)

    /// The one mapping from AZAUDIO_FORMAT_* codes to the engine's formats.
    static let formats: [Int32: AudioFormat] = [
        AZAUDIO_FORMAT_PCM16: .pcm16, AZAUDIO_FORMAT_ULAW: .ulaw, AZAUDIO_FORMAT_ALAW: .alaw,
        AZAUDIO_FORMAT_PCM8: .pcm8, AZAUDIO_FORMAT_PCM24: .pcm24, AZAUDIO_FORMAT_PCM32: .pcm32,
        AZAUDIO_FORMAT_FLOAT32: .float32, AZAUDIO_FORMAT_FLOAT64: .float64,
    ]

    static func format(_ code: Int32) throws(AzError) -> AudioFormat {
        guard let format = formats[code] else {
            throw AzError(.unsupported, "format \(code) is not an AZAUDIO_FORMAT_* code (1 to 8)")
        }
        return format
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
        let c = try read(pointer, argument: "info")
        let info = WAVInfo(format: try format(c.format), sampleRate: Int(c.sample_rate), channels: Int(c.channels))
        try WAVHeader.validate(info)
        return info
    }

    /// Checks that the caller's struct is large enough to receive an info.
    static func checkOutput(_ pointer: UnsafeMutablePointer<azaudio_wav_info>) throws(AzError) {
        try checkOutput(pointer, argument: "info")
    }

    /// Writes `info` into the caller's struct, no more than its struct_size bytes.
    static func write(_ info: WAVInfo, to pointer: UnsafeMutablePointer<azaudio_wav_info>) throws(AzError) {
        var c = azaudio_wav_info()
        c.format = code(info.format)
        c.sample_rate = UInt32(info.sampleRate)
        c.channels = UInt32(info.channels)
        c.bits_per_sample = UInt32(info.bitsPerSample)
        c.block_align = UInt32(info.blockAlign)
        c.frame_count = UInt64(info.frameCount)
        c.data_offset = UInt64(info.dataOffset)
        c.data_size = UInt64(info.dataSize)
        try write(c, to: pointer, argument: "info")
    }
}
