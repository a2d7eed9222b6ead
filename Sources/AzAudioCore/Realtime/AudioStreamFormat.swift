/// A mono audio stream's encoding and sample rate: what a caller sends or wants to receive, or what a realtime
/// session carries on the wire.
public struct AudioStreamFormat: Sendable, Equatable, CustomStringConvertible {
    public var format: AudioFormat
    /// Samples per second: 8000, 16000, 24000 or 48000 (the rates the resampler converts between).
    public var rate: Int

    public init(_ format: AudioFormat, rate: Int) {
        self.format = format
        self.rate = rate
    }

    /// Bytes of one millisecond of audio (whole for every supported rate).
    public var bytesPerMillisecond: Int { format.bytesPerSample * rate / 1000 }

    /// Checks a caller-chosen format; `name` prefixes the message (e.g. "caller_input").
    public func validate(_ name: String) throws(AzError) {
        guard Resampler.supportedRates.contains(rate) else {
            throw .invalidArgument("\(name)_rate is \(rate); use 8000, 16000, 24000 or 48000")
        }
    }

    public var description: String {
        let name: String
        switch format {
        case .pcm16: name = "PCM16"
        case .ulaw: name = "mu-law"
        case .alaw: name = "A-law"
        }
        return "\(name) \(rate / 1000) kHz"
    }
}

extension AudioFormat {
    /// The stream a realtime session carries in this format: 24 kHz PCM16 or 8 kHz G.711.
    public var sessionStream: AudioStreamFormat { AudioStreamFormat(self, rate: self == .pcm16 ? 24000 : 8000) }
}
