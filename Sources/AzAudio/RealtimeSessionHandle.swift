import AzAudioCore
import CAzAudio

/// What an `azaudio_realtime_session *` points to. It keeps its client alive, so destroying the client first
/// cannot pull the I/O thread from under a session.
final class RealtimeSessionHandle {
    let client: ClientHandle
    private(set) var session: RealtimeSession?

    init(client: ClientHandle) { self.client = client }

    static func from(_ pointer: OpaquePointer) -> RealtimeSessionHandle {
        Unmanaged<RealtimeSessionHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }

    var pointer: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }

    /// Connects. The handler, if any, calls the C callback with this handle's address (not retained: `destroy`
    /// detaches the handler before the handle goes away).
    func connect(
        options: RealtimeSessionOptions, callback: azaudio_realtime_event_fn?, userData: UnsafeMutableRawPointer?
    )
        throws(AzError)
    {
        var handler: RealtimeSession.Handler? = nil
        if let callback {
            let me = pointer
            let bridge = CallbackBridge(fn: callback, userData: userData)
            handler = { event in bridge.call(me, event) }
        }
        let loop = try client.client.realtimeLoop()
        session = try RealtimeSession.connect(client: client.client, loop: loop, options: options, handler: handler)
    }
}

/// Calls a C event callback with a boxed event that lives for the call.
struct CallbackBridge: @unchecked Sendable {
    let fn: azaudio_realtime_event_fn
    let userData: UnsafeMutableRawPointer?

    func call(_ session: OpaquePointer, _ event: RealtimeEvent) {
        let box = RealtimeEventBox(event)
        withExtendedLifetime(box) {
            fn(session, OpaquePointer(Unmanaged.passUnretained(box).toOpaque()), userData)
        }
    }
}
