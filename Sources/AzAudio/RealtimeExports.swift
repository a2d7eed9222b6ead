import AzAudioCore
import CAzAudio

/// Runs a session operation: NULL checks, then the engine call; failures are recorded for the thread and the
/// session's client.
private func withSession(
    _ pointer: OpaquePointer?, _ function: String, _ body: (RealtimeSession) throws(AzError) -> Void
) -> azaudio_result {
    guard let pointer else { return fail(.invalidArgument, "\(function): session is NULL") }
    let handle = RealtimeSessionHandle.from(pointer)
    guard let session = handle.session else { return fail(.invalidState, "\(function): the session never connected") }
    do throws(AzError) {
        try body(session)
        return AZAUDIO_OK
    } catch {
        return handle.client.fail(prefixed(error, function))
    }
}

private func nonEmptyString(_ pointer: UnsafePointer<CChar>?, _ name: String) throws(AzError) -> String {
    let text = try requiredString(pointer, name)
    guard !text.isEmpty else { throw AzError.invalidArgument("\(name) is empty") }
    return text
}

@c @implementation
public func azaudio_realtime_options_init(_ options: UnsafeMutablePointer<azaudio_realtime_options>!) -> azaudio_result {
    guard let options else { return fail(.invalidArgument, "azaudio_realtime_options_init: options is NULL") }
    options.pointee = RealtimeOptions.defaults
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_realtime_connect(
    _ client: OpaquePointer!, _ options: UnsafePointer<azaudio_realtime_options>!,
    _ outSession: UnsafeMutablePointer<OpaquePointer?>!
) -> azaudio_result {
    guard let client else { return fail(.invalidArgument, "azaudio_realtime_connect: client is NULL") }
    let clientHandle = ClientHandle.from(client)
    guard let outSession else {
        return clientHandle.fail(AzError(.invalidArgument, "azaudio_realtime_connect: out_session is NULL"))
    }
    do throws(AzError) {
        let raw = try RealtimeOptions.read(options)
        let engineOptions = try RealtimeOptions.engineOptions(raw)
        let handle = RealtimeSessionHandle(client: clientHandle)
        try handle.connect(options: engineOptions, callback: raw.event_callback, userData: raw.event_user_data)
        outSession.pointee = OpaquePointer(Unmanaged.passRetained(handle).toOpaque())
        return AZAUDIO_OK
    } catch {
        return clientHandle.fail(prefixed(error, "azaudio_realtime_connect"))
    }
}

@c @implementation
public func azaudio_realtime_send_audio(_ session: OpaquePointer!, _ audio: UnsafeRawPointer!, _ size: Int) -> azaudio_result {
    withSession(session, "azaudio_realtime_send_audio") { s throws(AzError) in
        guard let audio else { throw .invalidArgument("audio is NULL") }
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
public func azaudio_realtime_create_response(_ session: OpaquePointer!, _ responseJSON: UnsafePointer<CChar>!) -> azaudio_result {
    withSession(session, "azaudio_realtime_create_response") { s throws(AzError) in
        let overrides = String(optionalCString: responseJSON)
        if let overrides {
            guard case .object? = try? JSONParser.parse(overrides) else {
                throw .invalidArgument("response_json is not a JSON object")
            }
        }
        try s.send(json: RealtimeClientEvents.createResponse(overrides))
    }
}

@c @implementation
public func azaudio_realtime_cancel_response(_ session: OpaquePointer!) -> azaudio_result {
    withSession(session, "azaudio_realtime_cancel_response") { s throws(AzError) in
        try s.send(json: RealtimeClientEvents.cancelResponse(nil))
    }
}

@c @implementation
public func azaudio_realtime_update_session(_ session: OpaquePointer!, _ sessionJSON: UnsafePointer<CChar>!) -> azaudio_result {
    withSession(session, "azaudio_realtime_update_session") { s throws(AzError) in
        let text = try nonEmptyString(sessionJSON, "session_json")
        guard case .object? = try? JSONParser.parse(text) else { throw .invalidArgument("session_json is not a JSON object") }
        try s.send(json: #"{"type":"session.update","session":"# + text + "}")
    }
}

@c @implementation
public func azaudio_realtime_create_text_item(
    _ session: OpaquePointer!, _ role: UnsafePointer<CChar>!, _ text: UnsafePointer<CChar>!
) -> azaudio_result {
    withSession(session, "azaudio_realtime_create_text_item") { s throws(AzError) in
        let role = try nonEmptyString(role, "role")
        guard ["user", "assistant", "system"].contains(role) else {
            throw .invalidArgument("role '\(role)' is not user, assistant or system")
        }
        guard let text else { throw .invalidArgument("text is NULL") }
        try s.send(json: RealtimeClientEvents.createTextItem(role: role, text: String(cString: text), protocol: s.options.protocolKind))
    }
}

@c @implementation
public func azaudio_realtime_send_function_output(
    _ session: OpaquePointer!, _ callID: UnsafePointer<CChar>!, _ output: UnsafePointer<CChar>!
) -> azaudio_result {
    withSession(session, "azaudio_realtime_send_function_output") { s throws(AzError) in
        let call = try nonEmptyString(callID, "call_id")
        guard let output else { throw .invalidArgument("output is NULL") }
        try s.send(json: RealtimeClientEvents.functionCallOutput(callID: call, output: String(cString: output)))
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
public func azaudio_realtime_send_event_json(_ session: OpaquePointer!, _ eventJSON: UnsafePointer<CChar>!) -> azaudio_result {
    withSession(session, "azaudio_realtime_send_event_json") { s throws(AzError) in
        try s.sendChecked(json: try nonEmptyString(eventJSON, "event_json"))
    }
}

@c @implementation
public func azaudio_realtime_next_event(
    _ session: OpaquePointer!, _ outEvent: UnsafeMutablePointer<OpaquePointer?>!, _ timeoutMs: Int32
) -> azaudio_result {
    withSession(session, "azaudio_realtime_next_event") { s throws(AzError) in
        guard let outEvent else { throw .invalidArgument("out_event is NULL") }
        guard timeoutMs >= -1 else { throw .invalidArgument("timeout_ms is \(timeoutMs); use -1, 0 or a positive value") }
        guard let event = try s.nextEvent(timeoutMs: Int(timeoutMs)) else {
            throw AzError(.timeout, "no event within \(timeoutMs) ms")
        }
        outEvent.pointee = OpaquePointer(Unmanaged.passRetained(RealtimeEventBox(event)).toOpaque())
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
        let summary = s.latencySummary
        count?.pointee = UInt32(clamping: summary.count)
        medianMs?.pointee = Int32(clamping: summary.medianMs)
        p95Ms?.pointee = Int32(clamping: summary.p95Ms)
    }
}
