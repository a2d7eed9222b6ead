import AzAudioCore
import CAzAudio
import Synchronization

/// What an `azaudio_realtime_event *` points to: an engine event plus C strings made on first access.
///
/// One box is made per delivered event, so it stays one allocation: the lock is inline (no separate mutex
/// allocation) and the cache stays an empty dictionary (no storage) until a string is asked for.
final class RealtimeEventBox {
    enum Field: Int {
        case name, json, text, itemID, responseID, callID, functionName, status, usage, errorCode, speaker
    }

    let event: RealtimeEvent
    private let lock = Mutex<Void>(())
    /// Guarded by `lock`.
    nonisolated(unsafe) private var strings: [Int: OwnedCString] = [:]

    init(_ event: RealtimeEvent) { self.event = event }

    static func from(_ pointer: OpaquePointer) -> RealtimeEventBox {
        Unmanaged<RealtimeEventBox>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }

    /// The field as a C string living as long as the box; the same pointer on every call.
    func cString(_ field: Field) -> UnsafePointer<CChar> {
        let address = lock.withLock { _ -> UInt in
            if let existing = strings[field.rawValue] { return UInt(bitPattern: existing.pointer) }
            let text: String
            switch field {
            case .name: text = event.kind == .closed ? "closed" : event.type
            case .json: text = event.json
            case .text: text = event.text
            case .itemID: text = event.itemID
            case .responseID: text = event.responseID
            case .callID: text = event.callID
            case .functionName: text = event.name
            case .status: text = event.status
            case .usage: text = event.usageJSON
            case .errorCode: text = event.errorCode
            case .speaker: text = event.extras?.speaker ?? ""
            }
            if text.isEmpty { return UInt(bitPattern: StaticCString.empty) }
            let made = OwnedCString(text)
            strings[field.rawValue] = made
            return UInt(bitPattern: made.pointer)
        }
        return UnsafePointer(bitPattern: address)!
    }
}
