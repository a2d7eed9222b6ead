/// ITU-T G.711 μ-law, bit-exact with the ITU-T reference implementation (G.191 Software Tool Library, g711.c).
///
/// Encoding takes 16-bit linear PCM, keeps its top 14 bits as G.711 specifies (negative values are taken in
/// one's complement, so `x` and `-x - 1` get codes that differ only in the sign bit) and returns the 8-bit code
/// with its bits inverted as transmitted. Decoding returns the reconstruction level scaled to 16 bits, from
/// -32124 to 32124. Codes 0x7F and 0xFF both decode to 0 ("negative zero" and zero); 0 encodes to 0xFF.
///
/// Both directions work over caller buffers and never allocate.
public enum ULaw {
    /// The 256 decoded values, indexed by code.
    public static let decodeTable: [Int16] = (0..<256).map { decodeComputed(UInt8($0)) }

    /// Decodes one code by the G.711 formula (the table above is built from it).
    @inlinable
    public static func decodeComputed(_ code: UInt8) -> Int16 {
        let u = ~code
        let exponent = Int32((u >> 4) & 0x07)
        let mantissa = Int32(u & 0x0F)
        let magnitude = ((mantissa << 3) + 0x84) << exponent
        return Int16(u & 0x80 != 0 ? 0x84 - magnitude : magnitude - 0x84)
    }

    /// Encodes one 16-bit sample.
    @inlinable
    public static func encode(_ sample: Int16) -> UInt8 {
        let x = Int32(sample)
        // One's complement for negatives, then the 14-bit magnitude plus the μ-law bias (33), clipped to 13 bits.
        let negative = x < 0
        var magnitude = ((negative ? ~x : x) >> 2) + 33
        if magnitude > 0x1FFF { magnitude = 0x1FFF }
        // The segment is the position of the highest set bit above bit 5 (values 33...0x1FFF span bits 5...12).
        let segment = Int32(27 - UInt32(magnitude).leadingZeroBitCount)  // 1...8
        let high = 8 - segment
        let low = 0x0F - ((magnitude >> segment) & 0x0F)
        let code = (high << 4) | low
        return UInt8(truncatingIfNeeded: negative ? code : code | 0x80)
    }

    /// Encodes `pcm.count` samples into `codes`, which must hold at least as many bytes.
    @inlinable
    public static func encode(_ pcm: UnsafeBufferPointer<Int16>, into codes: UnsafeMutableBufferPointer<UInt8>) {
        precondition(codes.count >= pcm.count, "ULaw.encode: output buffer too small")
        for i in 0..<pcm.count { codes[i] = encode(pcm[i]) }
    }

    /// Decodes `codes.count` bytes into `pcm`, which must hold at least as many samples.
    public static func decode(_ codes: UnsafeBufferPointer<UInt8>, into pcm: UnsafeMutableBufferPointer<Int16>) {
        precondition(pcm.count >= codes.count, "ULaw.decode: output buffer too small")
        decodeTable.withUnsafeBufferPointer { table in
            for i in 0..<codes.count { pcm[i] = table[Int(codes[i])] }
        }
    }
}
