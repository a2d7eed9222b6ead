import Glibc

/// Opening a session without blocking the caller: `openInBackground` runs `open()` on a short-lived thread of its
/// own (the handshake and TLS run there, as a renewal's standby dials; the shared I/O thread is never held up) and
/// reports the outcome once, as an event on the session's loop thread:
/// - `connected` after the session's setup events (session.created, session.updated): the session is ready;
/// - `connectFailed` (text: the message, errorCode: `ErrorKind.name`) then `closed`: the connect failed;
/// - a `close()` before the session was ready reports `connectFailed` with `.cancelled` at once (the dial still in
///   progress is closed when it returns).
final class RealtimeBackgroundConnect: @unchecked Sendable {
    private let hop: LoopHop
    private var reported = false  // behind the session's `backgroundConnect` lock

    init(loop: EventLoop) { hop = LoopHop(loop: loop) }

    /// Hands `events` to the loop thread (or delivers them here when the loop has stopped).
    fileprivate func deliver(_ events: [RealtimeEvent], to delivery: RealtimeDelivery) {
        if !hop.run({ delivery.deliver(events) }) { delivery.deliver(events) }
    }

    /// True the first time only.
    fileprivate func claim() -> Bool {
        defer { reported = true }
        return !reported
    }
}

extension RealtimeSession {
    /// Starts connecting a prepared session and returns at once; the outcome comes as an event (see
    /// `RealtimeBackgroundConnect`). Throws when no thread could be started.
    public func openInBackground(loop: EventLoop) throws(AzError) {
        backgroundConnect.withLock { $0 = RealtimeBackgroundConnect(loop: loop) }
        let started = PosixThread.start(name: "azaudio-connect") { [self] in
            do throws(AzError) {
                try open()
                reportBackgroundConnect(nil, closing: false)
            } catch {
                reportBackgroundConnect(error, closing: false)
            }
        }
        guard let started else {
            backgroundConnect.withLock { $0 = nil }
            throw AzError(.outOfMemory, "could not start the connect thread")
        }
        pthread_detach(started.handle)
    }

    /// Reports a background connect's outcome, once: `error` nil is success. `closing`: from `close()`, which
    /// reports a ready session as connected (its closed event follows from the connection's end).
    func reportBackgroundConnect(_ error: AzError?, closing: Bool) {
        guard
            let report = backgroundConnect.withLock({ (state) -> RealtimeBackgroundConnect? in
                guard let state, state.claim() else { return nil }
                return state
            })
        else { return }
        guard let error else {
            report.deliver([.connected()], to: delivery)
            return
        }
        if !closing { link.update { $0.setup.fail(error) } }  // (sends see a closed session)
        let code = error.kind == .cancelled ? 1000 : 1006
        report.deliver([.connectFailed(error), .closed(code: code, reason: error.message)], to: delivery)
    }
}

extension RealtimeEvent {
    /// `connected`: a session opened in the background is ready.
    static func connected() -> RealtimeEvent {
        var e = RealtimeEvent(kind: .connected, type: "connected", json: #"{"type":"connected"}"#)
        e.isLocal = true
        return e
    }

    /// `connect_failed`: a session opened in the background failed; `errorCode` names the error's kind.
    static func connectFailed(_ error: AzError) -> RealtimeEvent {
        var json = #"{"type":"connect_failed","error":{"code":"# + JSONWriter.quote(error.kind.name)
        json += #","message":"# + JSONWriter.quote(error.message)
        if error.httpStatus != 0 { json += #","http_status":\#(error.httpStatus)"# }
        json += "}}"
        var e = RealtimeEvent(kind: .connectFailed, type: "connect_failed", json: json)
        e.errorCode = error.kind.name
        e.text = error.message
        e.isLocal = true
        return e
    }
}

extension ErrorKind {
    /// A stable lower-case name ("timeout", "auth", "cancelled"...), e.g. a connect_failed event's error code.
    public var name: String {
        switch self {
        case .invalidArgument: "invalid_argument"
        case .outOfMemory: "out_of_memory"
        case .network: "network"
        case .tls: "tls"
        case .timeout: "timeout"
        case .cancelled: "cancelled"
        case .http: "http"
        case .auth: "auth"
        case .rateLimited: "rate_limited"
        case .notFound: "not_found"
        case .payloadTooLarge: "payload_too_large"
        case .unsupported: "unsupported"
        case .protocolViolation: "protocol"
        case .closed: "closed"
        case .busy: "busy"
        case .badRequest: "bad_request"
        case .server: "server"
        case .contentFilter: "content_filter"
        case .io: "io"
        case .invalidState: "invalid_state"
        case .internal: "internal"
        }
    }

    /// The kind with that `name`, or nil.
    public init?(name: String) {
        guard let kind = ErrorKind.allCases.first(where: { $0.name == name }) else { return nil }
        self = kind
    }
}
