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
        var type: Range<Int>? = nil
        var delta: Range<Int>? = nil
        var eventID: Range<Int>? = nil
        var itemID: Range<Int>? = nil
        var responseID: Range<Int>? = nil
        var outputIndex = 0
        var contentIndex = 0
        if s.skipSpace() == UInt8(ascii: "}") { return nil }
        while true {
            guard s.skipSpace() == UInt8(ascii: "\""), let key = s.plainString() else { return nil }
            guard s.skipSpace() == UInt8(ascii: ":") else { return nil }
            s.index += 1
            let isString = s.skipSpace() == UInt8(ascii: "\"")
            let member = s.member(key)
            switch member {
            case .type, .delta, .itemID, .eventID, .responseID:
                // `delta` is only checked by its base64 decoding, so a second one (the parser keeps the last) would
                // leave the first unchecked: that goes the slow way.
                let isDelta = member == .delta
                guard isString, !(isDelta && delta != nil),
                    let value = isDelta ? s.base64String() : s.plainString()
                else { return nil }
                switch member {
                case .type: type = value
                case .delta: delta = value
                case .itemID: itemID = value
                case .eventID: eventID = value
                default: responseID = value
                }
            case .outputIndex, .contentIndex:
                guard let number = s.smallInteger() else { return nil }
                if member == .outputIndex { outputIndex = number } else { contentIndex = number }
            case .other:
                if isString {
                    // A member this event does not use (a field the service added): skipped when it is plain.
                    guard s.plainString() != nil else { return nil }
                } else {
                    guard s.skipScalar() else { return nil }
                }
            }
            switch s.skipSpace() {
            case UInt8(ascii: ","): s.index += 1
            case UInt8(ascii: "}"):
                s.index += 1
                guard s.skipSpace() == nil else { return nil }
                return make(bytes, s, type, delta, eventID, itemID, responseID, outputIndex, contentIndex, &recent)
            default: return nil
            }
        }
    }

    private static func make(
        _ bytes: UnsafeRawBufferPointer, _ s: Cursor, _ type: Range<Int>?, _ delta: Range<Int>?,
        _ eventID: Range<Int>?, _ itemID: Range<Int>?, _ responseID: Range<Int>?, _ outputIndex: Int,
        _ contentIndex: Int, _ recent: inout RecentIDs
    ) -> RealtimeEvent? {
        guard let type, let delta else { return nil }
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
            audioDelta: name, jsonBytes: ByteBlock.copying(bytes), audio: audio, eventID: eventID,
            itemID: s.string(itemID, reusing: &recent.itemID),
            responseID: s.string(responseID, reusing: &recent.responseID), outputIndex: outputIndex,
            contentIndex: contentIndex)
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
        /// arrays go the slow way).
        @inline(__always) mutating func skipScalar() -> Bool {
            if startsWith("true") || startsWith("null") {
                index += 4
                return true
            }
            if startsWith("false") {
                index += 5
                return true
            }
            if index < count, byte(index) == UInt8(ascii: "-") { index += 1 }
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

        /// The members the scanner knows, told apart by length first (one comparison for most keys).
        enum Member { case type, delta, itemID, eventID, responseID, outputIndex, contentIndex, other }

        @inline(__always) func member(_ key: Range<Int>) -> Member {
            switch key.count {
            case 4: return equals(key, "type") ? .type : .other
            case 5: return equals(key, "delta") ? .delta : .other
            case 7: return equals(key, "item_id") ? .itemID : .other
            case 8: return equals(key, "event_id") ? .eventID : .other
            case 11: return equals(key, "response_id") ? .responseID : .other
            case 12: return equals(key, "output_index") ? .outputIndex : .other
            case 13: return equals(key, "content_index") ? .contentIndex : .other
            default: return .other
            }
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
