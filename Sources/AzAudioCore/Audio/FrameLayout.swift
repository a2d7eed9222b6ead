/// The size of fixed-duration audio frames (e.g. the 20 ms packets of RTP telephony) for one format and rate.
public struct FrameLayout: Sendable, Equatable {
    public let format: AudioFormat
    public let sampleRate: Int
    public let channels: Int
    /// Frame duration in milliseconds: the pacing interval.
    public let milliseconds: Int
    /// Samples per channel in one frame.
    public let samplesPerFrame: Int
    /// Bytes in one frame.
    public let bytesPerFrame: Int

    /// Errors: `.invalidArgument` when a value is 0 or too large, or when the duration is not a whole number of
    /// samples at the rate (e.g. 20 ms at 11025 Hz).
    public init(format: AudioFormat, sampleRate: Int, channels: Int = 1, milliseconds: Int) throws(AzError) {
        guard sampleRate > 0, sampleRate <= 1_000_000 else {
            throw .invalidArgument("sample rate \(sampleRate) is out of range (1 to 1000000)")
        }
        guard channels > 0, channels <= 1024 else {
            throw .invalidArgument("channel count \(channels) is out of range (1 to 1024)")
        }
        guard milliseconds > 0, milliseconds <= 60_000 else {
            throw .invalidArgument("frame duration \(milliseconds) ms is out of range (1 to 60000)")
        }
        guard (sampleRate * milliseconds) % 1000 == 0 else {
            throw .invalidArgument("\(milliseconds) ms at \(sampleRate) Hz is not a whole number of samples")
        }
        self.format = format
        self.sampleRate = sampleRate
        self.channels = channels
        self.milliseconds = milliseconds
        samplesPerFrame = sampleRate * milliseconds / 1000
        bytesPerFrame = samplesPerFrame * channels * format.bytesPerSample
    }
}
