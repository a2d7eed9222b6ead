import AzAudioCore
import CAzAudio

private func field(_ event: OpaquePointer?, _ f: RealtimeEventBox.Field) -> UnsafePointer<CChar>? {
    guard let event else { return nil }
    return RealtimeEventBox.from(event).cString(f)
}

/// A pointer-and-count field: the pointer returned and the count stored in `size` (when not NULL); NULL and 0 for a
/// NULL event.
private func bytes<T>(
    _ event: OpaquePointer?, _ size: UnsafeMutablePointer<Int>?, _ read: (RealtimeEventBox) -> (UnsafePointer<T>?, Int)
) -> UnsafePointer<T>? {
    guard let event else {
        size?.pointee = 0
        return nil
    }
    let (pointer, count) = read(RealtimeEventBox.from(event))
    size?.pointee = count
    return pointer
}

@c @implementation
public func azaudio_realtime_event_type(_ event: OpaquePointer!) -> Int32 {
    guard let event else { return AZAUDIO_EVENT_OTHER }
    return RealtimeEventBox.from(event).event.kind.rawValue
}

@c @implementation
public func azaudio_realtime_event_name(_ event: OpaquePointer!) -> UnsafePointer<CChar>! { field(event, .name) }

@c @implementation
public func azaudio_realtime_event_json(_ event: OpaquePointer!) -> UnsafePointer<CChar>! { field(event, .json) }

@c @implementation
public func azaudio_realtime_event_json_data(
    _ event: OpaquePointer!, _ size: UnsafeMutablePointer<Int>!
) -> UnsafePointer<CChar>! {
    bytes(event, size) { box in
        let span = box.jsonSpan
        return (span.pointer, span.count)
    }
}

@c @implementation
public func azaudio_realtime_event_text(_ event: OpaquePointer!) -> UnsafePointer<CChar>! { field(event, .text) }

@c @implementation
public func azaudio_realtime_event_audio(
    _ event: OpaquePointer!, _ size: UnsafeMutablePointer<Int>!
) -> UnsafePointer<UInt8>! {
    bytes(event, size) { box in
        let audio = box.event.audio
        return (audio.pointer.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) }, audio.count)
    }
}

@c @implementation
public func azaudio_realtime_event_item_id(_ event: OpaquePointer!) -> UnsafePointer<CChar>! { field(event, .itemID) }

@c @implementation
public func azaudio_realtime_event_response_id(_ event: OpaquePointer!) -> UnsafePointer<CChar>! {
    field(event, .responseID)
}

@c @implementation
public func azaudio_realtime_event_call_id(_ event: OpaquePointer!) -> UnsafePointer<CChar>! { field(event, .callID) }

@c @implementation
public func azaudio_realtime_event_function_name(_ event: OpaquePointer!) -> UnsafePointer<CChar>! {
    field(event, .functionName)
}

@c @implementation
public func azaudio_realtime_event_status(_ event: OpaquePointer!) -> UnsafePointer<CChar>! { field(event, .status) }

@c @implementation
public func azaudio_realtime_event_usage_json(_ event: OpaquePointer!) -> UnsafePointer<CChar>! { field(event, .usage) }

@c @implementation
public func azaudio_realtime_event_error_code(_ event: OpaquePointer!) -> UnsafePointer<CChar>! {
    field(event, .errorCode)
}

@c @implementation
public func azaudio_realtime_event_audio_ms(_ event: OpaquePointer!) -> Int64 {
    guard let event else { return -1 }
    return RealtimeEventBox.from(event).event.audioMs
}

@c @implementation
public func azaudio_realtime_event_close_code(_ event: OpaquePointer!) -> Int32 {
    guard let event else { return 0 }
    return Int32(clamping: RealtimeEventBox.from(event).event.closeCode)
}

@c @implementation
public func azaudio_realtime_event_free(_ event: OpaquePointer!) {
    guard let event else { return }
    Unmanaged<RealtimeEventBox>.fromOpaque(UnsafeRawPointer(event)).release()
}
