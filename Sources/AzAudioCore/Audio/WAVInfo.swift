/// What a WAV file holds: its sample format and where its samples are.
public struct WAVInfo: Sendable, Equatable {
    public var format: AudioFormat
    /// Frames (samples of every channel) per second; never 0.
    public var sampleRate: Int
    /// Interleaved channels; never 0.
    public var channels: Int
    /// Byte offset of the first sample from the start of the file.
    public var dataOffset: Int
    /// Bytes of samples: always a whole number of frames.
    public var dataSize: Int

    public init(format: AudioFormat, sampleRate: Int, channels: Int, dataOffset: Int = 0, dataSize: Int = 0) {
        self.format = format
        self.sampleRate = sampleRate
        self.channels = channels
        self.dataOffset = dataOffset
        self.dataSize = dataSize
    }

    /// Bits per sample of one channel.
    public var bitsPerSample: Int { format.bitsPerSample }
    /// Bytes per frame.
    public var blockAlign: Int { channels * format.bytesPerSample }
    /// Frames in the data chunk.
    public var frameCount: Int { dataSize / blockAlign }
}
