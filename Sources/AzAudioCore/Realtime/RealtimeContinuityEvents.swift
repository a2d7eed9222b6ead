/// The library-made events of call continuity (reconnect), named as `azaudio_realtime_event_name` gives them.
extension RealtimeEvent {
    /// Reconnect attempt `attempt` starts after the connection ended with `code` for `reason`. `standby`: the
    /// session prepared for a renewal takes over instead (attempt 0: nothing is dialled).
    static func reconnecting(attempt: Int, code: Int, reason: String, standby: Bool = false) -> RealtimeEvent {
        var e = RealtimeEvent(
            kind: .reconnecting, type: "reconnecting",
            json: #"{"type":"reconnecting","attempt":\#(attempt),"code":\#(code),"reason":"# + JSONWriter.quote(reason)
                + (standby ? #","standby":true}"# : "}"))
        e.closeCode = code
        e.text = reason
        e.isLocal = true
        return e
    }

    /// A new session (`sessionID`) continues the call after `attempts` attempts and `outageMs` without one;
    /// `replayedItems` items of the conversation were replayed into it. `standby`: it is the session prepared for a
    /// renewal (replayed then; `replayedItems` counts what changed since).
    static func reconnected(
        sessionID: String, attempts: Int, outageMs: Int, replayedItems: Int, standby: Bool = false
    ) -> RealtimeEvent {
        var e = RealtimeEvent(
            kind: .reconnected, type: "reconnected",
            json: #"{"type":"reconnected","session_id":"# + JSONWriter.quote(sessionID)
                + #","attempts":\#(attempts),"outage_ms":\#(outageMs),"replayed_items":\#(replayedItems)"#
                + (standby ? #","standby":true}"# : "}"))
        e.text = sessionID
        e.audioMs = Int64(outageMs)
        e.isLocal = true
        return e
    }

    /// The response `responseID` was running when the connection was lost: it did not finish. `reask`: the
    /// library asks the new session for it again (`reaskInterrupted`).
    static func responseInterrupted(responseID: String, reask: Bool = false) -> RealtimeEvent {
        var e = RealtimeEvent(
            kind: .responseInterrupted, type: "response_interrupted",
            json: #"{"type":"response_interrupted","response_id":"# + JSONWriter.quote(responseID)
                + #","reask":\#(reask)}"#)
        e.responseID = responseID
        e.isLocal = true
        return e
    }

    /// Renewal before the cap starts: the current session (`sessionID`) closes at this turn boundary.
    static func renewing(reason: String) -> RealtimeEvent {
        var e = RealtimeEvent(
            kind: .renewing, type: "renewing",
            json: #"{"type":"renewing","reason":"# + JSONWriter.quote(reason) + "}")
        e.text = reason
        e.isLocal = true
        return e
    }

    /// The new session (`sessionID`) took over; caller audio waited `switchMs` ms (`switchUs` us when measured
    /// finer): make-before-break, or break-before-make (input held for the whole new setup).
    /// `trigger`: why then (`RenewalPlan.Trigger`).
    static func renewed(
        sessionID: String, switchMs: Int, replayedItems: Int, makeBeforeBreak: Bool = false, switchUs: Int? = nil,
        trigger: RenewalPlan.Trigger? = nil
    ) -> RealtimeEvent {
        let mode = makeBeforeBreak ? "make_before_break" : "break_before_make"
        let why = trigger.map { #","trigger":"\#($0.rawValue)""# } ?? ""
        var e = RealtimeEvent(
            kind: .renewed, type: "renewed",
            json: #"{"type":"renewed","session_id":"# + JSONWriter.quote(sessionID)
                + #","mode":"\#(mode)","switch_ms":\#(switchMs),"switch_us":\#(switchUs ?? switchMs * 1000)"#
                + #","replayed_items":\#(replayedItems)\#(why)}"#)
        e.text = sessionID
        e.audioMs = Int64(switchMs)
        e.isLocal = true
        return e
    }
}
