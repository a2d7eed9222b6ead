/// The sample encodings the audio kit reads, writes and converts: the three that telephony and the Azure OpenAI
/// realtime API use.
public enum AudioFormat: Sendable, Equatable, CaseIterable {
    /// Signed 16-bit linear PCM, little-endian.
    case pcm16
    /// ITU-T G.711 μ-law, one byte per sample.
    case ulaw
    /// ITU-T G.711 A-law, one byte per sample.
    case alaw

    /// Bytes per sample of one channel.
    public var bytesPerSample: Int {
        switch self {
        case .pcm16: return 2
        case .ulaw, .alaw: return 1
        }
    }

    /// Bits per sample as a WAV fmt chunk states them.
    public var bitsPerSample: Int { bytesPerSample * 8 }

    /// The byte that encodes silence (a zero sample). PCM16 silence is two zero bytes.
    public var silenceByte: UInt8 {
        switch self {
        case .pcm16: return 0x00
        case .ulaw: return 0xFF
        case .alaw: return 0xD5
        }
    }

    /// The WAV `wFormatTag` (and WAVE_FORMAT_EXTENSIBLE sub-format) code.
    public var wavFormatTag: UInt16 {
        switch self {
        case .pcm16: return 1
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
        }
    }
}
