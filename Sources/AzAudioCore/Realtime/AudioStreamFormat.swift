/// A mono audio stream's encoding and sample rate: what a caller sends or wants to receive, or what a realtime
/// session carries on the wire.
public struct AudioStreamFormat: Sendable, Equatable, CustomStringConvertible {
    public var format: AudioFormat
    /// Samples per second: 8000 to 192000 (the rates the resampler converts between).
    public var rate: Int

    public init(_ format: AudioFormat, rate: Int) {
        self.format = format
        self.rate = rate
    }

    /// Bytes of one millisecond of audio (rounded down when the rate is not a multiple of 1000, e.g. 44100).
    public var bytesPerMillisecond: Int { format.bytesPerSample * rate / 1000 }

    /// Checks a caller-chosen format; `name` prefixes the message (e.g. "caller_input").
    public func validate(_ name: String) throws(AzError) {
        guard isStreamable else {
            throw .invalidArgument("\(name)_format is \(format.name); use PCM16, mu-law or A-law")
        }
        guard Resampler.supports(rate) else {
            throw .invalidArgument("\(name)_rate is \(rate); use 8000 to 192000 Hz")
        }
    }

    /// Whether a realtime stream can carry the encoding: PCM16, μ-law or A-law (one mono sample at a time).
    public var isStreamable: Bool { format == .pcm16 || format == .ulaw || format == .alaw }

    public var description: String {
        let name = format == .pcm16 ? "PCM16" : format.name
        return rate % 1000 == 0 ? "\(name) \(rate / 1000) kHz" : "\(name) \(rate) Hz"
    }
}

extension RealtimeAudioFormat {
    /// The stream the session format carries: 24 kHz PCM16 or 8 kHz G.711.
    public var stream: AudioStreamFormat {
        switch self {
        case .pcm16: return AudioStreamFormat(.pcm16, rate: 24000)
        case .g711Ulaw: return AudioStreamFormat(.ulaw, rate: 8000)
        case .g711Alaw: return AudioStreamFormat(.alaw, rate: 8000)
        }
    }
}
