import Glibc

/// When and how to renew a session before the service's cap, as plain state: the cap comes from session.created's
/// `expires_at` (epoch seconds) when present, else from `fallbackMaxMs` after the session opened.
///
/// Make-before-break: `marginMs` before the cap a standby session opens beside the live one (which keeps carrying
/// the call); once the standby is set up, the call switches to it at the first turn boundary (no response running,
/// the caller not speaking), or at the latest `leadMs` before the cap whatever is going on.
///
/// Break-before-make (the fallback): the live session's input is held, it closes, and a new one opens. It happens
/// when the overlap is not possible: a margin of `leadMs` or less, the standby not ready by the cap itself (a
/// standby that becomes ready after `cap - leadMs` takes over at once), or the standby failed (then at the next
/// turn boundary).
struct RenewalPlan: Sendable, Equatable {
    /// What the session does now.
    enum Step: Sendable, Equatable {
        case none
        /// Open a standby session beside the live one.
        case openStandby
        /// The standby is set up and this is the moment: switch the call to it.
        case switchToStandby
        /// Hold the input, close the live session, open a new one (abandoning any standby).
        case breakBeforeMake
    }

    /// Why the switch (or the fallback) happened: RENEWED's "trigger".
    enum Trigger: String, Sendable, Equatable {
        /// At a turn boundary (make-before-break).
        case turnBoundary = "turn_boundary"
        /// At the latest moment before the cap, whatever was going on (make-before-break).
        case cap
        /// Break-before-make: the standby was not ready in time.
        case standbyNotReady = "standby_not_ready"
        /// Break-before-make: the standby failed.
        case standbyFailed = "standby_failed"
        /// Break-before-make: the margin left no time for an overlap.
        case shortMargin = "short_margin"
    }

    enum Stage: Sendable, Equatable {
        /// `switching`: a `.switchToStandby` step was taken and the switch has not happened yet (it ends with the
        /// next session's `sessionCreated`, `switchCalledOff` or `standbyFailed`).
        case serving, preparing, standbyReady, switching, fallback, done
    }

    /// The latest a renewal may start before the cap, and the least time make-before-break needs.
    static let leadMs: UInt64 = 1000

    let marginMs: UInt64
    let fallbackMaxMs: UInt64
    /// When the current session ends (monotonic ms); nil: unknown or renewal off.
    private(set) var capAtMs: UInt64?
    private(set) var callerSpeaking = false
    private(set) var stage = Stage.serving
    /// Why the last `.switchToStandby` or `.breakBeforeMake` step was taken.
    private(set) var trigger: Trigger?

    init(marginMs: UInt64, fallbackMaxMs: UInt64) {
        self.marginMs = marginMs
        self.fallbackMaxMs = fallbackMaxMs
    }

    var isEnabled: Bool { marginMs > 0 }

    /// A session was created at `nowMs` (monotonic) / `wallNow` (epoch seconds); it serves the call from now.
    mutating func sessionCreated(expiresAt: Double?, wallNow: Double, nowMs: UInt64) {
        callerSpeaking = false
        stage = .serving
        guard isEnabled else { return }
        if let expiresAt, expiresAt > wallNow {
            capAtMs = nowMs &+ UInt64(((expiresAt - wallNow) * 1000).saturatingInt64(.down))
        } else {
            capAtMs = fallbackMaxMs > 0 ? nowMs + fallbackMaxMs : nil
        }
    }

    mutating func speech(started: Bool) { callerSpeaking = started }

    /// Renewal started (break-before-make): no second one for this session.
    mutating func renewing() {
        capAtMs = nil
        stage = .done
    }

    /// The standby session is set up (replayed) and waits for the switch.
    mutating func standbyReady() { if stage == .preparing { stage = .standbyReady } }

    /// The standby could not be opened, ended before the switch, or the switch to it failed: break-before-make at
    /// the next turn boundary (at once inside the lead).
    mutating func standbyFailed() {
        if stage == .preparing || stage == .standbyReady || stage == .switching { stage = .fallback }
    }

    /// The switch a `.switchToStandby` step asked for did not happen (the caller spoke as it was due): the standby
    /// stays ready and the next turn boundary, or the lead before the cap, switches to it.
    mutating func switchCalledOff() {
        guard stage == .switching else { return }
        stage = .standbyReady
        trigger = nil
    }

    /// Break-before-make: due `marginMs` before the cap at a turn boundary, and `leadMs` before it in any case.
    func isDue(nowMs: UInt64, responseRunning: Bool) -> Bool {
        guard let cap = capAtMs else { return false }
        if nowMs + Self.leadMs >= cap { return true }
        return nowMs + marginMs >= cap && !responseRunning && !callerSpeaking
    }

    /// What to do now (on a tick, after a response ended, when the standby became ready).
    mutating func step(nowMs: UInt64, responseRunning: Bool) -> Step {
        guard let cap = capAtMs else { return .none }
        let imminent = nowMs + Self.leadMs >= cap
        let boundary = !responseRunning && !callerSpeaking
        switch stage {
        case .serving:
            guard nowMs + marginMs >= cap else { return .none }
            if marginMs <= Self.leadMs {
                stage = .done
                trigger = .shortMargin
                return .breakBeforeMake
            }
            // (Even when this look comes late, inside the lead: the standby then takes over as soon as it is ready.)
            stage = .preparing
            return .openStandby
        case .preparing:
            // The live session carries the call until the cap: a new connection made now would take as long as
            // the standby already on its way, with the caller's audio held meanwhile.
            guard nowMs >= cap else { return .none }
            stage = .done
            trigger = .standbyNotReady
            return .breakBeforeMake
        case .standbyReady:
            guard boundary || imminent else { return .none }
            stage = .switching
            trigger = boundary ? .turnBoundary : .cap
            return .switchToStandby
        case .switching:
            return .none
        case .fallback:
            guard boundary || imminent else { return .none }
            stage = .done
            trigger = .standbyFailed
            return .breakBeforeMake
        case .done:
            return .none
        }
    }

    static var wallNow: Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
