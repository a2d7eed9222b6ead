/// Per-turn latency figures (AZURE-AUDIO-2026.md §7) as plain state, on one monotonic clock (ms): end of the
/// caller's speech (speech_stopped arrived) → response.created → first reply audio → first audible reply audio
/// (the delta that holds the first 10 ms above the level gate, `AudibleGate`) → first audio the host reports
/// played (`audioPlayed`). One `Figures` per response, made at its response.done; `summary` and
/// `audibleSummary` over the session.
struct TurnLatency: Sendable {
    struct Figures: Sendable, Equatable {
        var responseID: String
        /// -1 where a step did not happen (no speech end before the response, no audio, nothing played yet).
        var speechEndToCreatedMs: Int
        var speechEndToFirstAudioMs: Int
        var createdToFirstAudioMs: Int
        var speechEndToFirstPlayedMs: Int
        /// Speech end (-1 without one) and response start to the first audible reply audio's arrival.
        var speechEndToFirstAudibleMs = -1
        var createdToFirstAudibleMs = -1
        /// Where that audio starts in the reply (ms of reply audio before it: leading silence), -1 without it.
        var firstAudibleOffsetMs = -1
    }

    private struct Running {
        var responseID: String
        var speechEndMs: UInt64?
        var createdMs: UInt64
        var firstAudioMs: UInt64?
        var firstPlayedMs: UInt64?
        var audioItems: Set<String> = []
        var gate: AudibleGate?
        var firstAudibleMs: UInt64?
    }

    private var speechEndMs: UInt64?
    private var running: Running?
    /// Speech end (or response.created when there was none) to first reply audio, per response with audio.
    private(set) var firstAudioMs: [Int] = []
    /// The same to the first audible reply audio, per response with some.
    private(set) var firstAudibleMs: [Int] = []

    mutating func speechStopped(atMs now: UInt64) { speechEndMs = now }

    mutating func responseCreated(_ id: String, atMs now: UInt64) {
        running = Running(responseID: id, speechEndMs: speechEndMs, createdMs: now)
        speechEndMs = nil
    }

    /// Every reply audio delta: changed in place (a copy of `running` would copy its set on every delta).
    mutating func audioReceived(itemID: String, responseID: String, atMs now: UInt64) {
        // (`case .some`, not `!= nil`: the comparison copied the running response on every delta.)
        guard case .some = running, running!.responseID == responseID || responseID.isEmpty else { return }
        if running!.firstAudioMs == nil { running!.firstAudioMs = now }
        if !running!.audioItems.contains(itemID) { running!.audioItems.insert(itemID) }
    }

    /// The running response's audible audio is still to be found (the next delta's audio should be looked at).
    var awaitsAudible: Bool {
        guard case .some = running else { return false }
        return running!.firstAudibleMs == nil
    }

    /// The reply audio of a delta of the running response, in the session's output `format` (after
    /// `audioReceived`): looked at until the first audible window is found.
    mutating func audioLevel(_ audio: UnsafeRawBufferPointer, format: AudioFormat, atMs now: UInt64) {
        guard running != nil, running!.firstAudibleMs == nil else { return }
        if running!.gate == nil { running!.gate = AudibleGate(format: format) }
        if running!.gate!.feed(audio) { running!.firstAudibleMs = now }
    }

    mutating func played(itemID: String, atMs now: UInt64) {
        guard var r = running, r.firstPlayedMs == nil, r.audioItems.contains(itemID) else { return }
        r.firstPlayedMs = now
        running = r
    }

    /// The figures of the response that ended (nil for another id).
    mutating func responseDone(_ id: String) -> Figures? {
        guard let r = running, r.responseID == id || id.isEmpty else { return nil }
        running = nil
        func span(_ from: UInt64?, _ to: UInt64?) -> Int {
            guard let from, let to, to >= from else { return -1 }
            return Int(to - from)
        }
        let figures = Figures(
            responseID: r.responseID, speechEndToCreatedMs: span(r.speechEndMs, r.createdMs),
            speechEndToFirstAudioMs: span(r.speechEndMs, r.firstAudioMs),
            createdToFirstAudioMs: span(r.createdMs, r.firstAudioMs),
            speechEndToFirstPlayedMs: span(r.speechEndMs, r.firstPlayedMs),
            speechEndToFirstAudibleMs: span(r.speechEndMs, r.firstAudibleMs),
            createdToFirstAudibleMs: span(r.createdMs, r.firstAudibleMs),
            firstAudibleOffsetMs: r.firstAudibleMs == nil ? -1 : r.gate?.audibleAtMs ?? -1)
        let first =
            figures.speechEndToFirstAudioMs >= 0 ? figures.speechEndToFirstAudioMs : figures.createdToFirstAudioMs
        if first >= 0 { firstAudioMs.append(first) }
        let audible =
            figures.speechEndToFirstAudibleMs >= 0
            ? figures.speechEndToFirstAudibleMs : figures.createdToFirstAudibleMs
        if audible >= 0 { firstAudibleMs.append(audible) }
        return figures
    }

    /// Count, median and 95th percentile (nearest rank) of `firstAudioMs`.
    var summary: (count: Int, medianMs: Int, p95Ms: Int) { Self.ranked(firstAudioMs) }

    /// The same of `firstAudibleMs`.
    var audibleSummary: (count: Int, medianMs: Int, p95Ms: Int) { Self.ranked(firstAudibleMs) }

    private static func ranked(_ figures: [Int]) -> (count: Int, medianMs: Int, p95Ms: Int) {
        guard !figures.isEmpty else { return (0, -1, -1) }
        let sorted = figures.sorted()
        func rank(_ p: Double) -> Int {
            sorted[max(0, min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
        }
        return (sorted.count, rank(0.5), rank(0.95))
    }
}

extension RealtimeEvent {
    /// A library-made turn latency event, after the response's response.done.
    static func turnLatency(
        _ f: TurnLatency.Figures, handshakeMs: Int, readyMs: Int, summary: (count: Int, medianMs: Int, p95Ms: Int),
        audible: (count: Int, medianMs: Int, p95Ms: Int)
    )
        -> RealtimeEvent
    {
        var e = RealtimeEvent(
            kind: .turnLatency, type: "turn_latency",
            json: #"{"type":"turn_latency","response_id":"# + JSONWriter.quote(f.responseID)
                + #","speech_end_to_created_ms":\#(f.speechEndToCreatedMs),"#
                + #""speech_end_to_first_audio_ms":\#(f.speechEndToFirstAudioMs),"#
                + #""created_to_first_audio_ms":\#(f.createdToFirstAudioMs),"#
                + #""speech_end_to_first_audible_ms":\#(f.speechEndToFirstAudibleMs),"#
                + #""created_to_first_audible_ms":\#(f.createdToFirstAudibleMs),"#
                + #""first_audible_offset_ms":\#(f.firstAudibleOffsetMs),"#
                + #""speech_end_to_first_played_ms":\#(f.speechEndToFirstPlayedMs),"#
                + #""handshake_ms":\#(handshakeMs),"session_ready_ms":\#(readyMs),"#
                + #""session":{"count":\#(summary.count),"median_first_audio_ms":\#(summary.medianMs),"#
                + #""p95_first_audio_ms":\#(summary.p95Ms),"audible_count":\#(audible.count),"#
                + #""median_first_audible_ms":\#(audible.medianMs),"p95_first_audible_ms":\#(audible.p95Ms)}}"#)
        e.responseID = f.responseID
        e.audioMs = Int64(f.speechEndToFirstAudioMs >= 0 ? f.speechEndToFirstAudioMs : f.createdToFirstAudioMs)
        e.isLocal = true
        return e
    }
}
