/// The inbound side's part in continuity: the replay for a reconnect, the renewal plan's steps, the standby's
/// replay and the switch to it. Each call takes the inbound's lock once.
extension RealtimeInbound {

    /// The replay of the conversation for a new session, and the response the lost connection cut off (which
    /// is forgotten: the new session has none running).
    func takeReplay() -> (events: [String], interruptedResponse: String?) {
        state.withLock { state in
            let running = state.playback.currentResponseID
            if let running { state.playback.responseDone(running) }
            state.playback.sessionReplaced()
            state.mirror.settleTruncations()
            guard options.kind.isConversation else { return ([], running) }  // (no conversation to replay)
            return (state.mirror.replayEvents(protocol: options.protocolKind), running)
        }
    }

    /// The response running now (the lost connection cut it off), without changing anything.
    func takeReplayPeek() -> (events: Int, interruptedResponse: String?) {
        state.withLock { ($0.mirror.items.count, $0.playback.currentResponseID) }
    }

    /// Loop thread: what the renewal does now (`RenewalPlan.step`).
    func renewalStep(inputPending: Bool) -> RenewalPlan.Step {
        state.withLock {
            let busy = $0.playback.isResponseRunning || $0.playback.isReplyPlaying || inputPending
            return $0.renewal.step(nowMs: Monotonic.now(), responseRunning: busy)
        }
    }

    /// Why the last switch or fallback step was taken (RENEWED's "trigger").
    var renewalTrigger: RenewalPlan.Trigger? { state.withLock { $0.renewal.trigger } }

    /// The standby is set up: the whole replay for it (recorded, so the switch sends only what changed since).
    func standbyReplay() -> [String] {
        state.withLock { state in
            state.mirror.settleTruncations()
            var ledger = ReplayLedger()
            let events = ledger.catchUp(to: state.mirror, protocol: options.protocolKind)
            state.ledger = ledger
            state.renewal.standbyReady()
            return events
        }
    }

    /// The switch to the standby was called off; the standby waits, ready, for the next chance (its replay ledger
    /// stays).
    func switchCalledOff() { state.withLock { $0.renewal.switchCalledOff() } }

    /// The standby failed: the plan falls back to break-before-make.
    func standbyFailed() {
        state.withLock {
            $0.ledger = nil
            $0.renewal.standbyFailed()
        }
    }

    /// At the switch: what changed in the conversation since the standby's replay, and the response the switch
    /// cuts off (at the cap only; it is forgotten).
    func switchReplay() -> (events: [String], interruptedResponse: String?) {
        state.withLock { state in
            let running = state.playback.currentResponseID
            if let running { state.playback.responseDone(running) }
            state.mirror.settleTruncations()
            state.playback.sessionReplaced()
            var ledger = state.ledger ?? ReplayLedger()
            state.ledger = nil
            let events = ledger.catchUp(to: state.mirror, protocol: options.protocolKind)
            state.replacing.formUnion(ledger.replacedInPlace)
            return (events, running)
        }
    }

    /// The standby created at `createdMs` (monotonic) with `expiresAt` now serves the call.
    func switched(expiresAt: Double?, createdMs: UInt64) {
        let created = min(createdMs, Monotonic.now())
        let wallAtCreation = RenewalPlan.wallNow - Double(Monotonic.now() - created) / 1000
        state.withLock { $0.renewal.sessionCreated(expiresAt: expiresAt, wallNow: wallAtCreation, nowMs: created) }
    }

    /// A copy of the mirror (tests, diagnostics).
    var mirror: ConversationMirror { state.withLock { $0.mirror } }
}
