import AzAudioCore
import CAzAudio
import Glibc
import Synchronization

/// What an `azaudio_realtime_event *` points to: an engine event plus C strings made on first access.
///
/// One box is made per delivered event, so it stays one allocation: the lock is inline (no separate mutex
/// allocation) and the cache is a fixed row of slots inside the box, one per field (no hashing, no storage
/// allocated, and no generic array whose type metadata the runtime looks up when the first string is asked for).
final class RealtimeEventBox {
    enum Field: Int, CaseIterable {
        case name, json, text, itemID, responseID, callID, functionName, status, usage, errorCode, speaker
    }

    let event: RealtimeEvent
    private let lock = Mutex<Void>(())
    /// Guarded by `lock`: per field (`Field.rawValue`), the C string made for it, or nil (freed with the box). No
    /// runtime exclusivity check: read and written only under `lock` (non-recursive) and in `deinit` (no other
    /// reference left).
    @exclusivity(unchecked) nonisolated(unsafe) private var strings: Row = (
        nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil
    )
    typealias Row = (
        CString?, CString?, CString?, CString?, CString?, CString?, CString?, CString?, CString?, CString?, CString?
    )
    typealias CString = UnsafeMutablePointer<CChar>
    /// Guarded by `lock` like `strings`: true once a slot of `strings` holds a string.
    @exclusivity(unchecked) nonisolated(unsafe) private var madeAny = false

    /// One slot per `Field` (checked in debug builds).
    static var fieldCount: Int { MemoryLayout<Row>.size / MemoryLayout<CString?>.size }

    init(_ event: consuming RealtimeEvent) {
        assert(Field.allCases.count == Self.fieldCount)
        self.event = event
    }

    deinit {
        guard madeAny else { return }  // (most events: no string was asked for)
        withStrings { row in for field in 0..<Self.fieldCount { if let string = row[field] { free(string) } } }
    }

    /// The row as a buffer of `fieldCount` slots (only under `lock`, or in `deinit`).
    @inline(__always) private func withStrings<T>(_ body: (UnsafeMutablePointer<CString?>) -> T) -> T {
        withUnsafeMutableBytes(of: &strings) { body($0.baseAddress!.assumingMemoryBound(to: CString?.self)) }
    }

    static func from(_ pointer: OpaquePointer) -> RealtimeEventBox {
        Unmanaged<RealtimeEventBox>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }

    /// The field as a C string living as long as the box; the same pointer on every call.
    func cString(_ field: Field) -> UnsafePointer<CChar> {
        let address = lock.withLock { _ -> UInt in
            withStrings { row in make(field, in: row) }
        }
        return UnsafePointer(bitPattern: address)!
    }

    /// `cString`'s work under the lock: the address of the field's C string, made and kept in `row` the first time.
    private func make(_ field: Field, in row: UnsafeMutablePointer<CString?>) -> UInt {
        if let existing = row[field.rawValue] { return UInt(bitPattern: existing) }
        let made: UnsafeMutablePointer<CChar>?
        switch field {
        case .json:
            // The received bytes straight to a C string (no String in between) when the event kept them.
            made = event.withJSONBytes { Self.duplicate($0) } ?? Self.duplicate(event.json)
        default:
            made = Self.duplicate(Self.text(of: field, in: event))
        }
        guard let made else { return UInt(bitPattern: StaticCString.empty) }
        row[field.rawValue] = made
        madeAny = true
        return UInt(bitPattern: made)
    }

    /// The event's JSON as bytes living as long as the box, not NUL-terminated: the received bytes themselves when
    /// the event kept them (no copy), else the JSON C string's.
    var jsonSpan: (pointer: UnsafePointer<CChar>, count: Int) {
        let received = event.withJSONBytes { (bytes) -> (UnsafePointer<CChar>, Int)? in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
            return (base.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        // The event (a `let`) keeps the received bytes as long as the box lives.
        if let received = received ?? nil { return received }
        let text = cString(.json)
        return (text, strlen(text))
    }

    private static func text(of field: Field, in event: RealtimeEvent) -> String {
        switch field {
        case .name: event.kind == .closed ? "closed" : event.type
        case .json: event.json
        case .text: event.text
        case .itemID: event.itemID
        case .responseID: event.responseID
        case .callID: event.callID
        case .functionName: event.name
        case .status: event.status
        case .usage: event.usageJSON
        case .errorCode: event.errorCode
        case .speaker: event.extras?.speaker ?? ""
        }
    }

    /// A malloc'd NUL-terminated copy; nil for empty text (the shared empty string stands for it).
    private static func duplicate(_ text: String) -> UnsafeMutablePointer<CChar>? {
        text.isEmpty ? nil : strdup(text)
    }

    /// Same, from bytes (a NUL inside ends the C string there, as strdup of the text would).
    private static func duplicate(_ bytes: UnsafeRawBufferPointer) -> UnsafeMutablePointer<CChar>? {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
        let copy = malloc(bytes.count + 1)!.assumingMemoryBound(to: CChar.self)
        memcpy(copy, base, bytes.count)
        copy[bytes.count] = 0
        return copy
    }
}
