/// The layout of headerless PCM audio, given by the caller.
public struct RawPCMLayout: Sendable, Equatable {
    public enum Sample: Sendable, Equatable { case u8, s16, s24, s32, float32, float64, ulaw, alaw }
    public var sample: Sample
    public var sampleRate: Int
    public var channels: Int

    public init(sample: Sample, sampleRate: Int, channels: Int) {
        self.sample = sample
        self.sampleRate = sampleRate
        self.channels = channels
    }
}
