import Glibc

extension AudioBuffer {
    /// This buffer's audio as a new mono PCM16 buffer at `sampleRate` (0 keeps this buffer's rate): channels are
    /// averaged (`Downmix`), then resampled with a `Resampler` (flushed, so a whole stream of N frames gives
    /// ceil(N * out / in) samples). The new buffer's `dataOffset` is 0.
    /// Errors: `.unsupported` when resampling is needed and a rate is outside `Resampler.supportedRange`;
    /// `.outOfMemory`.
    public func monoPCM16(sampleRate: Int) throws(AzError) -> AudioBuffer {
        let outRate = sampleRate == 0 ? info.sampleRate : sampleRate
        let frames = info.frameCount
        let mixed = try Self.allocate(samples: frames)
        Downmix.toMonoPCM16(
            UnsafeRawBufferPointer(bytes), format: info.format, channels: info.channels,
            into: UnsafeMutableBufferPointer(start: mixed.assumingMemoryBound(to: Int16.self), count: frames))
        if outRate == info.sampleRate {
            return AudioBuffer(
                info: WAVInfo(format: .pcm16, sampleRate: outRate, channels: 1, dataSize: frames * 2),
                malloced: mixed)
        }
        defer { free(mixed) }
        guard let resampler = Resampler(inRate: info.sampleRate, outRate: outRate) else {
            throw AzError(
                .unsupported,
                "cannot resample \(info.sampleRate) Hz to \(outRate) Hz: the resampler takes "
                    + "\(Resampler.supportedRange.lowerBound) to \(Resampler.supportedRange.upperBound) Hz")
        }
        let capacity = resampler.maxOutput(forInput: frames)
        let out = try Self.allocate(samples: capacity)
        let output = UnsafeMutableBufferPointer(start: out.assumingMemoryBound(to: Int16.self), count: capacity)
        var written = resampler.process(
            UnsafeBufferPointer(start: mixed.assumingMemoryBound(to: Int16.self), count: frames), into: output)
        written += resampler.flush(into: UnsafeMutableBufferPointer(rebasing: output[written...]))
        return AudioBuffer(
            info: WAVInfo(format: .pcm16, sampleRate: outRate, channels: 1, dataSize: written * 2),
            malloced: out)
    }

    /// malloc'ed room for `samples` Int16 samples (at least one byte).
    private static func allocate(samples: Int) throws(AzError) -> UnsafeMutableRawPointer {
        guard samples >= 0, samples <= Int.max / 4, let memory = malloc(max(samples * 2, 1)) else {
            throw AzError(.outOfMemory, "cannot allocate \(samples) PCM16 samples")
        }
        return memory
    }
}
