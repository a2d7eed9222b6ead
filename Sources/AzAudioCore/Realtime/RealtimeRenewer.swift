/// Renewal before the session cap (`RenewalPlan` decides when and how, `RealtimeStandby` prepares the new session).
///
/// Make-before-break: a standby session opens beside the live one and gets the conversation replayed while the
/// live one carries the call; at the first turn boundary the call switches to it in one step on the loop thread:
/// under the sender's lock the link moves to the standby, what changed in the conversation since its replay goes
/// out, then the caller's audio flows to it. The old connection closes with a handshake; its later events are
/// not delivered. The caller's audio waits only for that step (`renewed` event: audio_ms, switch_us).
///
/// Break-before-make (`RealtimeReconnector.renew`) when the overlap is not possible.
final class RealtimeRenewer: RealtimeStandbyOwner, @unchecked Sendable {
    private let options: RealtimeSessionOptions
    private let dialer: RealtimeDialer
    private let link: RealtimeLink
    private let sender: RealtimeSender
    private let inbound: RealtimeInbound
    private let delivery: RealtimeDelivery
    private let reconnector: RealtimeReconnector
    private let logger: Logger
    private let standby = Locked<RealtimeStandby?>(nil)
    /// Becomes the delegate of the standby's connection at the switch (the session; it outlives this object).
    private unowned let session: WebSocketConnectionDelegate

    init(
        options: RealtimeSessionOptions, dialer: RealtimeDialer, link: RealtimeLink, sender: RealtimeSender,
        inbound: RealtimeInbound, delivery: RealtimeDelivery, reconnector: RealtimeReconnector,
        session: WebSocketConnectionDelegate, logger: Logger
    ) {
        self.options = options
        self.dialer = dialer
        self.link = link
        self.sender = sender
        self.inbound = inbound
        self.delivery = delivery
        self.reconnector = reconnector
        self.session = session
        self.logger = logger
    }

    /// Loop thread (a tick, a response's end, the standby's readiness): does what the plan says now.
    func check() {
        guard reconnector.isEnabled else { return }
        let voicedPending = link.state.withLock { $0.voicedInputPending }
        switch inbound.renewalStep(inputPending: voicedPending) {
        case .none:
            break
        case .openStandby:
            logger.log(.info, "realtime: the session nears its time limit; opening the next one beside it")
            delivery.deliver(.renewing(reason: "the session nears its time limit"))
            let made = RealtimeStandby(options: options, dialer: dialer, owner: self, logger: logger)
            standby.withLock { $0 = made }
            made.open()
        case .switchToStandby:
            switchToStandby()
        case .breakBeforeMake:
            let announced = abandonStandby()
            reconnector.renew(announce: !announced, trigger: inbound.renewalTrigger)
        }
    }

    /// The live connection was lost or the app closes: a standby in preparation is given up. Returns true if
    /// there was one.
    @discardableResult
    func abandonStandby() -> Bool {
        guard
            let made = standby.withLock({ (s) -> RealtimeStandby? in
                defer { s = nil }; return s
            })
        else {
            return false
        }
        made.abandon()
        inbound.standbyFailed()
        return true
    }

    /// Loop thread, from didClose: the live connection was lost (`info`, `reason`; the link already holds the
    /// caller's input) and a reconnect may follow. A standby that is ready takes the call over at once, instead of
    /// a new dial after a backoff: what changed in the conversation since its replay, the response the loss cut
    /// off when `reaskInterrupted`, then the input held meanwhile, in order. Events: RESPONSE_INTERRUPTED (when a
    /// response was running), RECONNECTING and RECONNECTED, both with "standby":true; no RENEWED follows the
    /// RENEWING already delivered (the new session has a cap of its own). Returns false when no standby was ready
    /// or it could not take over (the caller abandons any and reconnects).
    func promoteStandby(after info: WebSocketCloseInfo, reason: String) -> Bool {
        guard reconnector.isEnabled, ReconnectPolicy.mayReconnect(after: info),
            !link.state.withLock({ $0.closing }),
            let made = standby.withLock({ $0 }), made.role == .ready, let ready = made.takeReady()
        else {
            return false
        }
        standby.withLock { if $0 === made { $0 = nil } }
        let started = Monotonic.now()
        // The standby's setup waits for its replay: sends stay held until `release` marks it ready.
        var lost = RealtimeSetup()
        var holding = false
        sender.exclusively { (sendsStopped) in
            link.update { state in
                lost = state.setup
                holding = state.holdsInput
                state.setConnection(ready.connection, sendsStopped)
                state.setup = ready.setup
                state.holdsInput = true
                state.voicedInputPending = false  // (what was pending went to the lost session)
            }
        }
        let (catchUp, interrupted) = inbound.switchReplay()
        let reask = options.reaskInterrupted && interrupted != nil
        let first = catchUp + (reask ? [RealtimeClientEvents.reaskResponse] : [])
        if case .failure(let error) = sender.release(on: ready.connection, first: first) {
            logger.log(.warn, "realtime: the catch-up into the prepared session failed: \(error.message); reconnecting")
            sender.exclusively { (sendsStopped) in
                link.update { state in
                    state.setConnection(nil, sendsStopped)
                    state.setup = lost
                    state.holdsInput = holding
                }
            }
            ready.connection.close(code: .normalClosure, reason: "")  // (its delegate, the standby, ignores its end)
            inbound.standbyFailed()
            if let interrupted { delivery.deliver(.responseInterrupted(responseID: interrupted, reask: false)) }
            return false
        }
        ready.connection.delegate = session
        inbound.switched(expiresAt: ready.expiresAt, createdMs: ready.createdMs)
        let code = Int(info.code.rawValue)
        logger.log(
            .info,
            "realtime: connection lost (\(code)); the prepared session \(ready.sessionID) took over (\(catchUp.count) items caught up)"
        )
        if let interrupted { delivery.deliver(.responseInterrupted(responseID: interrupted, reask: reask)) }
        delivery.deliver(.reconnecting(attempt: 0, code: code, reason: reason, standby: true))
        delivery.deliver(
            .reconnected(
                sessionID: ready.sessionID, attempts: 0, outageMs: Int(Monotonic.now() &- started),
                replayedItems: catchUp.count, standby: true))
        return true
    }

    // MARK: RealtimeStandbyOwner

    func standbySetUp(_ made: RealtimeStandby, connection: WebSocketConnection) {
        guard standby.withLock({ $0 === made }) else { return }
        let replay = inbound.standbyReplay()
        do throws(AzError) {
            for json in replay { try connection.send(text: json) }
        } catch {
            return standbyFailed(made, reason: "the replay into the standby failed: \(error.message)")
        }
        logger.log(
            .info, "realtime: the next session is ready (\(replay.count) items replayed); switching at a turn boundary")
        check()
    }

    func standbyFailed(_ made: RealtimeStandby, reason: String) {
        let current = standby.withLock { (s) -> Bool in
            guard s === made else { return false }
            s = nil
            return true
        }
        guard current else { return }
        logger.log(.warn, "realtime: \(reason); renewing break-before-make instead")
        made.abandon()
        inbound.standbyFailed()
    }

    // MARK: The switch

    private func switchToStandby() {
        let trigger = inbound.renewalTrigger
        guard
            let made = standby.withLock({ (s) -> RealtimeStandby? in
                defer { s = nil }; return s
            }),
            let ready = made.takeReady()
        else {
            inbound.standbyFailed()
            return
        }
        var interrupted: String?
        var reask = false
        var old: WebSocketConnection?
        let outcome = sender.switchOver(to: ready.connection) { (sendsStopped) -> [String]? in
            // Under the sender's lock: at a turn boundary, caller audio loud enough to be speech that went to the
            // live session after the plan chose this boundary (and that the service has not reported yet) calls
            // the switch off, else that turn would start in a session whose events are no longer delivered. At
            // the cap's lead the switch happens whatever is going on.
            guard trigger == .cap || !link.state.withLock({ $0.voicedInputPending }) else { return nil }
            let (catchUp, cut) = inbound.switchReplay()
            interrupted = cut
            reask = options.reaskInterrupted && cut != nil
            link.update { state in
                old = state.connection
                if let old { state.retired.append(ObjectIdentifier(old)) }
                state.setConnection(ready.connection, sendsStopped)
                state.voicedInputPending = false  // (what was pending went to the old session)
                state.setup = ready.setup
                state.setup.becomeReady()
            }
            return catchUp + (reask ? [RealtimeClientEvents.reaskResponse] : [])
        }
        guard let (result, heldNs) = outcome else {
            // The standby stays ready: the next turn boundary, or the cap's lead, switches to it.
            logger.log(.info, "realtime: the caller spoke as the switch was due; switching at the next chance")
            made.putBack(owner: self)
            standby.withLock { $0 = made }
            inbound.switchCalledOff()
            return
        }
        ready.connection.delegate = session
        inbound.switched(expiresAt: ready.expiresAt, createdMs: ready.createdMs)
        old?.close(code: .normalClosure, reason: "renewed")
        if let interrupted { delivery.deliver(.responseInterrupted(responseID: interrupted, reask: reask)) }
        switch result {
        case .success(var sent):
            if reask { sent -= 1 }
            let heldUs = Int(heldNs / 1000)
            logger.log(
                .info,
                "realtime: renewed make-before-break (session \(ready.sessionID), \(sent) items caught up, input held \(heldUs) us)"
            )
            delivery.deliver(
                .renewed(
                    sessionID: ready.sessionID, switchMs: (heldUs + 999) / 1000, replayedItems: sent,
                    makeBeforeBreak: true, switchUs: heldUs, trigger: trigger))
        case .failure(let error):
            logger.log(.warn, "realtime: the catch-up into the new session failed: \(error.message)")
            ready.connection.fail(error)
        }
    }
}
