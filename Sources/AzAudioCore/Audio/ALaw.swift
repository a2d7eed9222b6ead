/// ITU-T G.711 A-law, bit-exact with the ITU-T reference implementation (G.191 Software Tool Library, g711.c).
///
/// Encoding takes 16-bit linear PCM, keeps its top 13 bits as G.711 specifies (negative values are taken in
/// one's complement, so `x` and `-x - 1` get codes that differ only in the sign bit) and returns the 8-bit code
/// with its even bits inverted as transmitted. Decoding returns the reconstruction level (the middle of the
/// quantisation interval) scaled to 16 bits, from -32256 to 32256; it never gives 0, so every code round-trips.
///
/// Both directions work over caller buffers and never allocate.
public enum ALaw {
    /// The 256 decoded values, indexed by code.
    public static let decodeTable: [Int16] = (0..<256).map { decodeComputed(UInt8($0)) }

    /// Decodes one code by the G.711 formula (the table above is built from it).
    @inlinable
    public static func decodeComputed(_ code: UInt8) -> Int16 {
        let a = Int32(code ^ 0x55) & 0x7F
        let exponent = a >> 4
        var mantissa = a & 0x0F
        if exponent > 0 { mantissa += 16 }
        mantissa = (mantissa << 4) + 8
        if exponent > 1 { mantissa <<= exponent - 1 }
        return Int16(code & 0x80 != 0 ? mantissa : -mantissa)
    }

    /// Encodes one 16-bit sample.
    @inlinable
    public static func encode(_ sample: Int16) -> UInt8 {
        let x = Int32(sample)
        let negative = x < 0
        var ix = (negative ? ~x : x) >> 4  // 0...2047: the 12-bit magnitude
        if ix > 15 {
            // Segment 1...7: the highest set bit (4...10) gives the exponent; the next four bits the mantissa.
            let top = Int32(31 - UInt32(ix).leadingZeroBitCount)  // 4...10
            let exponent = top - 3
            ix = (exponent << 4) | ((ix >> (exponent - 1)) & 0x0F)
        }
        if !negative { ix |= 0x80 }
        return UInt8(truncatingIfNeeded: ix ^ 0x55)
    }

    /// Encodes `pcm.count` samples into `codes`, which must hold at least as many bytes.
    @inlinable
    public static func encode(_ pcm: UnsafeBufferPointer<Int16>, into codes: UnsafeMutableBufferPointer<UInt8>) {
        precondition(codes.count >= pcm.count, "ALaw.encode: output buffer too small")
        for i in 0..<pcm.count { codes[i] = encode(pcm[i]) }
    }

    /// Decodes `codes.count` bytes into `pcm`, which must hold at least as many samples.
    public static func decode(_ codes: UnsafeBufferPointer<UInt8>, into pcm: UnsafeMutableBufferPointer<Int16>) {
        precondition(pcm.count >= codes.count, "ALaw.decode: output buffer too small")
        decodeTable.withUnsafeBufferPointer { table in
            for i in 0..<codes.count { pcm[i] = table[Int(codes[i])] }
        }
    }
}
