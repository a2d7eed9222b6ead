import AzAudioCore
import CAzAudio

/// What an `azaudio_realtime_session *` points to. It keeps its client alive, so destroying the client first
/// cannot pull the I/O thread from under a session.
final class RealtimeSessionHandle {
    let client: ClientHandle
    /// Set once, before the handle is handed to the caller (never changed afterwards); released by `deinit`.
    private(set) var session: RealtimeSession? {
        didSet { borrowedSession = session.map { Unmanaged.passUnretained($0) } }
    }
    /// `session` without ownership, for `withSession` (see there): reading it retains nothing.
    private(set) var borrowedSession: Unmanaged<RealtimeSession>?

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
        let loop = try client.client.realtimeLoop()
        session = try RealtimeSession.connect(
            client: client.client, loop: loop, options: options, handler: handler(callback, userData))
    }

    /// Starts connecting and returns at once (azaudio_realtime_connect_async): the session exists from now on and
    /// reports CONNECTED or CONNECT_FAILED (whose text is the message: errors are recorded per thread, and the
    /// connect's thread is not the app's).
    func connectInBackground(
        options: RealtimeSessionOptions, callback: azaudio_realtime_event_fn?, userData: UnsafeMutableRawPointer?
    )
        throws(AzError)
    {
        let loop = try client.client.realtimeLoop()
        let prepared = try RealtimeSession.prepare(
            client: client.client, loop: loop, options: options, handler: handler(callback, userData))
        session = prepared  // before the connect thread starts: its events may reach the callback at once
        do throws(AzError) {
            try prepared.openInBackground(loop: loop)
        } catch {
            session = nil
            throw error
        }
    }

    private func handler(
        _ callback: azaudio_realtime_event_fn?, _ userData: UnsafeMutableRawPointer?
    ) -> RealtimeSession.Handler? {
        guard let callback else { return nil }
        let me = pointer
        let bridge = CallbackBridge(fn: callback, userData: userData)
        return { event in bridge.call(me, event) }
    }
}

/// Calls a C event callback with a boxed event that lives for the call.
struct CallbackBridge: @unchecked Sendable {
    let fn: azaudio_realtime_event_fn
    let userData: UnsafeMutableRawPointer?

    func call(_ session: OpaquePointer, _ event: consuming RealtimeEvent) {
        let box = RealtimeEventBox(event)
        withExtendedLifetime(box) {
            fn(session, OpaquePointer(Unmanaged.passUnretained(box).toOpaque()), userData)
        }
    }
}
