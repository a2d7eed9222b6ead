/// Converts interleaved samples of any `AudioFormat` and channel count to mono PCM16: each frame's channels are
/// averaged (a plain down-mix, no gain change for a signal present on every channel), then rounded to 16 bits.
///
/// The arithmetic is integer and exact up to the final rounding: every sample is taken to a 32-bit scale (8-bit
/// PCM shifted up by 24, 16-bit by 16, 24-bit by 8; floats multiplied by 2^31 after clamping to -1...1, NaN as 0),
/// channels are summed in 64 bits, and the average is rounded to nearest and clamped to the Int16 range. So mono
/// PCM16 comes out unchanged, 24-bit and 32-bit PCM are rounded (not truncated), and a float 1.0 gives 32767.
/// Never allocates; reads the input with unaligned loads, so any byte buffer will do.
public enum Downmix {
    /// Frames that `byteCount` bytes of `channels` channels of `format` hold (a partial last frame is not one).
    public static func frames(inBytes byteCount: Int, format: AudioFormat, channels: Int) -> Int {
        byteCount / (format.bytesPerSample * channels)
    }

    /// Converts the first `output.count` frames of `input` (which must hold that many) to mono PCM16 in `output`.
    public static func toMonoPCM16(
        _ input: UnsafeRawBufferPointer, format: AudioFormat, channels: Int,
        into output: UnsafeMutableBufferPointer<Int16>
    ) {
        let frames = output.count
        precondition(
            channels > 0 && input.count >= frames * channels * format.bytesPerSample,
            "Downmix.toMonoPCM16: input too small")
        guard frames > 0, let base = input.baseAddress else { return }
        if format == .pcm16 && channels == 1 {
            UnsafeMutableRawPointer(output.baseAddress!).copyMemory(from: base, byteCount: frames * 2)
            return
        }
        let width = format.bytesPerSample
        let count = Int64(channels)
        for f in 0..<frames {
            var sum: Int64 = 0
            var at = base + f * channels * width
            for _ in 0..<channels {
                sum += Int64(sample32(at, format))
                at += width
            }
            // Average, then round to 16 bits: floor((sum / count + 2^15) / 2^16) in one exact division.
            let scaled = floorDivide(sum + count << 15, count << 16)
            output[f] = Int16(clamping: scaled)
        }
    }

    /// One sample at `p` on a signed 32-bit scale.
    @inline(__always)
    static func sample32(_ p: UnsafeRawPointer, _ format: AudioFormat) -> Int32 {
        switch format {
        case .pcm16:
            return Int32(Int16(littleEndian: p.loadUnaligned(as: Int16.self))) << 16
        case .ulaw:
            return Int32(ULaw.decodeTable[Int(p.load(as: UInt8.self))]) << 16
        case .alaw:
            return Int32(ALaw.decodeTable[Int(p.load(as: UInt8.self))]) << 16
        case .pcm8:
            return (Int32(p.load(as: UInt8.self)) - 128) << 24
        case .pcm24:
            let b0 = UInt32(p.load(fromByteOffset: 0, as: UInt8.self))
            let b1 = UInt32(p.load(fromByteOffset: 1, as: UInt8.self))
            let b2 = UInt32(p.load(fromByteOffset: 2, as: UInt8.self))
            return Int32(bitPattern: b0 << 8 | b1 << 16 | b2 << 24)
        case .pcm32:
            return Int32(littleEndian: p.loadUnaligned(as: Int32.self))
        case .float32:
            let bits = UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))
            return scaled(Double(Float(bitPattern: bits)))
        case .float64:
            let bits = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
            return scaled(Double(bitPattern: bits))
        }
    }

    /// A float sample (full scale -1...1) on the 32-bit scale: clamped, NaN as silence.
    @inline(__always)
    static func scaled(_ x: Double) -> Int32 {
        guard !x.isNaN else { return 0 }
        let v = (min(max(x, -1), 1) * 2_147_483_648).rounded()
        return v >= 2_147_483_647 ? Int32.max : Int32(v)
    }

    @inline(__always)
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
