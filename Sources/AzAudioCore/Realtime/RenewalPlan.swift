import Glibc

/// When to renew a session before the service's cap, as plain state: the cap comes from session.created's
/// `expires_at` (epoch seconds) when present, else from `fallbackMaxMs` after the session opened. Renewal is due
/// `marginMs` before the cap at the first turn boundary (no response running, the caller not speaking), and at
/// the latest one second before the cap whatever is going on.
struct RenewalPlan: Sendable, Equatable {
    let marginMs: UInt64
    let fallbackMaxMs: UInt64
    /// When the current session ends (monotonic ms); nil: unknown or renewal off.
    private(set) var capAtMs: UInt64?
    private(set) var callerSpeaking = false

    init(marginMs: UInt64, fallbackMaxMs: UInt64) {
        self.marginMs = marginMs
        self.fallbackMaxMs = fallbackMaxMs
    }

    var isEnabled: Bool { marginMs > 0 }

    /// A session was created at `nowMs` (monotonic) / `wallNow` (epoch seconds).
    mutating func sessionCreated(expiresAt: Double?, wallNow: Double, nowMs: UInt64) {
        callerSpeaking = false
        guard isEnabled else { return }
        if let expiresAt, expiresAt > wallNow {
            capAtMs = nowMs + UInt64((expiresAt - wallNow) * 1000)
        } else {
            capAtMs = fallbackMaxMs > 0 ? nowMs + fallbackMaxMs : nil
        }
    }

    mutating func speech(started: Bool) { callerSpeaking = started }

    /// Renewal started: no second one for this session.
    mutating func renewing() { capAtMs = nil }

    func isDue(nowMs: UInt64, responseRunning: Bool) -> Bool {
        guard let cap = capAtMs else { return false }
        if nowMs + 1000 >= cap { return true }
        return nowMs + marginMs >= cap && !responseRunning && !callerSpeaking
    }

    static var wallNow: Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
