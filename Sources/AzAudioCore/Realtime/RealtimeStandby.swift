import Glibc

/// Make-before-break renewal: a second session opened beside the live one, which keeps carrying the call. On its own
/// thread it dials; on the loop thread it goes through the setup (session.created, the session configuration,
/// session.updated with the formats checked), then its owner replays the conversation into it and it waits, ready,
/// until the owner switches the call to it (`takeReady`; the owner then becomes the connection's delegate).
///
/// Its events before the switch are not the app's: setup events, the replayed items' created events. A standby
/// that fails (dial, setup, its connection ends) tells its owner once and is done.
protocol RealtimeStandbyOwner: AnyObject, Sendable {
    /// Loop thread: the standby (`sessionID`) confirmed its configuration on `connection`.
    func standbySetUp(_ standby: RealtimeStandby, connection: WebSocketConnection)
    /// Any thread: the standby failed before the switch.
    func standbyFailed(_ standby: RealtimeStandby, reason: String)
}

final class RealtimeStandby: WebSocketConnectionDelegate, @unchecked Sendable {
    enum Role { case settingUp, ready, taken, abandoned }

    struct State {
        var role = Role.settingUp
        var setup = RealtimeSetup.resuming()
        var connection: WebSocketConnection?
        /// From its session.created: the cap (epoch seconds) and when it was created (monotonic ms).
        var expiresAt: Double?
        var createdMs: UInt64 = 0
        var sessionID = ""
    }

    /// What the owner takes over at the switch.
    struct Ready {
        let connection: WebSocketConnection
        let setup: RealtimeSetup
        let sessionID: String
        let expiresAt: Double?
        let createdMs: UInt64
    }

    private let options: RealtimeSessionOptions
    private let dialer: RealtimeDialer
    private let logger: Logger
    private let state = Locked(State())
    /// Until the standby is taken or done (the owner keeps the standby too: a cycle broken by `finish`).
    private let owner: Locked<RealtimeStandbyOwner?>

    init(options: RealtimeSessionOptions, dialer: RealtimeDialer, owner: RealtimeStandbyOwner, logger: Logger) {
        self.options = options
        self.dialer = dialer
        self.owner = Locked(owner)
        self.logger = logger
    }

    /// Starts dialing on a thread of its own.
    func open() {
        guard let thread = PosixThread.start(name: "azaudio-standby", { [self] in self.dial() }) else {
            fail("could not start the standby thread")
            return
        }
        pthread_detach(thread.handle)
    }

    var role: Role { state.withLock { $0.role } }

    /// Loop thread, at the switch: the ready standby's connection and setup, once; nil unless ready. The
    /// connection's liveness clock restarts.
    func takeReady() -> Ready? {
        let taken = state.withLock { (state) -> Ready? in
            guard state.role == .ready, let connection = state.connection else { return nil }
            state.role = .taken
            return Ready(
                connection: connection, setup: state.setup, sessionID: state.sessionID, expiresAt: state.expiresAt,
                createdMs: state.createdMs)
        }
        if let taken {
            // Nothing arrives on a standby while it waits (liveness pings only the live connection): its quiet time
            // starts now, or the first liveness look after the switch would take it for dead.
            taken.connection.lastReceivedMs = Monotonic.now()
            finish()
        }
        return taken
    }

    /// Loop thread: the switch `takeReady` began was called off before the connection changed hands (nothing of
    /// the standby's can have happened meanwhile: its events come on this thread too). It waits, ready, again.
    func putBack(owner: RealtimeStandbyOwner) {
        let back = state.withLock { (state) -> Bool in
            guard state.role == .taken else { return false }
            state.role = .ready
            return true
        }
        if back { self.owner.withLock { $0 = owner } }
    }

    /// The standby is not wanted any more (break-before-make, the live connection was lost, the app closed): its
    /// connection closes and nothing more is reported.
    func abandon() {
        let connection = state.withLock { (state) -> WebSocketConnection? in
            guard state.role != .taken else { return nil }
            state.role = .abandoned
            return state.connection
        }
        finish()
        connection?.close(code: .normalClosure, reason: "standby not needed")
    }

    // MARK: WebSocketConnectionDelegate (loop thread)

    func webSocket(_ connection: WebSocketConnection, didReceiveText text: UnsafeRawBufferPointer) {
        guard let event = try? RealtimeEventDecoder.decode(text) else { return }
        let step = state.withLock { (state) -> RealtimeSetup.Step? in
            guard state.role == .settingUp else { return nil }
            if state.connection == nil { state.connection = connection }
            if event.kind == .sessionCreated {
                state.expiresAt = (try? JSONParser.parse(event.json))?["session"]?["expires_at"]?.doubleValue
                state.createdMs = Monotonic.now()
            }
            let step = state.setup.admit([], trigger: event)
            if case .resumed(let id) = step { state.sessionID = id }
            return step
        }
        if event.kind == .error, !event.isLocal {
            logger.log(.warn, "realtime: the standby session reported an error: \(event.text)")
        }
        switch step {
        case .sendConfiguration:
            do throws(AzError) {
                try connection.send(text: options.kind.updateEvent(options))
            } catch {
                fail("the standby's session configuration could not be sent: \(error.message)")
            }
        case .resumed:
            do throws(AzError) {
                try ConfirmedSession(eventJSON: event.json).check(
                    input: options.config.inputFormat, output: options.config.outputFormat)
            } catch {
                return fail(error.message)
            }
            state.withLock { $0.role = .ready }
            currentOwner()?.standbySetUp(self, connection: connection)
        default:
            if case .failed(let error) = state.withLock({ $0.setup.phase }) { fail(error.message) }
        }
    }

    func webSocket(_ connection: WebSocketConnection, didClose info: WebSocketCloseInfo) {
        let reason = info.reason.isEmpty ? (info.error?.message ?? "") : info.reason
        fail("the standby's connection ended (\(info.code.rawValue)\(reason.isEmpty ? "" : ": " + reason))")
    }

    // MARK: Internals

    private func dial() {
        do throws(AzError) {
            let connection = try dialer.dial(delegate: self)
            let keep = state.withLock { (state) -> Bool in
                guard state.role != .abandoned else { return false }
                state.connection = connection
                return true
            }
            if !keep { connection.close(code: .normalClosure, reason: "standby not needed") }
        } catch {
            fail("the standby session could not be opened: \(error.message)")
        }
    }

    /// Reports the failure once (unless taken or abandoned) and closes the standby's connection.
    private func fail(_ reason: String) {
        let (report, connection) = state.withLock { (state) -> (Bool, WebSocketConnection?) in
            let report = state.role == .settingUp || state.role == .ready
            if report { state.role = .abandoned }
            return (report, state.connection)
        }
        guard report else { return }
        logger.log(.info, "realtime: standby failed: \(reason)")
        let owner = currentOwner()
        finish()
        owner?.standbyFailed(self, reason: reason)
        connection?.close(code: .normalClosure, reason: "")
    }

    private func currentOwner() -> RealtimeStandbyOwner? { owner.withLock { $0 } }
    private func finish() { owner.withLock { $0 = nil } }
}
