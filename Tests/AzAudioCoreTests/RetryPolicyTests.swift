import XCTest

@testable import AzAudioCore

final class RetryPolicyTests: XCTestCase {
    func testRetryAfterMsWinsOverTheOthers() {
        let h = HTTPHeaders([("retry-after", "30"), ("x-ms-retry-after-ms", "2000"), ("retry-after-ms", "1500")])
        XCTAssertEqual(RetryPolicy.serverRequestedWait(h), 1.5)
        XCTAssertEqual(
            RetryPolicy.serverRequestedWait(HTTPHeaders([("retry-after", "30"), ("x-ms-retry-after-ms", "2000")])), 2.0)
        XCTAssertEqual(RetryPolicy.serverRequestedWait(HTTPHeaders([("Retry-After", "30")])), 30)
        XCTAssertNil(RetryPolicy.serverRequestedWait(HTTPHeaders([("retry-after", "soon")])))
        XCTAssertNil(RetryPolicy.serverRequestedWait(HTTPHeaders([("retry-after-ms", "-5")])))
    }

    func testRetryAfterAsHTTPDate() {
        let now = RetryPolicy.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT")!
        XCTAssertEqual(now, 784_111_777)
        let wait = RetryPolicy.serverRequestedWait(
            HTTPHeaders([("retry-after", "Sun, 06 Nov 1994 08:50:07 GMT")]), now: now)
        XCTAssertEqual(wait, 30)
        XCTAssertNil(RetryPolicy.parseHTTPDate("Sun, 32 Nov 1994 08:49:37 GMT"))
        XCTAssertNil(RetryPolicy.parseHTTPDate("yesterday"))
    }

    func testServerRequestedWaitIsHonouredWithinTheCap() {
        let policy = RetryPolicy(maxRetries: 2, maxServerWait: 60)
        XCTAssertEqual(
            policy.decide(retriesDone: 0, retryable: true, headers: HTTPHeaders([("retry-after-ms", "250")])),
            .retry(afterSeconds: 0.25))
    }

    func testAWaitOverTheCapIsReportedNotSlept() {
        let policy = RetryPolicy(maxRetries: 2, maxServerWait: 60)
        XCTAssertEqual(
            policy.decide(retriesDone: 0, retryable: true, headers: HTTPHeaders([("retry-after", "86400")])),
            .waitTooLong(seconds: 86400))
    }

    func testBackoffDoublesWithJitterWithinBounds() {
        let policy = RetryPolicy(maxRetries: 10, baseDelay: 0.5, maxBackoff: 8)
        XCTAssertEqual(policy.backoff(retriesDone: 0, random: { 0 }), 0.25)
        XCTAssertEqual(policy.backoff(retriesDone: 0, random: { 1 }), 0.5)
        XCTAssertEqual(policy.backoff(retriesDone: 2, random: { 1 }), 2.0)
        XCTAssertEqual(policy.backoff(retriesDone: 10, random: { 1 }), 8.0)
        XCTAssertEqual(policy.backoff(retriesDone: 60, random: { 0.5 }), 6.0)
    }

    func testGivesUpWhenRetriesAreExhaustedOrTheFailureIsNotRetryable() {
        let policy = RetryPolicy(maxRetries: 1)
        XCTAssertEqual(policy.decide(retriesDone: 1, retryable: true, headers: HTTPHeaders()), .giveUp)
        XCTAssertEqual(policy.decide(retriesDone: 0, retryable: false, headers: HTTPHeaders()), .giveUp)
        XCTAssertEqual(
            RetryPolicy(maxRetries: 0).decide(retriesDone: 0, retryable: true, headers: HTTPHeaders()), .giveUp)
    }

    func testRetryableStatuses() {
        for s in [429, 500, 502, 503, 504] { XCTAssertTrue(RetryPolicy.isRetryableStatus(s)) }
        for s in [400, 401, 404, 413, 501] { XCTAssertFalse(RetryPolicy.isRetryableStatus(s)) }
    }
}
