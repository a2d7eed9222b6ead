/// Converts an audio stream from one `AudioStreamFormat` to another, chunk by chunk: G.711 decode (and down-mix of
/// several channels to mono), the streaming resampler, G.711 encode (and the mono stream copied to every output
/// channel), with the resampler's state kept between chunks so chunk borders cause no clicks. Equal formats pass
/// straight through (the caller's bytes, no copy).
///
/// PCM16 input may split a sample across chunks (network deltas can): the odd byte is kept for the next chunk;
/// likewise a partial frame of several channels.
/// Scratch buffers grow to the largest chunk seen and are reused, so a steady stream of equal frames allocates
/// nothing after the first. Not thread-safe: the owner serialises calls.
public final class AudioStreamConverter {
    public let from: AudioStreamFormat
    public let to: AudioStreamFormat
    private let resampler: Resampler?
    private var decoded: [Int16] = []
    private var resampled: [Int16] = []
    private var encoded: [UInt8] = []
    /// The first byte of a PCM16 sample whose second byte has not arrived yet.
    private var carry: UInt8?
    /// Several input channels: the bytes of a frame not complete yet, then the chunk appended (scratch).
    private var partial: [UInt8] = []
    private var staging: [UInt8] = []
    /// Several output channels: the encoded mono stream copied to each.
    private var spread: [UInt8] = []

    /// Nil unless both formats are streamable (PCM16, μ-law or A-law) and both rates are supported by the resampler.
    public init?(from: AudioStreamFormat, to: AudioStreamFormat) {
        guard from.isStreamable, to.isStreamable else { return nil }
        self.from = from
        self.to = to
        if from.rate == to.rate {
            resampler = nil
        } else {
            guard let r = Resampler(inRate: from.rate, outRate: to.rate) else { return nil }
            resampler = r
        }
    }

    /// True when bytes go through unchanged.
    public var isPassthrough: Bool { from == to }

    /// Output samples the resampler holds back (0 without resampling).
    public var latencySamples: Int { resampler?.latency ?? 0 }

    /// The most output bytes `convert` can give for `count` input bytes in the current state.
    public func maxOutputBytes(forInput count: Int) -> Int {
        if isPassthrough { return count }
        let samples = (count + partial.count + 1) / from.bytesPerFrame
        let out = resampler?.maxOutput(forInput: samples) ?? samples
        return out * to.bytesPerFrame
    }

    /// Converts `input` and calls `body` with the output bytes (possibly empty: the resampler may hold a short
    /// chunk back). The bytes are valid only during the call.
    public func convert<R, E: Error>(
        _ input: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(E) -> R
    )
        throws(E) -> R
    {
        if isPassthrough && carry == nil && (from.format != .pcm16 || input.count % 2 == 0) {
            return try body(input)
        }
        let samples = decode(input)
        let count = resample(samples)
        return try encode(count, body)
    }

    /// Ends the stream: calls `body` with the samples the resampler still held back (as if silence followed), then
    /// starts a new stream. A dangling PCM16 byte is dropped.
    public func flush<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        carry = nil
        partial.removeAll(keepingCapacity: true)
        guard let resampler else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        let pending = resampler.pendingCount
        if resampled.count < pending { resampled = [Int16](repeating: 0, count: pending) }
        let n = resampled.withUnsafeMutableBufferPointer { out in resampler.flush(into: out) }
        return try encode(n, body)
    }

    /// Drops held-back samples without output: the next chunk starts a new stream.
    public func reset() {
        carry = nil
        partial.removeAll(keepingCapacity: true)
        resampler?.reset()
    }

    // MARK: Steps

    /// Decodes `input` (and a carried byte) into `decoded`; returns the sample count.
    private func decode(_ input: UnsafeRawBufferPointer) -> Int {
        if from.channels > 1 { return downmix(input) }
        switch from.format {
        case .pcm16:
            let total = input.count + (carry == nil ? 0 : 1)
            let n = total / 2
            if decoded.count < n { decoded = [Int16](repeating: 0, count: n) }
            decoded.withUnsafeMutableBytes { out in
                var consumed = 0
                if let first = carry, n > 0 {
                    out[0] = first
                    out[1] = input[0]
                    consumed = 1
                    carry = nil
                    let rest = (n - 1) * 2
                    if rest > 0 {
                        UnsafeMutableRawBufferPointer(rebasing: out[2..<(2 + rest)])
                            .copyMemory(from: UnsafeRawBufferPointer(rebasing: input[1..<(1 + rest)]))
                    }
                    consumed += rest
                } else if n > 0 {
                    UnsafeMutableRawBufferPointer(rebasing: out[0..<(n * 2)])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: input[0..<(n * 2)]))
                    consumed = n * 2
                }
                if consumed < input.count { carry = input[input.count - 1] }
            }
            return n
        case .ulaw, .alaw:
            let n = input.count
            if decoded.count < n { decoded = [Int16](repeating: 0, count: n) }
            decoded.withUnsafeMutableBufferPointer { out in
                let codes = input.assumingMemoryBound(to: UInt8.self)
                if from.format == .ulaw { ULaw.decode(codes, into: out) } else { ALaw.decode(codes, into: out) }
            }
            return n
        default:
            preconditionFailure("AudioStreamConverter: \(from) is not streamable (init checks it)")
        }
    }

    /// Decodes and averages whole frames of several channels (the held partial frame first) into `decoded`;
    /// keeps what is left of a frame for the next chunk. Returns the sample count.
    private func downmix(_ input: UnsafeRawBufferPointer) -> Int {
        staging.removeAll(keepingCapacity: true)
        staging.append(contentsOf: partial)
        staging.append(contentsOf: input)
        let frames = staging.count / from.bytesPerFrame
        if decoded.count < frames { decoded = [Int16](repeating: 0, count: frames) }
        let (format, channels) = (from.format, from.channels)
        staging.withUnsafeBytes { bytes in
            decoded.withUnsafeMutableBufferPointer { out in
                Downmix.toMonoPCM16(
                    bytes, format: format, channels: channels,
                    into: UnsafeMutableBufferPointer(rebasing: out[0..<frames]))
            }
        }
        partial.removeAll(keepingCapacity: true)
        partial.append(contentsOf: staging[(frames * from.bytesPerFrame)...])
        return frames
    }

    /// Resamples the first `count` decoded samples into `resampled` (or leaves them in place without a
    /// resampler); returns the output sample count.
    private func resample(_ count: Int) -> Int {
        guard let resampler else {
            if resampled.count < count { resampled = [Int16](repeating: 0, count: count) }
            resampled.withUnsafeMutableBufferPointer { out in
                decoded.withUnsafeBufferPointer { input in
                    if count > 0 { out.baseAddress!.update(from: input.baseAddress!, count: count) }
                }
            }
            return count
        }
        let need = resampler.outputCount(forInput: count)
        if resampled.count < need {
            resampled = [Int16](repeating: 0, count: max(need, resampler.maxOutput(forInput: count)))
        }
        return decoded.withUnsafeBufferPointer { input in
            resampled.withUnsafeMutableBufferPointer { out in
                resampler.process(UnsafeBufferPointer(rebasing: input[0..<count]), into: out)
            }
        }
    }

    /// Encodes the first `count` resampled samples into the target format and calls `body` with the bytes.
    private func encode<R, E: Error>(_ count: Int, _ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        guard to.channels > 1 else { return try encodeMono(count, body) }
        let channels = to.channels
        return try encodeMono(count) { (mono: UnsafeRawBufferPointer) throws(E) -> R in
            let width = to.format.bytesPerSample
            let size = mono.count * channels
            if spread.count < size { spread = [UInt8](repeating: 0, count: size) }
            spread.withUnsafeMutableBytes { out in
                for i in 0..<(mono.count / width) {
                    for c in 0..<channels {
                        for k in 0..<width { out[(i * channels + c) * width + k] = mono[i * width + k] }
                    }
                }
            }
            let result = spread.withUnsafeBytes { bytes in
                Result { () throws(E) in try body(UnsafeRawBufferPointer(rebasing: bytes[0..<size])) }
            }
            return try result.get()
        }
    }

    /// Encodes the first `count` resampled samples into the target format, one channel, and calls `body`.
    private func encodeMono<R, E: Error>(
        _ count: Int, _ body: (UnsafeRawBufferPointer) throws(E) -> R
    )
        throws(E) -> R
    {
        switch to.format {
        case .pcm16:
            let result = resampled.withUnsafeBytes { bytes in
                Result { () throws(E) in try body(UnsafeRawBufferPointer(rebasing: bytes[0..<(count * 2)])) }
            }
            return try result.get()
        case .ulaw, .alaw:
            if encoded.count < count { encoded = [UInt8](repeating: 0, count: count) }
            let format = to.format
            resampled.withUnsafeBufferPointer { pcm in
                encoded.withUnsafeMutableBufferPointer { codes in
                    let input = UnsafeBufferPointer(rebasing: pcm[0..<count])
                    if format == .ulaw { ULaw.encode(input, into: codes) } else { ALaw.encode(input, into: codes) }
                }
            }
            let result = encoded.withUnsafeBytes { bytes in
                Result { () throws(E) in try body(UnsafeRawBufferPointer(rebasing: bytes[0..<count])) }
            }
            return try result.get()
        default:
            preconditionFailure("AudioStreamConverter: \(to) is not streamable (init checks it)")
        }
    }
}
