/// Where a realtime session is in its life, as every other part sees it.
enum RealtimeSessionPhase {
    /// Connected; waiting for the service's first event (session.created).
    case awaitingCreated
    /// The session configuration is sent; waiting for the service to confirm it (session.updated).
    case awaitingUpdated
    case ready
    /// Reconnecting: the new session confirmed its configuration; the conversation replay and the held caller
    /// audio go out before anything else (`RealtimeSender.release`).
    case replaying
    case failed(AzError)
    case closed

    var isReady: Bool { if case .ready = self { true } else { false } }
}

/// The setup handshake as plain state: which event confirms each step, and what arrived before the session was
/// ready (held, delivered once it is). A session kind with other setup events (a transcription session, say)
/// sets `createdKind` / `updatedKind`.
struct RealtimeSetup {
    /// What the caller should do after an event was admitted.
    enum Step {
        /// Deliver these events now (the session is ready).
        case deliver([RealtimeEvent])
        /// The service announced the session: send the session configuration.
        case sendConfiguration
        /// The service confirmed the configuration: deliver the events held so far, then tell the waiter.
        case becameReady([RealtimeEvent])
        /// A reconnect's new session confirmed the configuration (`resuming`): replay, then release the sender.
        case resumed(sessionID: String)
        /// Nothing to deliver (held, or the session is over).
        case none
    }

    /// A reconnect's setup: its setup events are not delivered (the app gets a reconnected event instead) and
    /// the session becomes `.replaying`, not `.ready`.
    var resuming = false
    /// The id of the session (from session.created).
    private(set) var sessionID = ""

    var createdKind = RealtimeEventKind.sessionCreated
    var updatedKind = RealtimeEventKind.sessionUpdated
    private(set) var phase = RealtimeSessionPhase.awaitingCreated
    /// Events that arrived before the session was ready.
    private var early: [RealtimeEvent] = []

    /// Takes the events one server event (`trigger`) produced.
    mutating func admit(_ events: [RealtimeEvent], trigger: RealtimeEvent) -> Step {
        switch phase {
        case .ready:
            return .deliver(events)
        case .failed, .closed, .replaying:
            return .none
        case .awaitingCreated:
            if !resuming { early += events }
            if trigger.kind == createdKind {
                sessionID = ConfirmedSession.sessionID(eventJSON: trigger.json)
                phase = .awaitingUpdated
                return .sendConfiguration
            }
        case .awaitingUpdated:
            if !resuming { early += events }
            if trigger.kind == updatedKind, resuming {
                phase = .replaying
                return .resumed(sessionID: sessionID)
            }
            if trigger.kind == updatedKind {
                phase = .ready
                defer { early = [] }
                return .becameReady(early)
            }
        }
        if trigger.kind == .error && !trigger.isLocal { fail(rejectedBy: trigger) }
        return .none
    }

    /// The service rejected the session during setup.
    mutating func fail(rejectedBy event: RealtimeEvent) {
        var message = "the service rejected the session settings: \(event.text)"
        if !event.errorParam.isEmpty { message += " (param \(event.errorParam))" }
        fail(AzError(.badRequest, message, serviceCode: event.errorCode, rawBody: event.json))
    }

    mutating func fail(_ error: AzError) { phase = .failed(error) }

    /// The connection ended. Returns true when the session was ready (the app gets a closed event).
    mutating func connectionEnded(_ info: WebSocketCloseInfo) -> Bool {
        switch phase {
        case .ready:
            phase = .closed
            return true
        case .awaitingCreated, .awaitingUpdated:
            var reason = info.reason
            if reason.isEmpty, let error = info.error { reason = error.message }
            let message =
                info.error?.message
                ?? "the server closed the connection (\(info.code.rawValue)\(reason.isEmpty ? "" : ": " + reason))"
            phase = .failed(AzError(info.error?.kind ?? .closed, message + " before the session was ready"))
            return false
        case .replaying:
            phase = .failed(
                AzError(info.error?.kind ?? .closed, "the connection ended while the conversation was replayed"))
            return false
        case .failed, .closed:
            return false
        }
    }

    /// `close()` while a first connect sets up: the setup fails with `error` (a reconnect's setup is left to the
    /// reconnector). True when a setup was cut short.
    mutating func cancelSetup(_ error: AzError) -> Bool {
        guard !resuming else { return false }
        switch phase {
        case .awaitingCreated, .awaitingUpdated:
            phase = .failed(error)
            return true
        default:
            return false
        }
    }

    /// The reconnect's replay is sent: the session is ready again.
    mutating func becomeReady() {
        if case .replaying = phase { phase = .ready }
    }

    /// A new setup for a reconnect.
    static func resuming() -> RealtimeSetup {
        var setup = RealtimeSetup()
        setup.resuming = true
        return setup
    }

    /// The connect deadline passed before the session was ready.
    mutating func timedOut(connectTimeoutMs: UInt32) {
        switch phase {
        case .awaitingCreated, .awaitingUpdated:
            let waitingFor = if case .awaitingCreated = phase { "session.created" } else { "session.updated" }
            phase = .failed(AzError(.timeout, "no \(waitingFor) within connect_timeout_ms (\(connectTimeoutMs) ms)"))
        default:
            break
        }
    }
}

/// The session's link to the service: the connection, the setup state, and the input format the service
/// confirmed, under one lock (a sender reads the connection and the format together, once per call). Connect
/// waits on it for the session to be ready.
final class RealtimeLink: @unchecked Sendable {
    struct State {
        var setup = RealtimeSetup()
        /// Changed only under the sender's lock as well (`setConnection`): a send borrows it without a retain.
        private(set) var connection: WebSocketConnection?
        /// The session's input format as the service confirmed it (initially as asked).
        var wireInput: AudioFormat
        /// A reconnect is under way: caller audio and events are held, not refused.
        var holdsInput = false
        /// `close()` was called: no reconnect.
        var closing = false
        /// A renewal closes `connection` on purpose: its end starts the new session.
        var renewing = false
        /// Renewal: the caller sent audio loud enough to be speech that the service has not reported a speech
        /// start for yet (a turn may be starting: no switch now). Set by the sender, cleared by speech_started.
        var voicedInputPending = false
        /// Connections a make-before-break renewal switched away from: their events and end are ignored.
        var retired: [ObjectIdentifier] = []

        func isRetired(_ connection: WebSocketConnection) -> Bool {
            !retired.isEmpty && retired.contains(ObjectIdentifier(connection))
        }

        /// The connection while the session is ready, else nil.
        var readyConnection: WebSocketConnection? { setup.phase.isReady ? connection : nil }

        /// Replaces the connection. Only under the sender's lock (`sendsStopped` proves it): a send, which holds
        /// that lock, uses the connection it read from here without retaining it, so the link's reference must
        /// not go away under it.
        mutating func setConnection(
            _ connection: WebSocketConnection?, _ sendsStopped: borrowing RealtimeSender.SendsStopped
        ) {
            self.connection = connection
        }
    }

    let state: ConditionLocked<State>

    init(wireInput: AudioFormat) {
        state = ConditionLocked(State(wireInput: wireInput))
    }

    static let closedError = AzError(.closed, "the session is closed")

    var phase: RealtimeSessionPhase { state.withLock { $0.setup.phase } }
    var connection: WebSocketConnection? { state.withLock { $0.connection } }

    /// The connection while the session is ready; throws `notReadyError()` otherwise.
    func readyConnection() throws(AzError) -> WebSocketConnection {
        guard let connection = state.withLock({ $0.readyConnection }) else { throw notReadyError() }
        return connection
    }

    static let stillConnectingError = AzError(
        .invalidState, "the session is still connecting: send once AZAUDIO_EVENT_CONNECTED has come")

    /// Why there is no ready connection (a send's failure path): a first connect still under way (only a
    /// session opened in the background can be asked then), else `.closed`.
    func notReadyError() -> AzError {
        let connecting = state.withLock { (state) -> Bool in
            guard !state.setup.resuming else { return false }
            switch state.setup.phase {
            case .awaitingCreated, .awaitingUpdated: return true
            default: return false
            }
        }
        return connecting ? Self.stillConnectingError : Self.closedError
    }

    /// Changes the state and wakes the waiter.
    func update(_ body: (inout State) -> Void) {
        state.withLock(body)
        state.broadcast()
    }

    /// Waits until the session is ready (returns), failed or closed (throws), or `deadline` passes (throws
    /// `.timeout`). A failed setup closes the connection.
    func waitUntilReady(deadline: Double, connectTimeoutMs: UInt32) throws(AzError) {
        let outcome = state.wait(deadline: deadline) { (state, timedOut) -> Result<Void, AzError>? in
            if timedOut { state.setup.timedOut(connectTimeoutMs: connectTimeoutMs) }
            switch state.setup.phase {
            case .ready: return .success(())
            case .failed(let error): return .failure(error)
            case .closed:
                return .failure(AzError(.closed, "the server closed the connection before the session was ready"))
            case .awaitingCreated, .awaitingUpdated, .replaying: return nil
            }
        }
        guard let outcome else { return }  // (not reached: a timeout fails the setup)
        if case .failure(let error) = outcome {
            if case .failed = phase { connection?.close(code: .normalClosure, reason: "") }
            throw error
        }
    }
}
