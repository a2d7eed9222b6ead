/// A streaming sample-rate converter for mono PCM16 between any two rates from 8 kHz to 192 kHz.
///
/// It is a rational polyphase windowed-sinc FIR (see `PolyphaseFilterBank` for the design numbers). The output is
/// time-aligned with the input (the filter is zero-phase): output sample `n` is the input signal evaluated at
/// input time `n * inRate / outRate`, and a whole stream of `N` input samples gives `ceil(N * outRate / inRate)`
/// output samples once `flush` has drained it.
///
/// Streaming: `process` keeps the filter history between calls and computes every output sample from the same
/// input samples with the same arithmetic whatever the chunking, so feeding a signal in chunks of any sizes gives
/// output identical, bit for bit, to feeding it in one piece. An output sample needs `halfTaps` input samples
/// after its instant, so the output trails the input by `latency` output samples (32 samples at the lower of the
/// two rates, a little more when the ratio is not whole: 4 ms for 8 kHz, 2 ms for 16 kHz, 1.33 ms for 24 kHz);
/// `flush` supplies the missing future as silence and emits that tail.
///
/// `process` and `flush` never allocate: the history buffer is allocated once by `init`. A resampler is not
/// thread-safe; use it from one thread at a time.
public final class Resampler {
    /// The rates the resampler accepts, in Hz.
    public static let supportedRange = 8000...192_000
    /// The rates of the first release, whose quality figures the documentation quotes.
    public static let classicRates = [8000, 16000, 24000, 48000]

    /// Whether `rate` is in `supportedRange`.
    public static func supports(_ rate: Int) -> Bool { supportedRange.contains(rate) }

    public let inRate: Int
    public let outRate: Int
    /// Output samples the stream trails its input by (0 when the two rates are equal).
    public let latency: Int

    private let up: Int
    private let down: Int
    private let halfTaps: Int
    private let taps: Int
    /// Branches per input sample; with `interpolated`, outputs blend the two branches around their instant.
    private let phases: Int
    private let interpolated: Bool
    private let coefficients: UnsafeMutablePointer<Float>
    /// Input history and look-ahead, as Float. `history[0]` is the oldest sample still needed.
    private let history: UnsafeMutablePointer<Float>
    /// Where `process` writes when the caller's output buffer is empty (and so no output is due).
    /// Allocated after the rates are checked: a failed init runs no deinit, so nothing may be allocated before.
    private let scratch: UnsafeMutablePointer<Int16>
    private let capacity: Int
    private var count = 0
    /// The next output instant, in filter samples (1 / up of an input sample) from `history[0]`.
    private var time = 0
    /// Input samples consumed and output samples produced since the start or the last reset.
    public private(set) var consumed = 0
    public private(set) var produced = 0

    /// The most input samples one `process` call takes (about 2^40): keeps every count computed from it, times
    /// the upsampling factor, far from overflow.
    public static let maxInputPerCall = 1 << 40

    /// Input samples converted per block: bounds the history buffer.
    static let block = 2048

    /// Creates a resampler, or returns nil unless both rates are in `supportedRange`.
    public init?(inRate: Int, outRate: Int) {
        guard Self.supports(inRate), Self.supports(outRate) else { return nil }
        scratch = .allocate(capacity: 1)
        self.inRate = inRate
        self.outRate = outRate
        if inRate == outRate {
            up = 1
            down = 1
            halfTaps = 0
            taps = 0
            phases = 1
            interpolated = false
            latency = 0
            coefficients = .allocate(capacity: 1)
        } else {
            let bank = PolyphaseFilterBank(inRate: inRate, outRate: outRate)
            up = bank.up
            down = bank.down
            halfTaps = bank.halfTaps
            taps = 2 * bank.halfTaps
            phases = bank.phases
            interpolated = bank.isInterpolated
            latency = bank.halfTaps * bank.up / bank.down
            let storage = UnsafeMutablePointer<Float>.allocate(capacity: bank.coefficients.count)
            bank.coefficients.withUnsafeBufferPointer { source in
                storage.initialize(from: source.baseAddress!, count: source.count)
            }
            coefficients = storage
        }
        capacity = taps + Self.block
        history = .allocate(capacity: capacity)
        history.initialize(repeating: 0, count: capacity)
        reset()
    }

    deinit {
        coefficients.deallocate()
        history.deallocate()
        scratch.deallocate()
    }

    /// Forgets all history: the next `process` starts a new stream.
    public func reset() {
        // The first output instant is input 0; the samples before it are silence.
        count = max(halfTaps - 1, 0)
        for i in 0..<count { history[i] = 0 }
        time = count * up
        consumed = 0
        produced = 0
    }

    /// Output samples that `process` writes for `inputCount` more input samples, given the current state.
    public func outputCount(forInput inputCount: Int) -> Int {
        if taps == 0 { return inputCount }
        // Outputs are ready while floor(instant / up) + halfTaps <= last available index.
        let last = count + inputCount - halfTaps - 1
        if last < 0 { return 0 }
        let limit = (last + 1) * up - time
        return limit <= 0 ? 0 : (limit + down - 1) / down
    }

    /// An upper bound on `outputCount(forInput:)` and on what `flush` writes after it, valid in any state:
    /// `ceil((inputCount + halfTaps) * outRate / inRate)`.
    public func maxOutput(forInput inputCount: Int) -> Int {
        // Checked in this order so that no step can overflow (a trap would kill the caller's process).
        guard inputCount >= 0 else { return 0 }
        let (sum, sumOverflow) = inputCount.addingReportingOverflow(halfTaps)
        let (product, overflow) = sum.multipliedReportingOverflow(by: up)
        if sumOverflow || overflow || product > Int.max - down { return Int.max }
        return (product + down - 1) / down
    }

    /// Output samples that `flush` writes now.
    public var pendingCount: Int {
        if taps == 0 { return 0 }
        return (consumed * up + down - 1) / down - produced
    }

    /// Consumes all of `input` and writes the output samples it completes to the front of `output`, which must
    /// have room for `outputCount(forInput: input.count)` samples. Returns the number written.
    public func process(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        precondition(output.count >= outputCount(forInput: input.count), "Resampler.process: output too small")
        let out = output.baseAddress ?? scratch
        if taps == 0 {
            for i in 0..<input.count { out[i] = input[i] }
            consumed += input.count
            produced += input.count
            return input.count
        }
        var done = 0
        var written = 0
        while done < input.count {
            let take = min(capacity - count, input.count - done)
            for i in 0..<take { history[count + i] = Float(input[done + i]) }
            count += take
            done += take
            written += produce(into: out + written, limit: Int.max)
            compact()
        }
        consumed += input.count
        return written
    }

    /// Ends the stream: writes the remaining `pendingCount` output samples (as if silence followed the input) to
    /// `output`, which must have room for them, then resets. Returns the number written.
    public func flush(into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        let pending = pendingCount
        precondition(output.count >= pending, "Resampler.flush: output too small")
        var written = 0
        if pending > 0, let out = output.baseAddress {
            while written < pending {
                let take = capacity - count
                for i in 0..<take { history[count + i] = 0 }
                count += take
                written += produce(into: out + written, limit: pending - written)
                compact()
            }
        }
        reset()
        return written
    }

    /// Computes ready output samples, at most `limit`.
    private func produce(into out: UnsafeMutablePointer<Int16>, limit: Int) -> Int {
        var n = 0
        while n < limit {
            let i0 = time / up
            if i0 + halfTaps >= count { break }
            let phase = time - i0 * up
            let y: Float
            if interpolated {
                // The instant lies `phase / up` of a sample after i0: between grid branches b and b + 1.
                let position = phase * phases
                let b = position / up
                let fraction = Float(position - b * up) / Float(up)
                let start = history + (i0 - halfTaps + 1)
                let a = Self.dot(start, coefficients + b * taps, taps)
                let c = Self.dot(start, coefficients + (b + 1) * taps, taps)
                y = a + fraction * (c - a)
            } else {
                y = Self.dot(history + (i0 - halfTaps + 1), coefficients + phase * taps, taps)
            }
            let r = y.rounded()
            out[n] = r >= 32767 ? 32767 : (r <= -32768 ? -32768 : Int16(r))
            n += 1
            time += down
        }
        produced += n
        return n
    }

    /// Drops history that no future output needs.
    private func compact() {
        let first = time / up - halfTaps + 1
        guard first > 0 else { return }
        let keep = count - first
        if keep > 0 { history.update(from: history + first, count: keep) }
        count = max(keep, 0)
        time -= first * up
    }

    /// The dot product of two runs of `n` floats (`n` a multiple of 8), summed in a fixed order.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        let stride = MemoryLayout<SIMD8<Float>>.stride
        var acc0 = SIMD8<Float>()
        var acc1 = SIMD8<Float>()
        var k = 0
        while k + 16 <= n {
            acc0 +=
                ra.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<Float>.self)
            acc1 +=
                ra.loadUnaligned(fromByteOffset: k * 4 + stride, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: k * 4 + stride, as: SIMD8<Float>.self)
            k += 16
        }
        while k + 8 <= n {
            acc0 +=
                ra.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<Float>.self)
            k += 8
        }
        return (acc0 + acc1).sum()
    }
}
