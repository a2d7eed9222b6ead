import AzAudioCore
import CAzAudio

// Event accessors appended for the 2026 service (segments, translated audio).

@c @implementation
public func azaudio_realtime_event_speaker(_ event: OpaquePointer!) -> UnsafePointer<CChar>! {
    guard let event else { return nil }
    return RealtimeEventBox.from(event).cString(.speaker)
}

@c @implementation
public func azaudio_realtime_event_segment_times(
    _ event: OpaquePointer!, _ start: UnsafeMutablePointer<Double>!, _ end: UnsafeMutablePointer<Double>!
) -> Int32 {
    let extras = event.flatMap { RealtimeEventBox.from($0).event.extras }
    let has = extras != nil && RealtimeEventBox.from(event!).event.kind == .inputTranscriptionSegment
    start?.pointee = has ? extras!.start : -1
    end?.pointee = has ? extras!.end : -1
    return has ? 1 : 0
}

@c @implementation
public func azaudio_realtime_event_audio_format(
    _ event: OpaquePointer!, _ sampleRate: UnsafeMutablePointer<Int32>!, _ channels: UnsafeMutablePointer<Int32>!
) -> Int32 {
    var rate: Int32 = 0
    var count: Int32 = 0
    if let event, case let e = RealtimeEventBox.from(event).event, e.kind == .translationAudioDelta, let x = e.extras {
        rate = Int32(clamping: x.sampleRate)
        count = Int32(clamping: x.channels)
    }
    sampleRate?.pointee = rate
    channels?.pointee = count
    return rate > 0 ? 1 : 0
}
