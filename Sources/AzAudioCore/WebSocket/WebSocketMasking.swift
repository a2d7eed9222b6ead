/// The XOR masking of RFC 6455 section 5.3, eight bytes at a time.
public enum WebSocketMasking {
    /// Copies `source` to `destination` XOR-ed with the 4-byte `key` (the key's bytes in memory order, as
    /// they appear on the wire). `destination` may equal `source` (in-place masking).
    @inline(__always)
    public static func copyMasked(
        from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer, count: Int, key: UInt32
    ) {
        // `key` holds the wire bytes in native (little-endian) order, so XOR-ing little-endian words applies
        // key byte i to payload byte i.
        let key64 = UInt64(key) | UInt64(key) << 32
        var i = 0
        while i + 32 <= count {
            let a = (source + i).loadUnaligned(as: UInt64.self) ^ key64
            let b = (source + i + 8).loadUnaligned(as: UInt64.self) ^ key64
            let c = (source + i + 16).loadUnaligned(as: UInt64.self) ^ key64
            let d = (source + i + 24).loadUnaligned(as: UInt64.self) ^ key64
            (destination + i).storeBytes(of: a, as: UInt64.self)
            (destination + i + 8).storeBytes(of: b, as: UInt64.self)
            (destination + i + 16).storeBytes(of: c, as: UInt64.self)
            (destination + i + 24).storeBytes(of: d, as: UInt64.self)
            i += 32
        }
        while i + 8 <= count {
            let a = (source + i).loadUnaligned(as: UInt64.self) ^ key64
            (destination + i).storeBytes(of: a, as: UInt64.self)
            i += 8
        }
        var k = key64
        while i < count {
            // i is a multiple of 8 here, so the key restarts at its first byte.
            let byte = source.load(fromByteOffset: i, as: UInt8.self) ^ UInt8(truncatingIfNeeded: k)
            destination.storeBytes(of: byte, toByteOffset: i, as: UInt8.self)
            k >>= 8
            i += 1
        }
    }

    /// Masks `count` bytes in place, starting `offset` bytes into the masked payload.
    public static func mask(_ bytes: UnsafeMutableRawPointer, count: Int, key: UInt32, offset: Int = 0) {
        let rotate = UInt32((offset & 3) * 8)
        let rotated = rotate == 0 ? key : key >> rotate | key << (32 - rotate)
        copyMasked(from: bytes, to: bytes, count: count, key: rotated)
    }
}
