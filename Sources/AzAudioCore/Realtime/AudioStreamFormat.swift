/// An audio stream's encoding, sample rate and channel count (interleaved): what a caller sends or wants to
/// receive, or what a realtime session carries on the wire (always mono).
public struct AudioStreamFormat: Sendable, Equatable, CustomStringConvertible {
    public var format: AudioFormat
    /// Samples per second: 8000 to 192000 (the rates the resampler converts between).
    public var rate: Int
    /// Interleaved channels, 1 to `maxChannels`. Several channels are averaged on the way in and the mono stream
    /// is copied to each of them on the way out.
    public var channels: Int

    /// The most channels a caller format may have.
    public static let maxChannels = 32

    public init(_ format: AudioFormat, rate: Int, channels: Int = 1) {
        self.format = format
        self.rate = rate
        self.channels = channels
    }

    /// Bytes of one frame (a sample of every channel).
    public var bytesPerFrame: Int { format.bytesPerSample * channels }

    /// Bytes of one millisecond of audio (rounded down when the rate is not a multiple of 1000, e.g. 44100).
    public var bytesPerMillisecond: Int { bytesPerFrame * rate / 1000 }

    /// Checks a caller-chosen format; `name` prefixes the message (e.g. "caller_input").
    public func validate(_ name: String) throws(AzError) {
        guard isStreamable else {
            throw .invalidArgument("\(name)_format is \(format.name); use PCM16, mu-law or A-law")
        }
        guard Resampler.supports(rate) else {
            throw .invalidArgument("\(name)_rate is \(rate); use 8000 to 192000 Hz")
        }
        guard (1...Self.maxChannels).contains(channels) else {
            throw .invalidArgument("\(name)_channels is \(channels); use 1 to \(Self.maxChannels) (0: mono)")
        }
    }

    /// Whether a realtime stream can carry the encoding: PCM16, μ-law or A-law (one mono sample at a time).
    public var isStreamable: Bool { format == .pcm16 || format == .ulaw || format == .alaw }

    public var description: String {
        let name = format == .pcm16 ? "PCM16" : format.name
        let layout = channels == 1 ? "" : channels == 2 ? " stereo" : " \(channels) channels"
        return (rate % 1000 == 0 ? "\(name) \(rate / 1000) kHz" : "\(name) \(rate) Hz") + layout
    }
}

extension AudioFormat {
    /// The stream a realtime session carries in this format: 24 kHz PCM16 or 8 kHz G.711.
    public var sessionStream: AudioStreamFormat { AudioStreamFormat(self, rate: self == .pcm16 ? 24000 : 8000) }
}
