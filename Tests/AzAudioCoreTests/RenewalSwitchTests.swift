import XCTest

@testable import AzAudioCore

/// The make-before-break decision (`RenewalPlan.step`) and the standby's catch-up (`ReplayLedger`), as plain state.
final class RenewalSwitchTests: XCTestCase {
    /// A plan whose session caps at 600 000 ms, renewing 120 s before.
    private func plan() -> RenewalPlan {
        var plan = RenewalPlan(marginMs: 120_000, fallbackMaxMs: 0)
        plan.sessionCreated(expiresAt: 1_000_600, wallNow: 1_000_000, nowMs: 0)
        return plan
    }

    func testTheStandbyOpensAtTheMarginEvenMidTurnAndTheSwitchWaitsForATurnBoundary() {
        var p = plan()
        XCTAssertEqual(p.step(nowMs: 479_999, responseRunning: false), .none)
        XCTAssertEqual(p.step(nowMs: 480_000, responseRunning: true), .openStandby)  // opening needs no boundary
        XCTAssertEqual(p.step(nowMs: 480_100, responseRunning: false), .none)  // not ready yet
        p.standbyReady()
        XCTAssertEqual(p.step(nowMs: 480_200, responseRunning: true), .none)  // a response runs
        p.speech(started: true)
        XCTAssertEqual(p.step(nowMs: 480_300, responseRunning: false), .none)  // the caller speaks
        p.speech(started: false)
        XCTAssertEqual(p.step(nowMs: 480_400, responseRunning: false), .switchToStandby)
        XCTAssertEqual(p.trigger, .turnBoundary)
        XCTAssertEqual(p.step(nowMs: 480_500, responseRunning: false), .none)  // once
        XCTAssertEqual(p.stage, .switching)
        p.sessionCreated(expiresAt: 1_001_200, wallNow: 1_000_481, nowMs: 481_000)  // the next session serves
        XCTAssertEqual(p.stage, .serving)
    }

    /// Found by the bench smoke: a switch called off because the caller spoke left the plan done, so the session
    /// was never renewed and died at its cap.
    func testASwitchCalledOffKeepsTheStandbyReadyForTheNextBoundaryOrTheCap() {
        var p = plan()
        XCTAssertEqual(p.step(nowMs: 480_000, responseRunning: false), .openStandby)
        p.standbyReady()
        XCTAssertEqual(p.step(nowMs: 480_100, responseRunning: false), .switchToStandby)
        p.switchCalledOff()
        XCTAssertEqual(p.stage, .standbyReady)
        XCTAssertNil(p.trigger)
        XCTAssertEqual(p.step(nowMs: 480_200, responseRunning: true), .none)
        XCTAssertEqual(p.step(nowMs: 480_300, responseRunning: false), .switchToStandby)
        XCTAssertEqual(p.trigger, .turnBoundary)
        p.switchCalledOff()
        XCTAssertEqual(p.step(nowMs: 598_999, responseRunning: true), .none)
        XCTAssertEqual(p.step(nowMs: 599_000, responseRunning: true), .switchToStandby)
        XCTAssertEqual(p.trigger, .cap)
    }

    func testASwitchThatFailsFallsBackToBreakBeforeMake() {
        var p = plan()
        XCTAssertEqual(p.step(nowMs: 480_000, responseRunning: false), .openStandby)
        p.standbyReady()
        XCTAssertEqual(p.step(nowMs: 480_100, responseRunning: false), .switchToStandby)
        p.standbyFailed()  // e.g. the standby's connection was gone when the switch took it
        XCTAssertEqual(p.stage, .fallback)
        XCTAssertEqual(p.step(nowMs: 480_200, responseRunning: false), .breakBeforeMake)
        XCTAssertEqual(p.trigger, .standbyFailed)
    }

    func testAReadyStandbyTakesOverAtTheCapWhateverGoesOn() {
        var p = plan()
        XCTAssertEqual(p.step(nowMs: 480_000, responseRunning: false), .openStandby)
        p.standbyReady()
        p.speech(started: true)
        XCTAssertEqual(p.step(nowMs: 598_999, responseRunning: true), .none)
        XCTAssertEqual(p.step(nowMs: 599_000, responseRunning: true), .switchToStandby)
    }

    func testAStandbyNotReadyByTheCapFallsBackToBreakBeforeMakeAtTheCap() {
        var p = plan()
        XCTAssertEqual(p.step(nowMs: 480_000, responseRunning: false), .openStandby)
        XCTAssertEqual(p.step(nowMs: 598_999, responseRunning: false), .none)
        XCTAssertEqual(p.step(nowMs: 599_000, responseRunning: true), .none)  // the live session still carries it
        XCTAssertEqual(p.step(nowMs: 599_999, responseRunning: true), .none)
        XCTAssertEqual(p.step(nowMs: 600_000, responseRunning: true), .breakBeforeMake)
        XCTAssertEqual(p.trigger, .standbyNotReady)
        p.standbyReady()  // too late: nothing more for this session
        XCTAssertEqual(p.step(nowMs: 600_100, responseRunning: false), .none)
    }

    func testAStandbyReadyInsideTheLeadTakesOverAtOnceWithoutABoundary() {
        var p = plan()
        XCTAssertEqual(p.step(nowMs: 480_000, responseRunning: false), .openStandby)
        XCTAssertEqual(p.step(nowMs: 599_500, responseRunning: true), .none)
        p.standbyReady()
        XCTAssertEqual(p.step(nowMs: 599_600, responseRunning: true), .switchToStandby)
        XCTAssertEqual(p.trigger, .cap)
    }

    func testALookThatComesInsideTheLeadStillOpensAStandby() {
        var p = plan()
        XCTAssertEqual(p.step(nowMs: 599_200, responseRunning: false), .openStandby)
        p.standbyReady()
        XCTAssertEqual(p.step(nowMs: 599_300, responseRunning: false), .switchToStandby)
        XCTAssertEqual(p.trigger, .turnBoundary)
    }

    func testTheRenewalChecksResolveTheWindowBetweenTheMarginAndTheLead() {
        var options = RealtimeSessionOptions(deployment: "d")
        options.reconnectMaxAttempts = 5
        options.renewalMarginMs = 1500
        let link = RealtimeLink(wireInput: .pcm16)
        XCTAssertEqual(RealtimeLiveness(link: link, options: options, logger: .disabled).intervalMs, 125)
        options.renewalMarginMs = 120_000  // the default: the keepalive's period rules
        XCTAssertEqual(RealtimeLiveness(link: link, options: options, logger: .disabled).intervalMs, 1000)
    }

    func testRenewedSaysWhyTheSwitchHappenedAndOlderCallersGetNoTrigger() throws {
        let event = RealtimeEvent.renewed(
            sessionID: "sess_2", switchMs: 1, replayedItems: 3, makeBeforeBreak: true, switchUs: 420, trigger: .cap)
        let json = try JSONParser.parse(event.json)
        XCTAssertEqual(json["mode"]?.stringValue, "make_before_break")
        XCTAssertEqual(json["trigger"]?.stringValue, "cap")
        XCTAssertEqual(json["switch_us"]?.intValue, 420)
        let fallback = try JSONParser.parse(
            RealtimeEvent.renewed(sessionID: "s", switchMs: 200, replayedItems: 0, trigger: .standbyNotReady).json)
        XCTAssertEqual(fallback["trigger"]?.stringValue, "standby_not_ready")
        XCTAssertNil(
            try JSONParser.parse(RealtimeEvent.renewed(sessionID: "s", switchMs: 0, replayedItems: 0).json)["trigger"])
    }

    func testAFailedStandbyFallsBackToBreakBeforeMakeAtTheNextTurnBoundary() {
        var p = plan()
        XCTAssertEqual(p.step(nowMs: 480_000, responseRunning: false), .openStandby)
        p.standbyFailed()
        XCTAssertEqual(p.stage, .fallback)
        XCTAssertEqual(p.step(nowMs: 480_100, responseRunning: true), .none)
        XCTAssertEqual(p.step(nowMs: 480_200, responseRunning: false), .breakBeforeMake)
        XCTAssertEqual(p.trigger, .standbyFailed)
    }

    func testAMarginTooShortForAnOverlapIsBreakBeforeMakeAndANewSessionStartsOver() {
        var p = RenewalPlan(marginMs: 800, fallbackMaxMs: 10_000)
        p.sessionCreated(expiresAt: nil, wallNow: 0, nowMs: 0)  // cap at 10 000
        XCTAssertEqual(p.step(nowMs: 9_199, responseRunning: false), .none)
        XCTAssertEqual(p.step(nowMs: 9_200, responseRunning: false), .breakBeforeMake)
        XCTAssertEqual(p.trigger, .shortMargin)
        p.sessionCreated(expiresAt: nil, wallNow: 0, nowMs: 9_500)  // the new session
        XCTAssertEqual(p.stage, .serving)
        XCTAssertEqual(p.capAtMs, 19_500)
    }

    func testAHostileExpiresAtNeitherCrashesNorRenews() {
        var p = RenewalPlan(marginMs: 120_000, fallbackMaxMs: 0)
        p.sessionCreated(expiresAt: 1e300, wallNow: 1_000_000, nowMs: 5)
        XCTAssertEqual(p.step(nowMs: 10_000_000, responseRunning: false), .none)
    }

    // MARK: The standby's catch-up

    private func item(_ json: String) -> JSONValue { try! JSONParser.parse(json) }

    private func message(_ id: String, _ role: String, _ text: String) -> JSONValue {
        item(#"{"id":"\#(id)","type":"message","role":"\#(role)","content":[{"type":"input_text","text":"\#(text)"}]}"#)
    }

    private func types(_ events: [String]) -> [String] {
        events.map { (try? JSONParser.parse($0))?["type"]?.stringValue ?? "?" }
    }

    func testTheFirstCatchUpIsTheWholeReplayAndAnUnchangedMirrorNeedsNothing() {
        var mirror = ConversationMirror()
        mirror.itemReported(message("u1", "user", "hello"))
        mirror.itemReported(message("a1", "assistant", "hi there"))
        var ledger = ReplayLedger()
        let first = ledger.catchUp(to: mirror, protocol: .ga)
        XCTAssertEqual(first, mirror.replayEvents(protocol: .ga))
        XCTAssertEqual(ledger.catchUp(to: mirror, protocol: .ga), [])
    }

    func testTurnsAddedWhileTheStandbyWaitedAreCreatedInOrderAfterTheReplayedOnes() throws {
        var mirror = ConversationMirror()
        mirror.itemReported(message("u1", "user", "hello"))
        var ledger = ReplayLedger()
        _ = ledger.catchUp(to: mirror, protocol: .ga)
        mirror.itemReported(message("u2", "user", "what time is it"))
        mirror.itemReported(message("a2", "assistant", "noon"))
        let events = ledger.catchUp(to: mirror, protocol: .ga)
        XCTAssertEqual(types(events), ["conversation.item.create", "conversation.item.create"])
        XCTAssertEqual(try JSONParser.parse(events[0])["previous_item_id"]?.stringValue, "u1")
        XCTAssertEqual(try JSONParser.parse(events[1])["previous_item_id"]?.stringValue, "u2")
        XCTAssertEqual(try JSONParser.parse(events[1])["item"]?["id"]?.stringValue, "a2")
    }

    func testDeletedAndChangedItemsAreDeletedAndAChangedOneIsCreatedAgainAtItsPlace() throws {
        var mirror = ConversationMirror()
        mirror.itemReported(message("u1", "user", "hello"))
        mirror.itemReported(message("a1", "assistant", "a long answer about opening hours"))
        mirror.itemReported(message("u2", "user", "thanks"))
        var ledger = ReplayLedger()
        _ = ledger.catchUp(to: mirror, protocol: .ga)
        mirror.deleted(itemID: "u1")
        mirror.truncated(itemID: "a1", audioEndMs: 500, receivedMs: 1000)  // barge-in cut it in half
        mirror.settleTruncations()
        let events = ledger.catchUp(to: mirror, protocol: .ga)
        XCTAssertEqual(
            types(events), ["conversation.item.delete", "conversation.item.delete", "conversation.item.create"])
        XCTAssertEqual(try JSONParser.parse(events[0])["item_id"]?.stringValue, "u1")
        XCTAssertEqual(try JSONParser.parse(events[1])["item_id"]?.stringValue, "a1")
        let created = try JSONParser.parse(events[2])
        XCTAssertEqual(created["previous_item_id"]?.stringValue, "root")  // before u2, which stays
        XCTAssertEqual(created["item"]?["content"]?[0]?["text"]?.stringValue, "a long answer ab")
        XCTAssertEqual(ledger.catchUp(to: mirror, protocol: .ga), [])
    }

    func testAUserTurnWhoseTranscriptArrivedLateIsCreatedThen() {
        var mirror = ConversationMirror()
        mirror.itemReported(message("u1", "user", "hello"))
        mirror.itemReported(item(#"{"id":"u2","type":"message","role":"user","content":[{"type":"input_audio"}]}"#))
        var ledger = ReplayLedger()
        XCTAssertEqual(ledger.catchUp(to: mirror, protocol: .ga).count, 1)  // u2 has no text yet
        mirror.textKnown(itemID: "u2", text: "book a table")
        let events = ledger.catchUp(to: mirror, protocol: .ga)
        XCTAssertEqual(types(events), ["conversation.item.create"])
        XCTAssertTrue(events[0].contains("book a table"))
    }
    func testAnItemChangedSinceTheReplayIsRecordedAsReplacedInPlaceAndADeletedOneIsNot() {
        var mirror = ConversationMirror()
        mirror.itemReported(message("u1", "user", "hello"))
        mirror.itemReported(message("a1", "assistant", "a long answer about opening hours"))
        var ledger = ReplayLedger()
        _ = ledger.catchUp(to: mirror, protocol: .ga)
        mirror.deleted(itemID: "u1")
        mirror.textKnown(itemID: "a1", text: "a shorter answer")
        _ = ledger.catchUp(to: mirror, protocol: .ga)
        XCTAssertEqual(ledger.replacedInPlace, ["a1"])
    }

    // A reply the session before a switch sent, cut after it: the new session holds it as replayed text.

    func testAReplayedReplyCutByBargeInIsRewrittenAsTextNotTruncated() {
        var tracker = BargeInTracker(wireBytesPerMs: 48, serverInterrupts: true)
        tracker.responseCreated("r1")
        tracker.audioReceived(itemID: "a1", responseID: "r1", contentIndex: 0, bytes: 48 * 1000)
        tracker.responseDone("r1")
        tracker.sessionReplaced()  // the switch: nothing of it was reported played
        XCTAssertTrue(tracker.isReplayed(itemID: "a1"))
        _ = tracker.played(itemID: "a1", ms: 250)
        let decision = tracker.speechStarted()
        let cut = BargeInDecision.Truncation(itemID: "a1", contentIndex: 0, audioEndMs: 250)
        XCTAssertNil(decision.truncate)  // the new session would refuse it
        XCTAssertEqual(decision.rewrite, cut)
        XCTAssertEqual(decision.flush, cut)
        // A reply of the new session is truncated as usual.
        tracker.responseCreated("r2")
        tracker.audioReceived(itemID: "a2", responseID: "r2", contentIndex: 0, bytes: 48 * 1000)
        _ = tracker.played(itemID: "a2", ms: 100)
        XCTAssertFalse(tracker.isReplayed(itemID: "a2"))
        let second = tracker.speechStarted()
        XCTAssertEqual(second.truncate?.itemID, "a2")
        XCTAssertNil(second.rewrite)
    }

    func testCuttingReplayedTextReplacesTheItemInPlaceWithTheCutText() throws {
        var mirror = ConversationMirror()
        mirror.itemReported(message("u1", "user", "hello"))
        mirror.itemReported(item(#"{"id":"u2","type":"message","role":"user","content":[{"type":"input_audio"}]}"#))
        mirror.itemReported(message("a1", "assistant", "a long answer about opening hours"))
        mirror.itemReported(message("u3", "user", "thanks"))
        let events = mirror.cutReplayed(itemID: "a1", audioEndMs: 500, receivedMs: 1000, protocol: .ga)
        XCTAssertEqual(types(events), ["conversation.item.delete", "conversation.item.create"])
        XCTAssertEqual(try JSONParser.parse(events[0])["item_id"]?.stringValue, "a1")
        let created = try JSONParser.parse(events[1])
        XCTAssertEqual(created["previous_item_id"]?.stringValue, "u1")  // u2 has no text: it was not replayed
        XCTAssertEqual(created["item"]?["id"]?.stringValue, "a1")
        XCTAssertEqual(created["item"]?["content"]?[0]?["text"]?.stringValue, "a long answer ab")
        XCTAssertEqual(mirror.items.map(\.id), ["u1", "u2", "a1", "u3"])
        XCTAssertEqual(mirror.items[2].entry, .message(role: .assistant, text: "a long answer ab"))
        XCTAssertEqual(mirror.items[2].keptFraction, 1)  // final: a later replay does not cut it again
        // The first item is created again at the root; an item cut to nothing is only deleted.
        XCTAssertEqual(
            try JSONParser.parse(mirror.cutReplayed(itemID: "u1", audioEndMs: 900, receivedMs: 1000, protocol: .ga)[1])[
                "previous_item_id"]?.stringValue, "root")
        XCTAssertEqual(
            types(mirror.cutReplayed(itemID: "u3", audioEndMs: 1, receivedMs: 1000, protocol: .ga)),
            ["conversation.item.delete"])
        // Nothing to replace for an item the session was never given (no text) or does not know.
        XCTAssertEqual(mirror.cutReplayed(itemID: "u2", audioEndMs: 500, receivedMs: 1000, protocol: .ga), [])
        XCTAssertEqual(mirror.cutReplayed(itemID: "zz", audioEndMs: 500, receivedMs: 1000, protocol: .ga), [])
    }
}

/// What the sender takes for speech the service may not have reported yet (no renewal switch then).
final class VoicedInputTests: XCTestCase {
    private func pcm(_ samples: [Int16]) -> [UInt8] {
        samples.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
    }

    func testQuietPCMIsNotSpeechAndALoudSampleIs() {
        let quiet = pcm(Array(repeating: 300, count: 480) + [-519])
        let loud = pcm(Array(repeating: 0, count: 479) + [-2000])
        quiet.withUnsafeBytes { XCTAssertFalse(RealtimeSender.soundsVoiced($0, format: .pcm16)) }
        loud.withUnsafeBytes { XCTAssertTrue(RealtimeSender.soundsVoiced($0, format: .pcm16)) }
        loud.withUnsafeBytes { XCTAssertFalse(RealtimeSender.soundsVoiced($0, format: .ulaw)) }  // not looked at
    }
}

final class ReplyPlayingTests: XCTestCase {
    func testAReplyTheHostIsStillPlayingHoldsTheSwitchAndAHostThatNeverReportsDoesNot() {
        var tracker = BargeInTracker(wireBytesPerMs: 48, serverInterrupts: true)
        tracker.responseCreated("r1")
        tracker.audioReceived(itemID: "a1", responseID: "r1", contentIndex: 0, bytes: 48 * 1000)
        tracker.responseDone("r1")
        XCTAssertFalse(tracker.isReplyPlaying)  // never reported
        _ = tracker.played(itemID: "a1", ms: 400)
        XCTAssertTrue(tracker.isReplyPlaying)
        _ = tracker.played(itemID: "a1", ms: 1000)
        XCTAssertFalse(tracker.isReplyPlaying)  // all played
    }
}
