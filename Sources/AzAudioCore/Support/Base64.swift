/// Standard base64 (RFC 4648 section 4), without Foundation: request bodies carry audio as base64, and streamed
/// audio arrives as base64 deltas.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// 0...63 for alphabet bytes, 64 for '=', 0xFF for anything else.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        table[Int(UInt8(ascii: "="))] = 64
        return table
    }()

    /// The encoded length of `count` bytes.
    public static func encodedLength(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Appends the encoding of `bytes` to `out`.
    public static func encode(_ bytes: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) {
        out.reserveCapacity(out.count + encodedLength(bytes.count))
        var i = 0
        let n = bytes.count
        while i + 3 <= n {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(v >> 18 & 63)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)])
            out.append(alphabet[Int(v & 63)])
            i += 3
        }
        let rest = n - i
        if rest == 1 {
            let v = UInt32(bytes[i]) << 16
            out.append(alphabet[Int(v >> 18 & 63)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        } else if rest == 2 {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(alphabet[Int(v >> 18 & 63)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)])
            out.append(UInt8(ascii: "="))
        }
    }

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        bytes.withUnsafeBytes { encode($0, appendingTo: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `text`, ignoring ASCII whitespace; nil if it is not valid base64 (bad characters, bad padding, a
    /// length that is not a whole number of quanta once padding is accounted for).
    public static func decode(_ text: String) -> [UInt8]? {
        var copy = text
        return copy.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }

    public static func decode(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var quantum: UInt32 = 0
        var filled = 0
        var padding = 0
        for byte in input {
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { continue }
            let v = decodeTable[Int(byte)]
            if v == 0xFF { return nil }
            if v == 64 {
                // '=' only at the end of a quantum, after at least two symbols.
                guard filled + padding >= 2 else { return nil }
                padding += 1
                guard filled + padding <= 4 else { return nil }
                continue
            }
            guard padding == 0 else { return nil }
            quantum = quantum << 6 | UInt32(v)
            filled += 1
            if filled == 4 {
                out.append(UInt8(quantum >> 16 & 0xFF))
                out.append(UInt8(quantum >> 8 & 0xFF))
                out.append(UInt8(quantum & 0xFF))
                quantum = 0
                filled = 0
            }
        }
        if padding > 0 && filled + padding != 4 { return nil }
        switch filled {
        case 0: break
        case 2:
            out.append(UInt8(quantum >> 4 & 0xFF))
        case 3:
            out.append(UInt8(quantum >> 10 & 0xFF))
            out.append(UInt8(quantum >> 2 & 0xFF))
        default: return nil
        }
        return out
    }
}
