import XCTest

@testable import AzAudioCore

final class ConversationMirrorTests: XCTestCase {
    private func item(_ json: String) -> JSONValue { try! JSONParser.parse(json) }

    private func conversation() -> ConversationMirror {
        var m = ConversationMirror()
        m.itemReported(item(#"{"id":"u1","type":"message","role":"user","content":[{"type":"input_audio"}]}"#))
        m.textKnown(itemID: "u1", text: "What is the weather in Oslo?")
        m.itemReported(
            item(
                #"{"id":"f1","type":"function_call","call_id":"c1","name":"weather","arguments":"{\"city\":\"Oslo\"}"}"#
            ))
        m.itemReported(item(#"{"id":"o1","type":"function_call_output","call_id":"c1","output":"rain"}"#))
        m.itemReported(
            item(
                #"{"id":"a1","type":"message","role":"assistant","content":[{"type":"output_audio","transcript":"It will rain all day in Oslo."}]}"#
            ))
        return m
    }

    func testKeepsTurnsFunctionCallsAndOutputsInOrder() {
        let m = conversation()
        XCTAssertEqual(m.items.map(\.id), ["u1", "f1", "o1", "a1"])
        XCTAssertEqual(m.items[0].entry, .message(role: .user, text: "What is the weather in Oslo?"))
        XCTAssertEqual(m.items[1].entry, .functionCall(callID: "c1", name: "weather", arguments: #"{"city":"Oslo"}"#))
        XCTAssertEqual(m.items[2].entry, .functionOutput(callID: "c1", output: "rain"))
        XCTAssertEqual(m.items[3].entry, .message(role: .assistant, text: "It will rain all day in Oslo."))
    }

    func testALaterReportWithoutTextKeepsTheTextKnown() {
        var m = conversation()
        m.itemReported(item(#"{"id":"u1","type":"message","role":"user","content":[{"type":"input_audio"}]}"#))
        XCTAssertEqual(m.items[0].entry, .message(role: .user, text: "What is the weather in Oslo?"))
    }

    func testReplayChainsItemsAsTextWithTheirIdsAndNoResponse() throws {
        let events = conversation().replayEvents(protocol: .ga)
        XCTAssertEqual(events.count, 4)
        let parsed = try events.map { try JSONParser.parse($0) }
        XCTAssertEqual(parsed.map { $0["type"]?.stringValue }, Array(repeating: "conversation.item.create", count: 4))
        XCTAssertNil(parsed[0]["previous_item_id"])
        XCTAssertEqual(parsed[1...].map { $0["previous_item_id"]?.stringValue }, ["u1", "f1", "o1"])
        XCTAssertEqual(parsed[0]["item"]?["content"]?[0]?["type"]?.stringValue, "input_text")
        XCTAssertEqual(parsed[3]["item"]?["content"]?[0]?["type"]?.stringValue, "output_text")
        XCTAssertEqual(parsed[3]["item"]?["role"]?.stringValue, "assistant")
        XCTAssertEqual(parsed[1]["item"]?["arguments"]?.stringValue, #"{"city":"Oslo"}"#)
        XCTAssertFalse(events.contains { $0.contains("response.create") })
        let preview = try JSONParser.parse(
            conversation().replayEvents(protocol: .preview(apiVersion: "2025-04-01-preview"))[3])
        XCTAssertEqual(preview["item"]?["content"]?[0]?["type"]?.stringValue, "text")
    }

    func testABargeInTruncationCutsTheReplayedTextAndSurvivesASecondReplay() {
        var m = conversation()
        m.truncated(itemID: "a1", audioEndMs: 500, receivedMs: 2000)  // a quarter heard
        XCTAssertEqual(ConversationMirror.text(of: m.items[3]), "It will")
        m.settleTruncations()
        XCTAssertEqual(m.items[3].entry, .message(role: .assistant, text: "It will"))
        XCTAssertEqual(ConversationMirror.text(of: m.items[3]), "It will")  // not cut twice
    }

    func testDeletedItemsAndEmptyMessagesAreNotReplayed() {
        var m = conversation()
        m.deleted(itemID: "f1")
        m.itemReported(item(#"{"id":"a2","type":"message","role":"assistant","content":[]}"#))
        XCTAssertEqual(m.items.map(\.id), ["u1", "o1", "a1", "a2"])
        XCTAssertEqual(m.replayEvents(protocol: .ga).count, 3)
    }

    func testTheBudgetDropsTheOldestItems() {
        var m = ConversationMirror(maxItems: 3, maxCharacters: 20)
        for i in 0..<5 {
            m.itemReported(
                item(
                    #"{"id":"t\#(i)","type":"message","role":"user","content":[{"type":"input_text","text":"abcdefgh"}]}"#
                ))
        }
        XCTAssertEqual(m.items.map(\.id), ["t3", "t4"])  // 3 items would be 24 characters
    }

    func testOtherItemTypesAreIgnored() {
        var m = ConversationMirror()
        m.itemReported(item(#"{"id":"x","type":"mcp_call"}"#))
        m.itemReported(item(#"{"type":"message","role":"user"}"#))
        XCTAssertTrue(m.items.isEmpty)
    }
}

final class ReconnectPolicyTests: XCTestCase {
    private func info(_ code: UInt16, error: AzError? = nil, local: Bool = false) -> WebSocketCloseInfo {
        WebSocketCloseInfo(code: WebSocketCloseCode(rawValue: code), reason: "", error: error, initiatedLocally: local)
    }

    func testNetworkFailuresAndServiceRestartsAreRetriedDeliberateClosesAreNot() {
        XCTAssertTrue(ReconnectPolicy.mayReconnect(after: info(1006, error: AzError(.network, "reset"))))
        XCTAssertTrue(
            ReconnectPolicy.mayReconnect(after: info(1006, error: AzError(.timeout, "liveness"), local: true)))
        XCTAssertTrue(ReconnectPolicy.mayReconnect(after: info(1011)))
        XCTAssertTrue(ReconnectPolicy.mayReconnect(after: info(1001)))
        XCTAssertFalse(ReconnectPolicy.mayReconnect(after: info(1000)))
        XCTAssertFalse(
            ReconnectPolicy.mayReconnect(
                after: info(1002, error: AzError(.protocolViolation, "bad frame"), local: true)))
        XCTAssertFalse(
            ReconnectPolicy.mayReconnect(after: info(1001, error: AzError(.closed, "loop shut down"), local: true)))
    }

    func testAuthFailuresAndRejectedSettingsEndTheAttempts() {
        XCTAssertFalse(ReconnectPolicy.mayRetry(AzError(.auth, "no", httpStatus: 401)))
        XCTAssertFalse(ReconnectPolicy.mayRetry(AzError(.http, "forbidden", httpStatus: 403)))
        XCTAssertFalse(ReconnectPolicy.mayRetry(AzError(.badRequest, "bad voice")))
        XCTAssertTrue(ReconnectPolicy.mayRetry(AzError(.server, "busy", httpStatus: 503)))
        XCTAssertTrue(ReconnectPolicy.mayRetry(AzError(.network, "refused")))
    }

    func testBackoffDoublesWithJitterUpToACapAndHonoursRetryAfter() {
        XCTAssertEqual(ReconnectPolicy.backoffMs(attempt: 1, baseMs: 250, jitter: 1, retryAfterSeconds: 0), 250)
        XCTAssertEqual(ReconnectPolicy.backoffMs(attempt: 1, baseMs: 250, jitter: 0, retryAfterSeconds: 0), 125)
        XCTAssertEqual(ReconnectPolicy.backoffMs(attempt: 3, baseMs: 250, jitter: 1, retryAfterSeconds: 0), 1000)
        XCTAssertEqual(ReconnectPolicy.backoffMs(attempt: 30, baseMs: 250, jitter: 1, retryAfterSeconds: 0), 8000)
        XCTAssertEqual(ReconnectPolicy.backoffMs(attempt: 1, baseMs: 250, jitter: 0, retryAfterSeconds: 2), 2000)
    }
}

final class RenewalPlanTests: XCTestCase {
    func testTheCapComesFromExpiresAtElseTheFallback() {
        var plan = RenewalPlan(marginMs: 120_000, fallbackMaxMs: 1_800_000)
        plan.sessionCreated(expiresAt: 1_000_600, wallNow: 1_000_000, nowMs: 5_000)
        XCTAssertEqual(plan.capAtMs, 605_000)
        plan.sessionCreated(expiresAt: nil, wallNow: 1_000_000, nowMs: 5_000)
        XCTAssertEqual(plan.capAtMs, 1_805_000)
        plan.sessionCreated(expiresAt: 999_999, wallNow: 1_000_000, nowMs: 5_000)  // already past: the fallback
        XCTAssertEqual(plan.capAtMs, 1_805_000)
    }

    func testDueAtTheMarginOnlyAtATurnBoundaryAndAlwaysJustBeforeTheCap() {
        var plan = RenewalPlan(marginMs: 120_000, fallbackMaxMs: 0)
        plan.sessionCreated(expiresAt: 1_000_600, wallNow: 1_000_000, nowMs: 0)  // cap at 600 000
        XCTAssertFalse(plan.isDue(nowMs: 479_999, responseRunning: false))
        XCTAssertTrue(plan.isDue(nowMs: 480_000, responseRunning: false))
        XCTAssertFalse(plan.isDue(nowMs: 480_000, responseRunning: true))
        plan.speech(started: true)
        XCTAssertFalse(plan.isDue(nowMs: 500_000, responseRunning: false))
        XCTAssertTrue(plan.isDue(nowMs: 599_000, responseRunning: true))  // the cap itself: whatever goes on
        plan.speech(started: false)
        XCTAssertTrue(plan.isDue(nowMs: 500_000, responseRunning: false))
        plan.renewing()
        XCTAssertFalse(plan.isDue(nowMs: 599_500, responseRunning: false))  // once per session
    }

    func testOffWithoutAMarginOrAKnownCap() {
        var off = RenewalPlan(marginMs: 0, fallbackMaxMs: 1000)
        off.sessionCreated(expiresAt: nil, wallNow: 0, nowMs: 0)
        XCTAssertFalse(off.isDue(nowMs: 10_000, responseRunning: false))
        var unknown = RenewalPlan(marginMs: 1000, fallbackMaxMs: 0)
        unknown.sessionCreated(expiresAt: nil, wallNow: 0, nowMs: 0)
        XCTAssertFalse(unknown.isDue(nowMs: 10_000_000, responseRunning: false))
    }
}

final class TurnLatencyTests: XCTestCase {
    func testFiguresFollowTheTurnOnOneClockAndTheSummaryRanksThem() {
        var latency = TurnLatency()
        latency.speechStopped(atMs: 1000)
        latency.responseCreated("r1", atMs: 1200)
        latency.audioReceived(itemID: "i1", responseID: "r1", atMs: 1500)
        latency.audioReceived(itemID: "i1", responseID: "r1", atMs: 1600)
        latency.played(itemID: "other", atMs: 1650)  // not this reply's audio
        latency.played(itemID: "i1", atMs: 1700)
        let figures = latency.responseDone("r1")
        XCTAssertEqual(
            figures,
            TurnLatency.Figures(
                responseID: "r1", speechEndToCreatedMs: 200,
                speechEndToFirstAudioMs: 500, createdToFirstAudioMs: 300, speechEndToFirstPlayedMs: 700))
        // A text turn: no speech end; first audio counts from the response's start.
        latency.responseCreated("r2", atMs: 5000)
        latency.audioReceived(itemID: "i2", responseID: "r2", atMs: 5100)
        XCTAssertEqual(latency.responseDone("r2")?.speechEndToFirstAudioMs, -1)
        latency.responseCreated("r3", atMs: 6000)  // no audio at all: not in the summary
        XCTAssertEqual(latency.responseDone("r3")?.createdToFirstAudioMs, -1)
        XCTAssertNil(latency.responseDone("r9"))
        let summary = latency.summary
        XCTAssertEqual(summary.count, 2)
        XCTAssertEqual(summary.medianMs, 100)
        XCTAssertEqual(summary.p95Ms, 500)
    }

    /// `ms` of PCM16 24 kHz at a constant `level`.
    private func pcm(ms: Int, level: Int16) -> [UInt8] {
        Array(repeating: [UInt8(truncatingIfNeeded: level), UInt8(truncatingIfNeeded: level >> 8)], count: ms * 24)
            .flatMap { $0 }
    }

    func testTheFirstAudibleAudioIsTheFirstTenMsWindowAboveTheGateAcrossDeltas() {
        var latency = TurnLatency()
        latency.speechStopped(atMs: 1000)
        latency.responseCreated("r1", atMs: 1200)
        let quiet = pcm(ms: 35, level: 100)  // -50 dBFS: below the gate
        let loud = pcm(ms: 20, level: 3000)
        latency.audioReceived(itemID: "i1", responseID: "r1", atMs: 1500)
        quiet.withUnsafeBytes { latency.audioLevel($0, format: .pcm16, atMs: 1500) }
        XCTAssertTrue(latency.awaitsAudible)
        latency.audioReceived(itemID: "i1", responseID: "r1", atMs: 1600)
        loud.withUnsafeBytes { latency.audioLevel($0, format: .pcm16, atMs: 1600) }
        XCTAssertFalse(latency.awaitsAudible)  // found: later deltas are not looked at
        latency.played(itemID: "i1", atMs: 1700)
        let figures = latency.responseDone("r1")
        XCTAssertEqual(figures?.speechEndToFirstAudioMs, 500)
        XCTAssertEqual(figures?.speechEndToFirstAudibleMs, 600)
        XCTAssertEqual(figures?.createdToFirstAudibleMs, 400)
        XCTAssertEqual(figures?.speechEndToFirstPlayedMs, 700)
        // The window 30-40 ms holds 5 ms of quiet and 5 ms of loud audio: RMS about 2100, above the gate.
        XCTAssertEqual(figures?.firstAudibleOffsetMs, 30)
        XCTAssertEqual(latency.audibleSummary.count, 1)
        XCTAssertEqual(latency.audibleSummary.medianMs, 600)
        // A reply that stays quiet has no audible figure and is not in that summary.
        latency.responseCreated("r2", atMs: 5000)
        latency.audioReceived(itemID: "i2", responseID: "r2", atMs: 5100)
        quiet.withUnsafeBytes { latency.audioLevel($0, format: .pcm16, atMs: 5100) }
        let silent = latency.responseDone("r2")
        XCTAssertEqual(silent?.createdToFirstAudioMs, 100)
        XCTAssertEqual(silent?.createdToFirstAudibleMs, -1)
        XCTAssertEqual(silent?.firstAudibleOffsetMs, -1)
        XCTAssertEqual(latency.audibleSummary.count, 1)
    }

    func testG711ReplyAudioIsDecodedBeforeTheGate() {
        // 8 kHz: 80 samples per window. μ-law 0xFF and A-law 0xD5 are (near) silence; 0x8F / 0xA5 are loud.
        for (format, quiet, loud) in [(AudioFormat.ulaw, UInt8(0xFF), UInt8(0x8F)), (.alaw, 0xD5, 0xA5)] {
            var gate = AudibleGate(format: format)
            XCTAssertFalse(Array(repeating: quiet, count: 160).withUnsafeBytes { gate.feed($0) }, "\(format)")
            XCTAssertTrue(Array(repeating: loud, count: 80).withUnsafeBytes { gate.feed($0) }, "\(format)")
            XCTAssertEqual(gate.audibleAtMs, 20, "\(format)")
        }
    }
}
