import AzAudioCore
import XCTest

/// The barge-in decision (`BargeInTracker`): what is cancelled, truncated and flushed when the user starts
/// speaking, and the clamping of the truncation position. Wire audio here is PCM16 24 kHz: 48 bytes per ms.
final class RealtimeBargeInTests: XCTestCase {
    typealias Cut = BargeInDecision.Truncation

    /// A tracker with one response running and `receivedMs` of its item's audio received.
    func streaming(receivedMs: Int, serverInterrupts: Bool = true) -> BargeInTracker {
        var t = BargeInTracker(wireBytesPerMs: 48, serverInterrupts: serverInterrupts)
        t.responseCreated("resp_1")
        t.audioReceived(itemID: "item_1", responseID: "resp_1", contentIndex: 0, bytes: receivedMs * 48)
        return t
    }

    func testTruncatesAtThePlayedPosition() {
        var t = streaming(receivedMs: 1000)
        XCTAssertTrue(t.played(itemID: "item_1", ms: 420))
        let d = t.speechStarted()
        XCTAssertEqual(d.truncate, Cut(itemID: "item_1", contentIndex: 0, audioEndMs: 420))
        XCTAssertEqual(d.flush, Cut(itemID: "item_1", contentIndex: 0, audioEndMs: 420))
    }

    func testClampsThePositionToTheAudioReceived() {
        var t = streaming(receivedMs: 700)
        t.played(itemID: "item_1", ms: 5000)
        let d = t.speechStarted()
        XCTAssertEqual(d.truncate?.audioEndMs, 700)
        XCTAssertEqual(d.flush?.audioEndMs, 700)
    }

    func testReceivedMillisecondsRoundDown() {
        var t = BargeInTracker(wireBytesPerMs: 48, serverInterrupts: true)
        t.responseCreated("r")
        t.audioReceived(itemID: "i", responseID: "r", contentIndex: 0, bytes: 48 * 300 + 47)
        t.played(itemID: "i", ms: 10_000)
        XCTAssertEqual(t.speechStarted().truncate?.audioEndMs, 300)
    }

    func testNoTruncateWhenNothingWasPlayedButTheHostStillFlushes() {
        var t = streaming(receivedMs: 500)
        let d = t.speechStarted()
        XCTAssertNil(d.truncate)
        XCTAssertEqual(d.flush, Cut(itemID: "item_1", contentIndex: 0, audioEndMs: 0))
    }

    func testCancelsOnlyWhenTheServerDoesNot() {
        var serverCancels = streaming(receivedMs: 500, serverInterrupts: true)
        XCTAssertNil(serverCancels.speechStarted().cancelResponseID)
        var clientCancels = streaming(receivedMs: 500, serverInterrupts: false)
        XCTAssertEqual(clientCancels.speechStarted().cancelResponseID, "resp_1")
    }

    func testAFinishedResponseNotAllPlayedIsStillCutButNotCancelled() {
        var t = streaming(receivedMs: 2000, serverInterrupts: false)
        t.responseDone("resp_1")
        t.played(itemID: "item_1", ms: 1200)
        let d = t.speechStarted()
        XCTAssertNil(d.cancelResponseID)
        XCTAssertEqual(d.truncate?.audioEndMs, 1200)
    }

    func testNothingHappensOnceTheReplyWasAllPlayed() {
        var t = streaming(receivedMs: 2000)
        t.responseDone("resp_1")
        t.played(itemID: "item_1", ms: 2000)
        XCTAssertTrue(t.speechStarted().isEmpty)
    }

    func testNothingHappensWithNoResponseAtAll() {
        var t = BargeInTracker(wireBytesPerMs: 8, serverInterrupts: true)
        XCTAssertTrue(t.speechStarted().isEmpty)
    }

    func testAResponseWithoutAudioYetIsCancelledAndItsLaterAudioDropped() {
        var t = BargeInTracker(wireBytesPerMs: 48, serverInterrupts: false)
        t.responseCreated("resp_2")
        let d = t.speechStarted()
        XCTAssertEqual(d.cancelResponseID, "resp_2")
        XCTAssertNil(d.flush)
        XCTAssertTrue(t.shouldDrop(itemID: "item_9", responseID: "resp_2"))
        t.responseDone("resp_2")
        XCTAssertFalse(t.shouldDrop(itemID: "item_9", responseID: "resp_3"))
    }

    func testEachItemIsCutOnceAndItsLateAudioDropped() {
        var t = streaming(receivedMs: 1000)
        t.played(itemID: "item_1", ms: 100)
        XCTAssertFalse(t.speechStarted().isEmpty)
        XCTAssertTrue(t.shouldDrop(itemID: "item_1", responseID: "resp_1"))
        XCTAssertTrue(t.speechStarted().isEmpty)  // the user keeps talking: nothing more to do
    }

    func testTheLatestItemIsCutAndItsContentIndexKept() {
        var t = BargeInTracker(wireBytesPerMs: 8, serverInterrupts: true)  // G.711: 8 bytes per ms
        t.responseCreated("r")
        t.audioReceived(itemID: "a", responseID: "r", contentIndex: 0, bytes: 8000)
        t.audioReceived(itemID: "b", responseID: "r", contentIndex: 1, bytes: 4000)
        t.played(itemID: "b", ms: 250)
        XCTAssertEqual(t.speechStarted().truncate, Cut(itemID: "b", contentIndex: 1, audioEndMs: 250))
    }

    func testPlayedReportsOnlyGoForwardAndNeedAKnownItem() {
        var t = streaming(receivedMs: 1000)
        t.played(itemID: "item_1", ms: 600)
        t.played(itemID: "item_1", ms: 200)
        XCTAssertEqual(t.playedMs(itemID: "item_1"), 600)
        XCTAssertFalse(t.played(itemID: "resp_1", ms: 10))
    }

    func testADeletedItemIsForgotten() {
        var t = streaming(receivedMs: 1000)
        t.itemDeleted("item_1")
        XCTAssertEqual(t.receivedMs(itemID: "item_1"), 0)
        XCTAssertNil(t.speechStarted().flush)
    }

    func testALongSessionForgetsOldItems() {
        var t = BargeInTracker(wireBytesPerMs: 8, serverInterrupts: true)
        for i in 0..<2000 { t.audioReceived(itemID: "item_\(i)", responseID: "r\(i)", contentIndex: 0, bytes: 80) }
        XCTAssertEqual(t.receivedMs(itemID: "item_1999"), 10)
        XCTAssertEqual(t.receivedMs(itemID: "item_0"), 0)
    }

    /// The next delta of the latest item skips the lookup: audio still counts to the right item across other
    /// items, a deletion, played reports, a copy of the tracker and the forgetting of old items.
    func testAudioCountsToItsOwnItemWhateverCameBetween() {
        var t = BargeInTracker(wireBytesPerMs: 8, serverInterrupts: true)
        t.audioReceived(itemID: "item_a", responseID: "r1", contentIndex: 0, bytes: 80)
        t.audioReceived(itemID: "item_a", responseID: "r1", contentIndex: 0, bytes: 80)
        t.audioReceived(itemID: "item_b", responseID: "r1", contentIndex: 0, bytes: 8)
        t.audioReceived(itemID: "item_a", responseID: "r1", contentIndex: 0, bytes: 80)
        XCTAssertEqual(t.receivedBytes(itemID: "item_a"), 240)
        XCTAssertEqual(t.receivedBytes(itemID: "item_b"), 8)
        t.itemDeleted("item_a")
        t.audioReceived(itemID: "item_a", responseID: "r1", contentIndex: 0, bytes: 16)
        XCTAssertEqual(t.receivedBytes(itemID: "item_a"), 16)
        t.played(itemID: "item_a", ms: 1)
        t.audioReceived(itemID: "item_a", responseID: "r1", contentIndex: 1, bytes: 16)
        let before = t
        t.audioReceived(itemID: "item_a", responseID: "r1", contentIndex: 1, bytes: 16)
        XCTAssertEqual(t.receivedBytes(itemID: "item_a"), 48)
        XCTAssertEqual(before.receivedBytes(itemID: "item_a"), 32)
        XCTAssertEqual(t.playedMs(itemID: "item_a"), 1)
        for i in 0..<600 { t.audioReceived(itemID: "item_\(i)", responseID: "r2", contentIndex: 0, bytes: 8) }
        t.audioReceived(itemID: "item_599", responseID: "r2", contentIndex: 0, bytes: 8)
        XCTAssertEqual(t.receivedBytes(itemID: "item_599"), 16)
        XCTAssertNil(t.receivedBytes(itemID: "item_a"))
    }
}
