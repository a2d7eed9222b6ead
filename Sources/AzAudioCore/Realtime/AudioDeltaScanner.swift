import Glibc

/// The fast path for the event that dominates a realtime session's traffic: an audio delta.
///
/// It reads the flat top-level object once, in place: string members without escapes and integer members; the
/// base64 `delta` is decoded straight from the received bytes and the event keeps its JSON as bytes, so no
/// `JSONValue` tree, no copy of the audio text into a `String` and no second UTF-8 check happen (the WebSocket
/// layer already validated the message). Anything else - another event type, an escape, a nested value, invalid
/// base64, a known member of an unexpected kind - returns nil and the full parser decides, so the result never
/// differs from it. Members it does not know (plain strings, numbers, booleans, null) are skipped.
enum AudioDeltaScanner {
    /// The item and response ids of the last delta a session decoded: every delta of a reply repeats them, so the
    /// next one reuses these strings when its bytes are the same (no new string, no UTF-8 check, no allocation
    /// for an id longer than 15 bytes, as the service's are).
    struct RecentIDs {
        var itemID = ""
        var responseID = ""
    }

    static func scan(_ bytes: UnsafeRawBufferPointer) -> RealtimeEvent? {
        var recent = RecentIDs()
        return scan(bytes, recent: &recent)
    }

    static func scan(_ bytes: UnsafeRawBufferPointer, recent: inout RecentIDs) -> RealtimeEvent? {
        var s = Cursor(bytes: bytes)
        guard s.skipSpace() == UInt8(ascii: "{") else { return nil }
        s.index += 1
        var found = Found()
        if s.skipSpace() == UInt8(ascii: "}") { return nil }
        while true {
            guard s.skipSpace() == UInt8(ascii: "\""), let key = s.key() else { return nil }
            guard s.skipSpace() == UInt8(ascii: ":") else { return nil }
            s.index += 1
            let isString = s.skipSpace() == UInt8(ascii: "\"")
            // No `switch` on the member (a jump table mispredicts at nearly every member): a value goes to its
            // member's slot by index, the slot of unknown members included.
            let member = s.member(key)
            if member == Member.other && !s.isPlain(key) { return nil }
            if isString {
                // `delta` is only checked by its base64 decoding, so a second one (the parser keeps the last) would
                // leave the first unchecked: that goes the slow way. A member that holds a number here is a string.
                let value: Range<Int>
                if member == Member.delta {
                    guard !found.has(Member.delta), let text = s.base64String() else { return nil }
                    value = text
                } else {
                    guard member < Member.outputIndex || member == Member.other, let text = s.plainString() else {
                        return nil
                    }
                    value = text  // (a member this event does not use, a field the service added: skipped)
                }
                found.set(member, value.lowerBound, value.upperBound)
            } else if member == Member.other {
                guard s.skipScalar() else { return nil }
            } else {
                guard member >= Member.outputIndex, let number = s.smallInteger() else { return nil }
                found.set(member, number, 0)
            }
            let next = s.skipSpace()
            if next == UInt8(ascii: ",") {
                s.index += 1
            } else if next == UInt8(ascii: "}") {
                s.index += 1
                guard s.skipSpace() == nil else { return nil }
                return make(bytes, s, found, &recent)
            } else {
                return nil
            }
        }
    }

    @inline(__always) private static func make(
        _ bytes: UnsafeRawBufferPointer, _ s: Cursor, _ found: Found, _ recent: inout RecentIDs
    ) -> RealtimeEvent? {
        guard let type = found.range(Member.type), let delta = found.range(Member.delta) else { return nil }
        let name: String
        if s.equals(type, "response.output_audio.delta") {
            name = "response.output_audio.delta"
        } else if s.equals(type, "response.audio.delta") {
            name = "response.audio.delta"
        } else {
            return nil
        }
        guard let audio = ByteBlock.decodingBase64(UnsafeRawBufferPointer(rebasing: bytes[delta])) else { return nil }
        return RealtimeEvent(
            audioDelta: name, jsonBytes: ByteBlock.copying(bytes), audio: audio,
            eventID: found.range(Member.eventID),
            itemID: s.string(found.range(Member.itemID), reusing: &recent.itemID),
            responseID: s.string(found.range(Member.responseID), reusing: &recent.responseID),
            outputIndex: found.lower(Member.outputIndex), contentIndex: found.lower(Member.contentIndex))
    }

    /// The members the scanner knows, numbered in the order the service sends them, as indexes into `Found`.
    private enum Member {
        static let type = 0, eventID = 1, responseID = 2, itemID = 3, delta = 4, outputIndex = 5, contentIndex = 6
        static let other = 7
    }

    /// Per member, the range of its string (upper bound -1: not seen) or its number (in `lower`, 0 by default).
    /// Indexed by member number, so storing a value takes no branch on which member it is.
    private struct Found {
        private var lowers: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
        private var uppers: (Int, Int, Int, Int, Int, Int, Int, Int) = (-1, -1, -1, -1, -1, -1, -1, -1)

        /// `member` is one of `Member`'s numbers (0...7).
        @inline(__always) mutating func set(_ member: Int, _ lower: Int, _ upper: Int) {
            withUnsafeMutableBytes(of: &lowers) { $0.storeBytes(of: lower, toByteOffset: member &* 8, as: Int.self) }
            withUnsafeMutableBytes(of: &uppers) { $0.storeBytes(of: upper, toByteOffset: member &* 8, as: Int.self) }
        }

        @inline(__always) func lower(_ member: Int) -> Int {
            withUnsafeBytes(of: lowers) { $0.load(fromByteOffset: member &* 8, as: Int.self) }
        }

        @inline(__always) func has(_ member: Int) -> Bool {
            withUnsafeBytes(of: uppers) { $0.load(fromByteOffset: member &* 8, as: Int.self) } >= 0
        }

        @inline(__always) func range(_ member: Int) -> Range<Int>? {
            let upper = withUnsafeBytes(of: uppers) { $0.load(fromByteOffset: member &* 8, as: Int.self) }
            return upper >= 0 ? lower(member)..<upper : nil
        }
    }

    /// Reads bytes through a raw pointer with the index in a local variable (the methods are inlined into `scan`,
    /// so the index stays in a register); strings are checked 8 bytes at a time.
    private struct Cursor {
        let base: UnsafeRawPointer
        let count: Int
        var index = 0

        init(bytes: UnsafeRawBufferPointer) {
            // (An empty buffer may have no address: any non-null one will do, no byte of it is read.)
            base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
            count = bytes.count
        }

        @inline(__always) func byte(_ i: Int) -> UInt8 { base.load(fromByteOffset: i, as: UInt8.self) }

        /// Skips JSON white space; returns the next byte without consuming it, or nil at the end.
        @inline(__always) mutating func skipSpace() -> UInt8? {
            var i = index
            defer { index = i }
            while i < count {
                let c = byte(i)
                if c != 0x20 && c != 0x0A && c != 0x0D && c != 0x09 { return c }
                i += 1
            }
            return nil
        }

        /// The high bit of each of the 8 bytes of `word` (little-endian: its first byte lowest) that is a quote, a
        /// backslash or a control byte (below 0x20), and maybe of some bytes after the first such byte, never before
        /// it: the classic "has zero byte" test on word ^ pattern and "has byte less than" for controls, where a
        /// borrow only runs upwards. So the lowest bit set marks exactly the first special byte.
        @inline(__always) static func specials(_ word: UInt64) -> UInt64 {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let found =
                ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
            return found & 0x8080_8080_8080_8080
        }

        /// At an opening quote: the range of a string with no escapes or control bytes, or nil.
        @inline(__always) mutating func plainString() -> Range<Int>? {
            let start = index + 1
            var i = start
            while i + 8 <= count {
                let found = Self.specials(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                if found != 0 {
                    let at = i + found.trailingZeroBitCount / 8  // the first quote, backslash or control byte
                    guard byte(at) == UInt8(ascii: "\"") else { return nil }
                    index = at + 1
                    return start..<at
                }
                i += 8
            }
            while i < count {
                let c = byte(i)
                if c == UInt8(ascii: "\"") {
                    index = i + 1
                    return start..<i
                }
                if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
                i += 1
            }
            return nil
        }

        /// The high bit of each byte of `word` that is a quote (and maybe of bytes after the first one, never
        /// before it), as in `specials`.
        @inline(__always) static func quotes(_ word: UInt64) -> UInt64 {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let quote = word ^ (ones &* 0x22)
            return (quote &- ones) & ~quote & 0x8080_8080_8080_8080
        }

        /// At a key's opening quote: the range up to the next quote, its bytes NOT checked for escapes and control
        /// bytes (`isPlain`): `member` either finds a known key, which has none, or the caller checks them. A key
        /// ends in the first 16 bytes, found there without a branch on its length (a loop exit would mispredict at
        /// each key of another length than the last one); a longer one is a `plainString`.
        @inline(__always) mutating func key() -> Range<Int>? {
            let start = index + 1
            guard start + 16 <= count else { return plainString() }
            let first = Self.quotes(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: start, as: UInt64.self)))
            let second = Self.quotes(
                UInt64(littleEndian: base.loadUnaligned(fromByteOffset: start + 8, as: UInt64.self)))
            // The first quote's place in the 16, 16 when there is none, in arithmetic (a `?:` here compiles to a
            // branch): tz(0) is 64, so `inFirst` is 8 and `firstEmpty` all ones when `first` is 0.
            let inFirst = first.trailingZeroBitCount &>> 3
            let firstEmpty = 0 &- (inFirst &>> 3)
            let place = inFirst &+ (second.trailingZeroBitCount &>> 3) & firstEmpty
            guard place < 16 else { return plainString() }
            index = start + place + 1
            return start..<start + place
        }

        /// True when `range` holds no backslash and no control byte (what `plainString` checks).
        func isPlain(_ range: Range<Int>) -> Bool {
            for i in range where byte(i) == UInt8(ascii: "\\") || byte(i) < 0x20 { return false }
            return true
        }

        /// At an opening quote: the range up to the next quote, found with memchr. For base64 text only: a
        /// backslash, control byte or any other byte outside the alphabet then fails the base64 decoding, so the
        /// event still goes the slow way, as with `plainString`.
        @inline(__always) mutating func base64String() -> Range<Int>? {
            let start = index + 1
            guard start < count, let quote = memchr(base + start, Int32(UInt8(ascii: "\"")), count - start) else {
                return nil
            }
            index = UnsafeRawPointer(quote) - base + 1
            return start..<(index - 1)
        }

        /// A non-negative integer of at most 9 digits, or nil (fractions, exponents and big numbers go the slow way).
        @inline(__always) mutating func smallInteger() -> Int? {
            var value = 0
            var digits = 0
            var i = index
            while i < count, byte(i) >= 0x30, byte(i) <= 0x39 {
                if digits < 10 { value = value * 10 + Int(byte(i) - 0x30) }  // no overflow on long numbers
                digits += 1
                i += 1
            }
            index = i
            guard digits > 0, digits <= 9, !(digits > 1 && byte(i - digits) == 0x30) else { return nil }
            if i < count, byte(i) == UInt8(ascii: ".") || byte(i) == UInt8(ascii: "e") || byte(i) == UInt8(ascii: "E") {
                return nil
            }
            return value
        }

        /// Skips a JSON number of any size, `true`, `false` or `null`; false for anything else (objects and
        /// arrays go the slow way). A number (what a service adds, e.g. a timestamp) is tried first.
        mutating func skipScalar() -> Bool {
            guard index < count else { return false }
            let first = byte(index)
            guard first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39) else {
                let literal: StaticString =
                    first == UInt8(ascii: "f") ? "false" : first == UInt8(ascii: "t") ? "true" : "null"
                guard startsWith(literal) else { return false }
                index += literal.utf8CodeUnitCount
                return true
            }
            if first == UInt8(ascii: "-") { index += 1 }
            let start = index
            guard skipDigits() > 0 else { return false }
            if index - start > 1 && byte(start) == 0x30 { return false }  // no leading zeros
            if index < count, byte(index) == UInt8(ascii: ".") {
                index += 1
                guard skipDigits() > 0 else { return false }
            }
            if index < count, byte(index) == UInt8(ascii: "e") || byte(index) == UInt8(ascii: "E") {
                index += 1
                if index < count, byte(index) == UInt8(ascii: "+") || byte(index) == UInt8(ascii: "-") {
                    index += 1
                }
                guard skipDigits() > 0 else { return false }
            }
            return true
        }

        @inline(__always) private mutating func skipDigits() -> Int {
            let start = index
            var i = index
            while i < count, byte(i) >= 0x30, byte(i) <= 0x39 { i += 1 }
            index = i
            return i - start
        }

        @inline(__always) private func startsWith(_ literal: StaticString) -> Bool {
            let n = literal.utf8CodeUnitCount
            return count - index >= n && memcmp(base + index, literal.utf8Start, n) == 0
        }

        /// Which known member `key` names (a `Member` number). The known keys all differ in length, so the length
        /// picks the one candidate, a row of `knownKeys`, whose text is compared as two words that cover the key. No
        /// branch depends on which member it is (a `switch` on the length compiles to a jump, which mispredicts at
        /// nearly every member).
        @inline(__always) func member(_ key: Range<Int>) -> Int {
            let n = key.count
            guard n >= 4 && n <= 13 else { return Member.other }
            let row = UnsafeRawPointer(Self.knownKeys.utf8Start) + (n &- 4) &* 16
            guard key.lowerBound + 8 <= count else {  // (a valid object always has 8 bytes there: `":0}` follows)
                return equals(key, row, n) ? Int(row.load(fromByteOffset: 14, as: UInt8.self) &- 0x30) : Member.other
            }
            let start = base + key.lowerBound
            // A key shorter than 8: its bytes in the first word only (the rest masked off); else the first and last 8.
            let wide = n >= 8
            let last = wide ? n &- 8 : 0
            let mask = UInt64.max &>> (wide ? 0 : 64 &- 8 &* n)
            let differ = UInt64(
                littleEndian: (start.loadUnaligned(as: UInt64.self) ^ row.loadUnaligned(as: UInt64.self))
                    | (start.loadUnaligned(fromByteOffset: last, as: UInt64.self)
                        ^ row.loadUnaligned(fromByteOffset: last, as: UInt64.self)))
            return differ & mask == 0 ? Int(row.load(fromByteOffset: 14, as: UInt8.self) &- 0x30) : Member.other
        }

        @inline(never) func equals(_ key: Range<Int>, _ row: UnsafeRawPointer, _ n: Int) -> Bool {
            memcmp(base + key.lowerBound, row, n) == 0
        }

        /// Row `length - 4` (16 bytes with its line break): the known key of that length, and at byte 14 its `Member`
        /// number as a digit ("-": no key of that length, only `Member.other`, whatever the text compared).
        @inline(__always) static var knownKeys: StaticString {
            """
            type          0
            delta         4
            -             7
            item_id       3
            event_id      1
            -             7
            -             7
            response_id   2
            output_index  5
            content_index 6
            """
        }

        @inline(__always) func equals(_ range: Range<Int>, _ literal: StaticString) -> Bool {
            range.count == literal.utf8CodeUnitCount
                && memcmp(base + range.lowerBound, literal.utf8Start, range.count) == 0
        }

        /// The string at `range`: `last` itself when it holds the same bytes, else a new one, kept in `last`.
        func string(_ range: Range<Int>?, reusing last: inout String) -> String {
            guard let range else { return "" }
            var same = false
            if last.utf8.count == range.count {
                same =
                    last.utf8.withContiguousStorageIfAvailable {
                        memcmp($0.baseAddress!, base + range.lowerBound, range.count) == 0
                    } ?? false
            }
            if !same { last = string(range) }
            return last
        }

        func string(_ range: Range<Int>?) -> String {
            guard let range else { return "" }
            return String(
                decoding: UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count), as: UTF8.self)
        }
    }
}
