import CBase64

/// Checks that bytes are well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
///
/// Runs of ASCII, which is what realtime JSON mostly is, are checked 64 bytes at a time (AVX2; 16 with SSE2).
public enum UTF8Validator {
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var i = 0
        while i < count {
            // Fast path: skip ASCII, 64 or 16 bytes at a time (SIMD, CBase64), then 8, then 1: one call per run.
            if count - i >= 16 { i += cbase64_ascii_blocks(base.assumingMemoryBound(to: UInt8.self) + i, count - i) }
            while i + 8 <= count, (base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            while i < count, base.load(fromByteOffset: i, as: UInt8.self) < 0x80 { i += 1 }
            guard i < count else { return true }
            let b0 = base.load(fromByteOffset: i, as: UInt8.self)
            @inline(__always) func cont(_ k: Int) -> UInt8? {
                guard i + k < count else { return nil }
                let b = base.load(fromByteOffset: i + k, as: UInt8.self)
                return b & 0xC0 == 0x80 ? b : nil
            }
            switch b0 {
            case 0xC2...0xDF:
                guard cont(1) != nil else { return false }
                i += 2
            case 0xE0...0xEF:
                guard let b1 = cont(1), cont(2) != nil else { return false }
                if b0 == 0xE0 && b1 < 0xA0 { return false }  // overlong
                if b0 == 0xED && b1 > 0x9F { return false }  // surrogates
                i += 3
            case 0xF0...0xF4:
                guard let b1 = cont(1), cont(2) != nil, cont(3) != nil else { return false }
                if b0 == 0xF0 && b1 < 0x90 { return false }  // overlong
                if b0 == 0xF4 && b1 > 0x8F { return false }  // above U+10FFFF
                i += 4
            default:
                return false  // continuation byte first, C0/C1 overlong, F5-FF
            }
        }
        return true
    }
}
