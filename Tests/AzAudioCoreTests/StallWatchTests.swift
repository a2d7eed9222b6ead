import XCTest

@testable import AzAudioCore

/// The REST stall rules as pure state (issue 18 item 6), and the redirect error (never followed, host named).
final class StallWatchTests: XCTestCase {
    func testIdleFailsOnlyAfterTheLimitWithNothingMovingEitherWay() {
        var w = StallWatch(idleTimeoutMs: 2000, minBodyBytesPerSecond: 0, bodyRateWindowMs: 0, now: 0)
        XCTAssertNil(w.observe(now: 1.0, uploaded: 100, downloaded: 0))  // upload moving
        XCTAssertNil(w.observe(now: 2.9, uploaded: 100, downloaded: 0))  // 1.9 s quiet
        XCTAssertNil(w.observe(now: 3.5, uploaded: 100, downloaded: 5))  // a byte in: the clock restarts
        let e = w.observe(now: 5.5, uploaded: 100, downloaded: 5)
        XCTAssertEqual(e?.kind, .timeout)
        XCTAssertTrue(e?.message.contains("idle_timeout_ms") == true)
    }

    func testAThinkingServerIsNotIdleBeforeTheLimit() {
        // A transcription may think for minutes before its first byte: the default waits 600 s.
        var w = StallWatch(idleTimeoutMs: 600_000, minBodyBytesPerSecond: 64, bodyRateWindowMs: 60_000, now: 0)
        XCTAssertNil(w.observe(now: 0.5, uploaded: 25_000_000, downloaded: 0))
        XCTAssertNil(w.observe(now: 599, uploaded: 25_000_000, downloaded: 0))
        XCTAssertEqual(w.observe(now: 601, uploaded: 25_000_000, downloaded: 0)?.kind, .timeout)
    }

    func testATrickledBodyFailsAtTheEndOfAWindowBelowTheRate() {
        var w = StallWatch(idleTimeoutMs: 0, minBodyBytesPerSecond: 100, bodyRateWindowMs: 10_000, now: 0)
        XCTAssertNil(w.observe(now: 1, uploaded: 0, downloaded: 10))  // the body starts: the window opens
        XCTAssertNil(w.observe(now: 6, uploaded: 0, downloaded: 500))
        let e = w.observe(now: 11, uploaded: 0, downloaded: 900)  // 890 bytes in 10 s < 1000
        XCTAssertEqual(e?.kind, .timeout)
        XCTAssertTrue(e?.message.contains("trickled") == true)
    }

    func testABodyAtTheRateGoesOnWindowAfterWindow() {
        var w = StallWatch(idleTimeoutMs: 0, minBodyBytesPerSecond: 100, bodyRateWindowMs: 10_000, now: 0)
        var bytes: Int64 = 1
        XCTAssertNil(w.observe(now: 0, uploaded: 0, downloaded: bytes))
        for second in 1...60 {
            bytes += 150
            XCTAssertNil(w.observe(now: Double(second), uploaded: 0, downloaded: bytes))
        }
    }

    func testZeroTurnsEachRuleOff() {
        var w = StallWatch(idleTimeoutMs: 0, minBodyBytesPerSecond: 0, bodyRateWindowMs: 0, now: 0)
        XCTAssertNil(w.observe(now: 1e6, uploaded: 0, downloaded: 1))
        XCTAssertNil(w.observe(now: 2e6, uploaded: 0, downloaded: 1))
    }

    func testARedirectIsAnHTTPErrorNamingTheLocationHostOnly() {
        let e = ServiceErrorParser.error(
            status: 302, headers: HTTPHeaders([("Location", "https://user:pw@portal.example.net:8443/login?key=x")]),
            body: Array("<html>moved</html>".utf8))
        XCTAssertEqual(e.kind, .http)
        XCTAssertEqual(e.httpStatus, 302)
        XCTAssertTrue(e.message.contains("host 'portal.example.net:8443'"), e.message)
        XCTAssertFalse(e.message.contains("key=x") || e.message.contains("pw@"), e.message)
        XCTAssertTrue(
            ServiceErrorParser.error(status: 301, headers: HTTPHeaders([("Location", "/elsewhere")]), body: [])
                .message.contains("another path on the endpoint's host"))
    }

    func testSpeechAnswersMustBeAudio() {
        for ok in [
            "audio/mpeg", "audio/wav", "Audio/PCM", "text/event-stream; charset=utf-8", "application/octet-stream",
        ] {
            XCTAssertTrue(SpeechAnswer.isAudio(contentType: ok), ok)
        }
        for bad in ["", "text/html; charset=utf-8", "application/json", "text/plain", "image/png"] {
            XCTAssertFalse(SpeechAnswer.isAudio(contentType: bad), bad)
        }
    }
}
