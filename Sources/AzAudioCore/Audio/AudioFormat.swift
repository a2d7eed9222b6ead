/// The sample encodings the audio kit reads, writes and converts: the three that telephony and the Azure OpenAI
/// realtime API use, and the other linear PCM and float encodings ordinary WAV files hold.
public enum AudioFormat: Sendable, Equatable, CaseIterable {
    /// Signed 16-bit linear PCM, little-endian.
    case pcm16
    /// ITU-T G.711 μ-law, one byte per sample.
    case ulaw
    /// ITU-T G.711 A-law, one byte per sample.
    case alaw
    /// Unsigned 8-bit linear PCM (128 is silence), as WAV stores it.
    case pcm8
    /// Signed 24-bit linear PCM, three bytes little-endian.
    case pcm24
    /// Signed 32-bit linear PCM, little-endian.
    case pcm32
    /// IEEE 754 32-bit float, little-endian, full scale -1...1.
    case float32
    /// IEEE 754 64-bit float, little-endian, full scale -1...1.
    case float64

    /// Bytes per sample of one channel.
    public var bytesPerSample: Int {
        switch self {
        case .pcm16: return 2
        case .ulaw, .alaw, .pcm8: return 1
        case .pcm24: return 3
        case .pcm32, .float32: return 4
        case .float64: return 8
        }
    }

    /// Bits per sample as a WAV fmt chunk states them.
    public var bitsPerSample: Int { bytesPerSample * 8 }

    /// The byte that encodes silence (a zero sample). Every byte of a silent PCM or float sample is this one.
    public var silenceByte: UInt8 {
        switch self {
        case .ulaw: return 0xFF
        case .alaw: return 0xD5
        case .pcm8: return 0x80
        case .pcm16, .pcm24, .pcm32, .float32, .float64: return 0x00
        }
    }

    /// The WAV `wFormatTag` (and WAVE_FORMAT_EXTENSIBLE sub-format) code.
    public var wavFormatTag: UInt16 {
        switch self {
        case .pcm16, .pcm8, .pcm24, .pcm32: return 1
        case .float32, .float64: return 3
        case .alaw: return 6
        case .ulaw: return 7
        }
    }

    /// A short name for messages, e.g. "pcm16".
    public var name: String {
        switch self {
        case .pcm16: return "pcm16"
        case .ulaw: return "mu-law"
        case .alaw: return "A-law"
        case .pcm8: return "8-bit PCM"
        case .pcm24: return "24-bit PCM"
        case .pcm32: return "32-bit PCM"
        case .float32: return "32-bit float"
        case .float64: return "64-bit float"
        }
    }

    /// The format a WAV `fmt ` chunk describes by its format tag (1 PCM, 3 float, 6 A-law, 7 μ-law) and container
    /// bits per sample, or nil when the library does not read it.
    public init?(wavFormatTag tag: UInt16, bitsPerSample bits: Int) {
        switch (tag, bits) {
        case (1, 8): self = .pcm8
        case (1, 16): self = .pcm16
        case (1, 24): self = .pcm24
        case (1, 32): self = .pcm32
        case (3, 32): self = .float32
        case (3, 64): self = .float64
        case (6, 8): self = .alaw
        case (7, 8): self = .ulaw
        default: return nil
        }
    }
}
