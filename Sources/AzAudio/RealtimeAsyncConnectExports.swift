import AzAudioCore
import CAzAudio

// The asynchronous connect: the session is returned at once and reports CONNECTED or CONNECT_FAILED as an event
// (the engine's RealtimeAsyncConnect.swift).

@c @implementation
public func azaudio_realtime_connect_async(
    _ client: OpaquePointer!, _ options: UnsafePointer<azaudio_realtime_options>!,
    _ outSession: UnsafeMutablePointer<OpaquePointer?>!
) -> azaudio_result {
    openSession(client, options, outSession, "azaudio_realtime_connect_async") { handle, options, raw throws(AzError) in
        try handle.connectInBackground(options: options, callback: raw.event_callback, userData: raw.event_user_data)
    }
}

@c @implementation
public func azaudio_realtime_event_result(_ event: OpaquePointer!) -> azaudio_result {
    guard let event else { return AZAUDIO_ERR_INVALID_ARGUMENT }
    let e = RealtimeEventBox.from(event).event
    guard e.kind == .connectFailed else { return AZAUDIO_OK }
    return (ErrorKind(name: e.errorCode) ?? .internal).resultCode
}
