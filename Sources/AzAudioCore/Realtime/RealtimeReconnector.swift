import Glibc

/// Reconnect after a lost connection (`RealtimeSessionOptions.reconnectMaxAttempts` > 0): on its own thread,
/// waits a jittered backoff, opens a new connection and session with the same configuration, and once the service
/// confirmed it, replays the conversation mirror and the caller input held meanwhile (on the loop thread, in
/// `resumed`). Bounded by attempts and total time; then the session closes with the last reason.
///
/// Events: `reconnecting` when the connection is lost (with `responseInterrupted` first when a response was cut
/// off), `reconnected` once the new session took over, `closed` if it gives up.
final class RealtimeReconnector: @unchecked Sendable {
    private let options: RealtimeSessionOptions
    private let dialer: RealtimeDialer
    private let link: RealtimeLink
    private let sender: RealtimeSender
    private let inbound: RealtimeInbound
    private let delivery: RealtimeDelivery
    private let hop: LoopHop
    private let logger: Logger

    struct Outage {
        var startedMs: UInt64
        var attempts = 0
        var lastReason: String
        var lastCode: Int
        var renewal = false
        var trigger: RenewalPlan.Trigger?
    }

    /// The outage under way, if any.
    private let outage = Locked<Outage?>(nil)

    init(
        options: RealtimeSessionOptions, dialer: RealtimeDialer, link: RealtimeLink, sender: RealtimeSender,
        inbound: RealtimeInbound, delivery: RealtimeDelivery, logger: Logger
    ) {
        self.options = options
        self.dialer = dialer
        self.link = link
        self.sender = sender
        self.inbound = inbound
        self.delivery = delivery
        self.hop = LoopHop(loop: dialer.loop)
        self.logger = logger
    }

    var isEnabled: Bool { options.reconnectMaxAttempts > 0 }

    /// Any thread: delivers a library-made event on the loop thread (where the handler runs), or here when the
    /// loop has stopped.
    func deliverOnLoop(_ event: RealtimeEvent) {
        if !hop.run({ [delivery] in delivery.deliver(event) }) { delivery.deliver(event) }
    }

    /// Loop thread, from didClose of the ready session's connection: starts reconnecting when the end allows it.
    /// Returns false when the session should close instead.
    func connectionLost(_ info: WebSocketCloseInfo, reason: String, delegate: WebSocketConnectionDelegate) -> Bool {
        guard isEnabled, ReconnectPolicy.mayReconnect(after: info) else { return false }
        let proceed = sender.exclusively { (sendsStopped) in
            link.state.withLock { (state) -> Bool in
                guard !state.closing else { return false }
                state.setup = .resuming()
                state.setConnection(nil, sendsStopped)
                state.holdsInput = true
                return true
            }
        }
        guard proceed else { return false }
        let code = Int(info.code.rawValue)
        outage.withLock { $0 = Outage(startedMs: Monotonic.now(), lastReason: reason, lastCode: code) }
        logger.log(.info, "realtime: connection lost (\(code)\(reason.isEmpty ? "" : ": " + reason)); reconnecting")
        let (_, interrupted) = inbound.takeReplayPeek()
        if let interrupted {
            delivery.deliver(.responseInterrupted(responseID: interrupted, reask: options.reaskInterrupted))
        }
        delivery.deliver(.reconnecting(attempt: 1, code: code, reason: reason))
        startAttempts(delegate: delegate)
        return true
    }

    /// Loop thread: renewal before the cap, break-before-make (`RealtimeRenewer` when the overlap is not possible).
    /// The caller's input is held from now on (under the sender's lock, so no send is under way on the old
    /// connection), the old connection closes with a handshake (everything queued on it goes out first), and its
    /// end starts the new session (`renewalClosed`). `announce`: deliver the renewing event (not yet delivered).
    func renew(announce: Bool = true, trigger: RenewalPlan.Trigger? = nil) {
        let old = sender.exclusively { _ in
            link.state.withLock { (state) -> WebSocketConnection? in
                guard state.setup.phase.isReady, !state.closing, let connection = state.connection else { return nil }
                state.setup = .resuming()
                state.holdsInput = true
                state.renewing = true
                return connection
            }
        }
        guard let old else { return }
        outage.withLock {
            $0 = Outage(
                startedMs: Monotonic.now(), lastReason: "renewal before the session cap", lastCode: 1000, renewal: true,
                trigger: trigger)
        }
        logger.log(.info, "realtime: renewing the session before its cap")
        if announce { delivery.deliver(.renewing(reason: "the session nears its time limit")) }
        old.close(code: .normalClosure, reason: "renewing the session")
    }

    /// Loop thread: the renewed session's old connection ended; the new one opens.
    func renewalClosed(delegate: WebSocketConnectionDelegate) {
        startAttempts(delegate: delegate)
    }

    /// Loop thread: the new session confirmed its configuration. Replays and releases the held input.
    func resumed(on connection: WebSocketConnection, sessionID: String) {
        let replay = inbound.takeReplay()
        // Ask again for the response the loss cut off (`reaskInterrupted`): after the replay, before the held input.
        let reask = options.reaskInterrupted && replay.interruptedResponse != nil
        switch sender.release(
            on: connection, first: replay.events + (reask ? [RealtimeClientEvents.reaskResponse] : []))
        {
        case .success(let sent):
            let replayed = sent - (reask ? 1 : 0)
            let finished = outage.withLock { (outage) -> Outage? in
                defer { outage = nil }
                return outage
            }
            let outageMs = finished.map { Int(Monotonic.now() &- $0.startedMs) } ?? 0
            if finished?.renewal == true {
                if let interrupted = replay.interruptedResponse {  // (a renewal forced at the cap, mid-response)
                    delivery.deliver(.responseInterrupted(responseID: interrupted, reask: reask))
                }
                logger.log(
                    .info,
                    "realtime: renewed (session \(sessionID), \(replayed) items replayed, input held \(outageMs) ms)")
                delivery.deliver(
                    .renewed(
                        sessionID: sessionID, switchMs: outageMs, replayedItems: replayed, trigger: finished?.trigger))
                return
            }
            logger.log(
                .info,
                "realtime: reconnected (session \(sessionID), \(replayed) items replayed, \(outageMs) ms without a session)"
            )
            delivery.deliver(
                .reconnected(
                    sessionID: sessionID, attempts: finished?.attempts ?? 1, outageMs: outageMs,
                    replayedItems: replayed))
        case .failure(let error):
            logger.log(.warn, "realtime: the replay into the new session failed: \(error.message)")
            connection.fail(error)
        }
    }

    private func startAttempts(delegate: WebSocketConnectionDelegate) {
        guard let thread = PosixThread.start(name: "azaudio-reconn", { [self] in self.attempt(delegate: delegate) })
        else {
            giveUp(reason: "could not start the reconnect thread")
            return
        }
        pthread_detach(thread.handle)
    }

    /// The reconnect thread: attempts until one takes over, the budget runs out, or the app closes.
    private func attempt(delegate: WebSocketConnectionDelegate) {
        var retryAfter = 0.0
        while true {
            guard var current = outage.withLock({ $0 }) else { return }
            current.attempts += 1
            let attemptNumber = current.attempts
            outage.withLock { $0?.attempts = attemptNumber }
            let elapsed = Monotonic.now() &- current.startedMs
            if attemptNumber > Int(options.reconnectMaxAttempts) || elapsed >= UInt64(options.reconnectMaxTotalMs) {
                return giveUp(
                    reason:
                        "no new session after \(attemptNumber - 1) attempts in \(elapsed) ms; last: \(current.lastReason)"
                )
            }
            let waitMs = ReconnectPolicy.backoffMs(
                attempt: attemptNumber, baseMs: options.reconnectBackoffMs,
                jitter: Double.random(in: 0..<1), retryAfterSeconds: retryAfter)
            sleepMs(
                min(waitMs, UInt64(options.reconnectMaxTotalMs) &- min(elapsed, UInt64(options.reconnectMaxTotalMs))))
            if link.state.withLock({ $0.closing }) {
                return giveUp(reason: "the session was closed while reconnecting")
            }
            link.update { $0.setup = .resuming() }
            do throws(AzError) {
                let connection = try dialer.dial(delegate: delegate)
                sender.exclusively { (sendsStopped) in
                    link.state.withLock { $0.setConnection(connection, sendsStopped) }
                }
                let deadline = monotonicSeconds() + Double(options.connectTimeoutMs) / 1000
                try link.waitUntilReady(deadline: deadline, connectTimeoutMs: options.connectTimeoutMs)
                return  // `resumed` took over on the loop thread
            } catch {
                logger.log(.info, "realtime: reconnect attempt \(attemptNumber) failed: \(error.message)")
                outage.withLock { $0?.lastReason = error.message }
                retryAfter = error.retryAfterSeconds
                if !ReconnectPolicy.mayRetry(error) { return giveUp(reason: error.message) }
                link.state.withLock { $0.connection?.close(code: .normalClosure, reason: "") }
            }
        }
    }

    /// The reconnect is over without a new session: the session closes with the reason.
    private func giveUp(reason: String) {
        let code = outage.withLock { (outage) -> Int in
            defer { outage = nil }
            return outage?.lastCode ?? 1006
        }
        logger.log(.warn, "realtime: reconnect gave up: \(reason)")
        sender.dropHeld()
        link.update {
            $0.holdsInput = false
            $0.setup.fail(AzError(.closed, reason))
        }
        let closed = RealtimeEvent.closed(code: code, reason: reason)
        deliverOnLoop(closed)
    }

    private func sleepMs(_ ms: UInt64) {
        var request = timespec(tv_sec: Int(ms / 1000), tv_nsec: Int(ms % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
