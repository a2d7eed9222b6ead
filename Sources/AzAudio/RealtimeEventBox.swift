import AzAudioCore
import CAzAudio

/// What an `azaudio_realtime_event *` points to: an engine event plus C strings made on first access.
final class RealtimeEventBox {
    enum Field: Int {
        case name, json, text, itemID, responseID, callID, functionName, status, usage, errorCode
    }

    let event: RealtimeEvent
    private let strings = Locked<[Int: OwnedCString]>([:])

    init(_ event: RealtimeEvent) { self.event = event }

    static func from(_ pointer: OpaquePointer) -> RealtimeEventBox {
        Unmanaged<RealtimeEventBox>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }

    /// The field as a C string living as long as the box; the same pointer on every call.
    func cString(_ field: Field) -> UnsafePointer<CChar> {
        strings.withLock { cache in
            if let existing = cache[field.rawValue] { return UnsafePointer(existing.pointer) }
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
            }
            if text.isEmpty { return StaticCString.empty }
            let made = OwnedCString(text)
            cache[field.rawValue] = made
            return UnsafePointer(made.pointer)
        }
    }
}
