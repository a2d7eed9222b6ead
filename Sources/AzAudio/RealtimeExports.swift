import AzAudioCore
import CAzAudio

/// Runs a session operation: NULL checks, then the engine call; failures are recorded for the thread and the
/// session's client.
func withSession(
    _ pointer: OpaquePointer?, _ function: String, _ body: (RealtimeSession) throws(AzError) -> Void
) -> azaudio_result {
    guard let pointer else { return fail(.invalidArgument, "\(function): session is NULL") }
    // The handle is held for the call (as before): a destroy on another thread releases only the caller's
    // reference. The handle is touched by the app's threads only (callbacks get its address, unretained).
    let handle = RealtimeSessionHandle.from(pointer)
    guard let borrowed = handle.borrowedSession else {
        return fail(.invalidState, "\(function): the session never connected")
    }
    // The session is borrowed, not retained: the handle held above owns it (set once before the handle was
    // handed out, released only by the handle's deinit), so it lives at least as long as this call. A retain here
    // would be one per frame on an object the I/O thread retains per message (it is the connection's delegate):
    // the reference count's cache line would bounce between the two threads on every send_audio.
    return withExtendedLifetime(handle) {
        borrowed._withUnsafeGuaranteedRef { session in
            do throws(AzError) {
                try body(session)
                return AZAUDIO_OK
            } catch {
                return handle.client.fail(prefixed(error, function))
            }
        }
    }
}

private func nonEmptyString(_ pointer: UnsafePointer<CChar>?, _ name: String) throws(AzError) -> String {
    let text = try requiredString(pointer, name)
    guard !text.isEmpty else { throw AzError.invalidArgument("\(name) is empty") }
    return text
}

@c @implementation
public func azaudio_realtime_options_init(_ options: UnsafeMutablePointer<azaudio_realtime_options>!) -> azaudio_result
{
    guard let options else { return fail(.invalidArgument, "azaudio_realtime_options_init: options is NULL") }
    options.pointee = RealtimeOptionsABI.defaults
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_realtime_connect(
    _ client: OpaquePointer!, _ options: UnsafePointer<azaudio_realtime_options>!,
    _ outSession: UnsafeMutablePointer<OpaquePointer?>!
) -> azaudio_result {
    openSession(client, options, outSession, "azaudio_realtime_connect") { handle, options, raw throws(AzError) in
        try handle.connect(options: options, callback: raw.event_callback, userData: raw.event_user_data)
    }
}

/// What both connects do around `open`: the NULL checks, the options read and checked, a handle made and given to
/// `open`, then handed to the caller. The handle is retained before `open` runs (an asynchronous connect's
/// callback may see it at once) and released if `open` throws.
func openSession(
    _ client: OpaquePointer?, _ options: UnsafePointer<azaudio_realtime_options>?,
    _ outSession: UnsafeMutablePointer<OpaquePointer?>?, _ function: String,
    _ open: (RealtimeSessionHandle, RealtimeSessionOptions, azaudio_realtime_options) throws(AzError) -> Void
) -> azaudio_result {
    guard let client else { return fail(.invalidArgument, "\(function): client is NULL") }
    let clientHandle = ClientHandle.from(client)
    guard let outSession else {
        return clientHandle.fail(AzError(.invalidArgument, "\(function): out_session is NULL"))
    }
    do throws(AzError) {
        let raw = try RealtimeOptionsABI.read(options)
        let engineOptions = try RealtimeOptionsABI.engineOptions(raw)
        let handle = RealtimeSessionHandle(client: clientHandle)
        let retained = Unmanaged.passRetained(handle)
        do throws(AzError) {
            try open(handle, engineOptions, raw)
        } catch {
            retained.release()
            throw error
        }
        outSession.pointee = OpaquePointer(retained.toOpaque())
        return AZAUDIO_OK
    } catch {
        return clientHandle.fail(prefixed(error, function))
    }
}

/// The most audio one send_audio call takes: 64 MiB is over 20 minutes of 24 kHz PCM16, far beyond any frame, and
/// small enough that every size derived from it fits easily.
private let maxAudioPerCall = 64 << 20

@c @implementation
public func azaudio_realtime_send_audio(
    _ session: OpaquePointer!, _ audio: UnsafeRawPointer!, _ size: Int
) -> azaudio_result {
    withSession(session, "azaudio_realtime_send_audio") { s throws(AzError) in
        guard let audio else { throw .invalidArgument("audio is NULL") }
        // A size_t above Int.max arrives negative; a size the encoder's arithmetic (base64, resampling, framing)
        // could overflow on is refused too, before any of it runs.
        guard size >= 0, size <= maxAudioPerCall else {
            throw .invalidArgument("size is \(UInt(bitPattern: size)) bytes; send at most \(maxAudioPerCall) per call")
        }
        try s.sendAudio(UnsafeRawBufferPointer(start: audio, count: size))
    }
}

@c @implementation
public func azaudio_realtime_commit(_ session: OpaquePointer!) -> azaudio_result {
    withSession(session, "azaudio_realtime_commit") { s throws(AzError) in try s.commit() }
}

@c @implementation
public func azaudio_realtime_clear(_ session: OpaquePointer!) -> azaudio_result {
    withSession(session, "azaudio_realtime_clear") { s throws(AzError) in try s.clear() }
}

@c @implementation
public func azaudio_realtime_create_response(
    _ session: OpaquePointer!, _ responseJSON: UnsafePointer<CChar>!
) -> azaudio_result {
    withSession(session, "azaudio_realtime_create_response") { s throws(AzError) in
        try s.send(json: try RealtimeClientEvents.createResponse(try optionalUTF8String(responseJSON, "response_json")))
    }
}

@c @implementation
public func azaudio_realtime_cancel_response(_ session: OpaquePointer!) -> azaudio_result {
    withSession(session, "azaudio_realtime_cancel_response") { s throws(AzError) in
        try s.send(json: RealtimeClientEvents.cancelResponse(nil))
    }
}

@c @implementation
public func azaudio_realtime_update_session(
    _ session: OpaquePointer!, _ sessionJSON: UnsafePointer<CChar>!
) -> azaudio_result {
    withSession(session, "azaudio_realtime_update_session") { s throws(AzError) in
        try s.send(json: try RealtimeClientEvents.updateSession(try nonEmptyString(sessionJSON, "session_json")))
    }
}

@c @implementation
public func azaudio_realtime_create_text_item(
    _ session: OpaquePointer!, _ role: UnsafePointer<CChar>!, _ text: UnsafePointer<CChar>!
) -> azaudio_result {
    withSession(session, "azaudio_realtime_create_text_item") { s throws(AzError) in
        let role = try nonEmptyString(role, "role")
        guard let text else { throw .invalidArgument("text is NULL") }
        try s.send(
            json: try RealtimeClientEvents.createTextItem(
                role: role, text: try utf8String(text, "text"), protocol: s.options.protocolKind))
    }
}

@c @implementation
public func azaudio_realtime_send_function_output(
    _ session: OpaquePointer!, _ callID: UnsafePointer<CChar>!, _ output: UnsafePointer<CChar>!
) -> azaudio_result {
    withSession(session, "azaudio_realtime_send_function_output") { s throws(AzError) in
        let call = try nonEmptyString(callID, "call_id")
        guard let output else { throw .invalidArgument("output is NULL") }
        try s.send(
            json: RealtimeClientEvents.functionCallOutput(callID: call, output: try utf8String(output, "output")))
    }
}

@c @implementation
public func azaudio_realtime_truncate(
    _ session: OpaquePointer!, _ itemID: UnsafePointer<CChar>!, _ contentIndex: Int32, _ audioEndMs: UInt32
) -> azaudio_result {
    withSession(session, "azaudio_realtime_truncate") { s throws(AzError) in
        let item = try nonEmptyString(itemID, "item_id")
        guard contentIndex >= 0 else { throw .invalidArgument("content_index is negative") }
        try s.truncate(itemID: item, contentIndex: Int(contentIndex), audioEndMs: Int(audioEndMs))
    }
}

@c @implementation
public func azaudio_realtime_audio_played(
    _ session: OpaquePointer!, _ itemID: UnsafePointer<CChar>!, _ playedMs: UInt32
) -> azaudio_result {
    withSession(session, "azaudio_realtime_audio_played") { s throws(AzError) in
        try s.audioPlayed(itemID: try nonEmptyString(itemID, "item_id"), ms: Int(playedMs))
    }
}

@c @implementation
public func azaudio_realtime_delete_item(_ session: OpaquePointer!, _ itemID: UnsafePointer<CChar>!) -> azaudio_result {
    withSession(session, "azaudio_realtime_delete_item") { s throws(AzError) in
        try s.send(json: RealtimeClientEvents.deleteItem(try nonEmptyString(itemID, "item_id")))
    }
}

@c @implementation
public func azaudio_realtime_send_event_json(
    _ session: OpaquePointer!, _ eventJSON: UnsafePointer<CChar>!
) -> azaudio_result {
    withSession(session, "azaudio_realtime_send_event_json") { s throws(AzError) in
        try s.sendChecked(json: try nonEmptyString(eventJSON, "event_json"))
    }
}

/// Pull mode: the next event within timeout_ms into *out_event. No event in time is AZAUDIO_ERR_TIMEOUT for
/// azaudio_realtime_next_event (out_event untouched) and a success with NULL for azaudio_realtime_poll_event
/// (nothing recorded, nothing allocated).
private func pullEvent(
    _ s: RealtimeSession, _ outEvent: UnsafeMutablePointer<OpaquePointer?>?, _ timeoutMs: Int32, emptyIsTimeout: Bool
) throws(AzError) {
    guard let outEvent else { throw .invalidArgument("out_event is NULL") }
    guard timeoutMs >= -1 else { throw .invalidArgument("timeout_ms is \(timeoutMs); use -1, 0 or a positive value") }
    guard let event = try s.nextEvent(timeoutMs: Int(timeoutMs)) else {
        if emptyIsTimeout { throw AzError(.timeout, "no event within \(timeoutMs) ms") }
        outEvent.pointee = nil
        return
    }
    outEvent.pointee = OpaquePointer(Unmanaged.passRetained(RealtimeEventBox(event)).toOpaque())
}

@c @implementation
public func azaudio_realtime_next_event(
    _ session: OpaquePointer!, _ outEvent: UnsafeMutablePointer<OpaquePointer?>!, _ timeoutMs: Int32
) -> azaudio_result {
    withSession(session, "azaudio_realtime_next_event") { s throws(AzError) in
        try pullEvent(s, outEvent, timeoutMs, emptyIsTimeout: true)
    }
}

@c @implementation
public func azaudio_realtime_poll_event(
    _ session: OpaquePointer!, _ outEvent: UnsafeMutablePointer<OpaquePointer?>!, _ timeoutMs: Int32
) -> azaudio_result {
    withSession(session, "azaudio_realtime_poll_event") { s throws(AzError) in
        try pullEvent(s, outEvent, timeoutMs, emptyIsTimeout: false)
    }
}

@c @implementation
public func azaudio_realtime_event_fd(
    _ session: OpaquePointer!, _ outFD: UnsafeMutablePointer<Int32>!
) -> azaudio_result {
    withSession(session, "azaudio_realtime_event_fd") { s throws(AzError) in
        guard let outFD else { throw .invalidArgument("out_fd is NULL") }
        outFD.pointee = try s.eventFD()
    }
}

@c @implementation
public func azaudio_realtime_close(_ session: OpaquePointer!) -> azaudio_result {
    withSession(session, "azaudio_realtime_close") { s in s.close() }
}

@c @implementation
public func azaudio_realtime_destroy(_ session: OpaquePointer!) {
    guard let session else { return }
    let handle = Unmanaged<RealtimeSessionHandle>.fromOpaque(UnsafeRawPointer(session))
    if let engine = handle.takeUnretainedValue().session {
        engine.detach()
        engine.close()
    }
    handle.release()
}

@c @implementation
public func azaudio_realtime_latency_summary(
    _ session: OpaquePointer!, _ count: UnsafeMutablePointer<UInt32>!, _ medianMs: UnsafeMutablePointer<Int32>!,
    _ p95Ms: UnsafeMutablePointer<Int32>!
) -> azaudio_result {
    withSession(session, "azaudio_realtime_latency_summary") { s in
        writeSummary(s.latencySummary, count, medianMs, p95Ms)
    }
}

@c @implementation
public func azaudio_realtime_audible_latency_summary(
    _ session: OpaquePointer!, _ count: UnsafeMutablePointer<UInt32>!, _ medianMs: UnsafeMutablePointer<Int32>!,
    _ p95Ms: UnsafeMutablePointer<Int32>!
) -> azaudio_result {
    withSession(session, "azaudio_realtime_audible_latency_summary") { s in
        writeSummary(s.audibleLatencySummary, count, medianMs, p95Ms)
    }
}

/// A latency summary into the caller's outputs (each may be NULL).
private func writeSummary(
    _ summary: (count: Int, medianMs: Int, p95Ms: Int), _ count: UnsafeMutablePointer<UInt32>?,
    _ medianMs: UnsafeMutablePointer<Int32>?, _ p95Ms: UnsafeMutablePointer<Int32>?
) {
    count?.pointee = UInt32(clamping: summary.count)
    medianMs?.pointee = Int32(clamping: summary.medianMs)
    p95Ms?.pointee = Int32(clamping: summary.p95Ms)
}
