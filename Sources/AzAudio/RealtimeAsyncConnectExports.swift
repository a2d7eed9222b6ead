import AzAudioCore
import CAzAudio

// The asynchronous connect: the session is returned at once and reports CONNECTED or CONNECT_FAILED as an event
// (the engine's RealtimeAsyncConnect.swift).

@c @implementation
public func azaudio_realtime_connect_async(
    _ client: OpaquePointer!, _ options: UnsafePointer<azaudio_realtime_options>!,
    _ outSession: UnsafeMutablePointer<OpaquePointer?>!
) -> azaudio_result {
    guard let client else { return fail(.invalidArgument, "azaudio_realtime_connect_async: client is NULL") }
    let clientHandle = ClientHandle.from(client)
    guard let outSession else {
        return clientHandle.fail(AzError(.invalidArgument, "azaudio_realtime_connect_async: out_session is NULL"))
    }
    do throws(AzError) {
        let raw = try RealtimeOptionsABI.read(options)
        let engineOptions = try RealtimeOptionsABI.engineOptions(raw)
        let handle = RealtimeSessionHandle(client: clientHandle)
        // Retained for the caller before the connect starts: its callback may see the handle at once.
        let pointer = OpaquePointer(Unmanaged.passRetained(handle).toOpaque())
        do throws(AzError) {
            try handle.connectInBackground(
                options: engineOptions, callback: raw.event_callback, userData: raw.event_user_data)
        } catch {
            Unmanaged<RealtimeSessionHandle>.fromOpaque(UnsafeRawPointer(pointer)).release()
            throw error
        }
        outSession.pointee = pointer
        return AZAUDIO_OK
    } catch {
        return clientHandle.fail(prefixed(error, "azaudio_realtime_connect_async"))
    }
}

@c @implementation
public func azaudio_realtime_event_result(_ event: OpaquePointer!) -> azaudio_result {
    guard let event else { return AZAUDIO_ERR_INVALID_ARGUMENT }
    let e = RealtimeEventBox.from(event).event
    guard e.kind == .connectFailed else { return AZAUDIO_OK }
    return (ErrorKind(name: e.errorCode) ?? .internal).resultCode
}
