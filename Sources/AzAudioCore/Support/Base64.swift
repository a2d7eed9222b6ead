import CBase64

/// Standard base64 (RFC 4648 section 4, with `=` padding), fast in both directions.
///
/// Realtime audio travels as base64 inside JSON (about 1.3 KB per 20 ms frame each way), so both directions work
/// on raw buffers without allocating. The bulk goes sixteen characters at a time through SSSE3 or SSE2 (`CBase64`:
/// no tables in memory); the rest, and everything on a processor other than x86-64, here: the encoder turns 3
/// bytes into 4 characters with two lookups in a table of 4096 character pairs; the decoder turns 4 characters into
/// 3 bytes with four lookups in pre-shifted tables whose invalid entries set a bit above the 24 data bits, so one
/// comparison per quantum rejects any byte outside the alphabet. The vector decoder stops before the first block
/// holding any other byte (padding included), so every check below still applies to the rest.
///
/// Decoding is strict: the length must be a multiple of 4, `=` may only end the text (at most two), no whitespace,
/// and the unused bits before the padding must be zero. Anything else returns nil.
public enum Base64 {
    /// The number of characters `encode` writes for `count` bytes.
    @inline(__always)
    public static func encodedLength(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// The most bytes `decode` can write for `count` characters (exact when there is no padding).
    @inline(__always)
    public static func maxDecodedLength(_ count: Int) -> Int { count / 4 * 3 }

    /// Encodes `input` into `output`, which must hold `encodedLength(input.count)` bytes. Returns the bytes written.
    @discardableResult
    public static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        let count = input.count
        let needed = encodedLength(count)
        precondition(output.count >= needed, "base64 output buffer too small")
        guard count > 0 else { return 0 }
        let src = input.baseAddress!
        let dst = output.baseAddress!
        let bulk = cbase64_encode_blocks(
            src.assumingMemoryBound(to: UInt8.self), count, dst.assumingMemoryBound(to: UInt8.self))
        return Tables.encodePairs.withUnsafeBufferPointer { pairs -> Int in
            let pairs = pairs.baseAddress!
            var i = bulk
            var o = bulk / 3 * 4
            // 12 bytes -> 16 characters per step: four 3-byte groups, each two 12-bit lookups.
            while i + 12 <= count {
                for k in 0..<4 {
                    let p = src + i + 3 * k
                    let triple =
                        UInt32(p.load(as: UInt8.self)) << 16 | UInt32(p.load(fromByteOffset: 1, as: UInt8.self)) << 8
                        | UInt32(p.load(fromByteOffset: 2, as: UInt8.self))
                    let hi = pairs[Int(triple >> 12)]
                    let lo = pairs[Int(triple & 0xFFF)]
                    (dst + o + 4 * k).storeBytes(of: UInt32(hi) | UInt32(lo) << 16, as: UInt32.self)
                }
                i += 12
                o += 16
            }
            while i + 3 <= count {
                let p = src + i
                let triple =
                    UInt32(p.load(as: UInt8.self)) << 16 | UInt32(p.load(fromByteOffset: 1, as: UInt8.self)) << 8
                    | UInt32(p.load(fromByteOffset: 2, as: UInt8.self))
                let hi = pairs[Int(triple >> 12)]
                let lo = pairs[Int(triple & 0xFFF)]
                (dst + o).storeBytes(of: UInt32(hi) | UInt32(lo) << 16, as: UInt32.self)
                i += 3
                o += 4
            }
            let rest = count - i
            if rest > 0 {
                let b0 = UInt32(src.load(fromByteOffset: i, as: UInt8.self))
                let b1 = rest == 2 ? UInt32(src.load(fromByteOffset: i + 1, as: UInt8.self)) : 0
                let triple = b0 << 16 | b1 << 8
                let hi = pairs[Int(triple >> 12)]
                let lo = pairs[Int(triple & 0xFFF)]
                dst.storeBytes(of: UInt8(truncatingIfNeeded: hi), toByteOffset: o, as: UInt8.self)
                dst.storeBytes(of: UInt8(truncatingIfNeeded: hi >> 8), toByteOffset: o + 1, as: UInt8.self)
                dst.storeBytes(
                    of: rest == 2 ? UInt8(truncatingIfNeeded: lo) : 0x3D, toByteOffset: o + 2, as: UInt8.self)
                dst.storeBytes(of: 0x3D, toByteOffset: o + 3, as: UInt8.self)
                o += 4
            }
            return o
        }
    }

    /// Decodes `input` into `output`, which must hold `maxDecodedLength(input.count)` bytes.
    /// Returns the bytes written, or nil when `input` is not valid padded base64.
    public static func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int? {
        let count = input.count
        guard count % 4 == 0 else { return nil }
        guard count > 0 else { return 0 }
        precondition(output.count >= maxDecodedLength(count), "base64 output buffer too small")
        let src = input.baseAddress!
        let dst = output.baseAddress!
        var padding = 0
        if src.load(fromByteOffset: count - 1, as: UInt8.self) == 0x3D {
            padding = src.load(fromByteOffset: count - 2, as: UInt8.self) == 0x3D ? 2 : 1
        }
        let fullQuanta = count / 4 - (padding > 0 ? 1 : 0)
        return Tables.decode.withUnsafeBufferPointer { table -> Int? in
            let d0 = table.baseAddress!
            let d1 = d0 + 256
            let d2 = d0 + 512
            let d3 = d0 + 768
            // Whole blocks of alphabet characters (never the padded quantum) first.
            let bulk = cbase64_decode_blocks(
                src.assumingMemoryBound(to: UInt8.self), fullQuanta * 4, dst.assumingMemoryBound(to: UInt8.self))
            var i = bulk
            var o = bulk / 4 * 3
            var bad: UInt32 = 0
            // The last full quantum writes with a 3-byte tail so no store runs past the output.
            let fastQuanta = fullQuanta > 0 && output.count >= fullQuanta * 3 + 1 ? fullQuanta : max(fullQuanta - 1, 0)
            var q = bulk / 4
            while q < fastQuanta {
                let word = (src + i).loadUnaligned(as: UInt32.self)
                let value =
                    d0[Int(word & 0xFF)] | d1[Int((word >> 8) & 0xFF)] | d2[Int((word >> 16) & 0xFF)]
                    | d3[Int(word >> 24)]
                bad |= value
                // value holds the 3 bytes big-endian in bits 23..0; store them in order with one 4-byte write.
                let swapped = (value >> 16) & 0xFF | (value & 0xFF00) | (value & 0xFF) << 16
                (dst + o).storeBytes(of: swapped, as: UInt32.self)
                i += 4
                o += 3
                q += 1
            }
            while q < fullQuanta {
                let word = (src + i).loadUnaligned(as: UInt32.self)
                let value =
                    d0[Int(word & 0xFF)] | d1[Int((word >> 8) & 0xFF)] | d2[Int((word >> 16) & 0xFF)]
                    | d3[Int(word >> 24)]
                bad |= value
                dst.storeBytes(of: UInt8(truncatingIfNeeded: value >> 16), toByteOffset: o, as: UInt8.self)
                dst.storeBytes(of: UInt8(truncatingIfNeeded: value >> 8), toByteOffset: o + 1, as: UInt8.self)
                dst.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: o + 2, as: UInt8.self)
                i += 4
                o += 3
                q += 1
            }
            guard bad < 0x100_0000 else { return nil }
            if padding > 0 {
                let c0 = d0[Int(src.load(fromByteOffset: i, as: UInt8.self))]
                let c1 = d1[Int(src.load(fromByteOffset: i + 1, as: UInt8.self))]
                if padding == 2 {
                    let value = c0 | c1
                    // The 4 low bits of the second character must be zero (canonical encoding).
                    guard value < 0x100_0000, value & 0xFFFF == 0 else { return nil }
                    dst.storeBytes(of: UInt8(truncatingIfNeeded: value >> 16), toByteOffset: o, as: UInt8.self)
                    o += 1
                } else {
                    let c2 = d2[Int(src.load(fromByteOffset: i + 2, as: UInt8.self))]
                    let value = c0 | c1 | c2
                    guard value < 0x100_0000, value & 0xFF == 0 else { return nil }
                    dst.storeBytes(of: UInt8(truncatingIfNeeded: value >> 16), toByteOffset: o, as: UInt8.self)
                    dst.storeBytes(of: UInt8(truncatingIfNeeded: value >> 8), toByteOffset: o + 1, as: UInt8.self)
                    o += 2
                }
            }
            return o
        }
    }

    /// Appends the encoding of `bytes` to `out`.
    public static func encode(_ bytes: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) {
        let start = out.count
        let length = encodedLength(bytes.count)
        out.append(contentsOf: repeatElement(0, count: length))
        _ = out.withUnsafeMutableBytes { buffer in
            encode(bytes, into: UnsafeMutableRawBufferPointer(rebasing: buffer[start...]))
        }
    }

    /// Encodes bytes to a String.
    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let array = Array(bytes)
        let length = encodedLength(array.count)
        return array.withUnsafeBytes { input in
            String(unsafeUninitializedCapacity: length) { output in
                encode(input, into: UnsafeMutableRawBufferPointer(output))
            }
        }
    }

    /// Decodes text to bytes, or nil when it is not valid padded base64.
    public static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { utf8 in decode(UnsafeRawBufferPointer(utf8)) }
    }

    /// Decodes bytes of base64 text, or nil when they are not valid padded base64.
    public static func decode(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
        let capacity = maxDecodedLength(input.count)
        var failed = false
        let result = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            if let n = decode(input, into: UnsafeMutableRawBufferPointer(buffer)) {
                count = n
            } else {
                count = 0
                failed = true
            }
        }
        return failed ? nil : result
    }

    private enum Tables {
        static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

        /// For every 12-bit value, its two characters (first in the low byte).
        static let encodePairs: [UInt16] = (0..<4096).map { v in
            UInt16(alphabet[v >> 6]) | UInt16(alphabet[v & 0x3F]) << 8
        }

        /// Four 256-entry tables, one per position in a quantum: the character's 6 bits shifted into place in a
        /// 24-bit value, or 0x01FF_FFFF for a byte outside the alphabet (padding included).
        static let decode: [UInt32] = {
            var table = [UInt32](repeating: 0x01FF_FFFF, count: 1024)
            for (index, char) in alphabet.enumerated() {
                let v = UInt32(index)
                table[Int(char)] = v << 18
                table[256 + Int(char)] = v << 12
                table[512 + Int(char)] = v << 6
                table[768 + Int(char)] = v
            }
            return table
        }()
    }
}
