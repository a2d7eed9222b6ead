import XCTest

@testable import AzAudioCore

final class UploadProgressThrottleTests: XCTestCase {
    /// Collects what a throttle reports.
    final class Recorder: @unchecked Sendable {
        let reports = Locked<[UploadProgress]>([])
        var handler: UploadProgressHandler {
            { (p: UploadProgress) throws(AzError) in self.reports.withLock { $0.append(p) } }
        }
        var all: [UploadProgress] { reports.withLock { $0 } }
    }

    func testTicksCloserThanTheIntervalAreNotReported() throws {
        let r = Recorder()
        var t = UploadProgressThrottle(handler: r.handler, interval: 0.1, now: 0)
        try t.observe(sent: 10, total: 100, now: 0.05)
        try t.observe(sent: 20, total: 100, now: 0.10)
        try t.observe(sent: 30, total: 100, now: 0.15)
        try t.observe(sent: 40, total: 100, now: 0.21)
        XCTAssertEqual(r.all, [UploadProgress(sent: 20, total: 100), UploadProgress(sent: 40, total: 100)])
    }

    func testTheFinalCountIsReportedAtOnceAndOnlyOnce() throws {
        let r = Recorder()
        var t = UploadProgressThrottle(handler: r.handler, interval: 0.1, now: 0)
        try t.observe(sent: 100, total: 100, now: 0.01)
        try t.observe(sent: 100, total: 100, now: 0.5)
        try t.complete(sent: 100, total: 100)
        XCTAssertEqual(r.all, [UploadProgress(sent: 100, total: 100)])
        XCTAssertTrue(t.finished)
    }

    func testAnUnchangedCountIsNotReportedTwice() throws {
        let r = Recorder()
        var t = UploadProgressThrottle(handler: r.handler, interval: 0.1, now: 0)
        try t.observe(sent: 50, total: 100, now: 0.2)
        try t.observe(sent: 50, total: 100, now: 0.4)
        try t.observe(sent: 0, total: 100, now: 0.6)
        XCTAssertEqual(r.all, [UploadProgress(sent: 50, total: 100)])
    }

    func testCompletingAnUnknownLengthReportsTheCountAsTheTotal() throws {
        let r = Recorder()
        var t = UploadProgressThrottle(handler: r.handler, interval: 0.1, now: 0)
        try t.observe(sent: 500, total: 0, now: 0.2)
        try t.complete(sent: 900, total: 0)
        XCTAssertEqual(r.all, [UploadProgress(sent: 500, total: 0), UploadProgress(sent: 900, total: 900)])
    }

    func testCompletingShortOfAKnownLengthReportsNothing() throws {
        let r = Recorder()
        var t = UploadProgressThrottle(handler: r.handler, interval: 0.1, now: 0)
        try t.complete(sent: 60, total: 100)
        try t.complete(sent: 0, total: 0)
        XCTAssertEqual(r.all, [])
    }

    func testAThrowingHandlerPassesItsErrorOn() {
        var t = UploadProgressThrottle(
            handler: { (_: UploadProgress) throws(AzError) in throw AzError(.cancelled, "stop") }, interval: 0.1, now: 0
        )
        XCTAssertThrowsError(try t.observe(sent: 1, total: 1, now: 0)) { error in
            XCTAssertEqual((error as! AzError).kind, .cancelled)
        }
    }
}

final class UploadProgressTransportTests: XCTestCase {
    func client(_ server: ScriptedHTTPServer) throws -> ServiceClient {
        let configuration = try ClientConfiguration(
            endpoint: server.url, credential: .apiKey("test-key"),
            retry: RetryPolicy(maxRetries: 2, maxServerWait: 5, baseDelay: 0.01, maxBackoff: 0.05), timeoutMs: 0)
        return try ServiceClient(configuration: configuration)
    }

    func post(_ client: ServiceClient, body: [UInt8], progress: @escaping UploadProgressHandler) throws -> Int {
        let request = HTTPRequest(
            method: "POST", url: client.url(deployment: "whisper", operation: "audio/transcriptions"),
            headers: [("Content-Type", "application/octet-stream")], body: .bytes(body))
        let head = try client.execute(
            request, settings: CallSettings(onUploadProgress: progress),
            handler: ResponseHandler(onBody: { _ in }))
        return head.status
    }

    func testTheLastReportIsTheWholeBody() throws {
        let server = try ScriptedHTTPServer([.response(status: 200, body: Array("ok".utf8))])
        defer { server.stop() }
        let reports = Locked<[UploadProgress]>([])
        let body = [UInt8](repeating: 7, count: 300_000)
        XCTAssertEqual(try post(try client(server), body: body) { p in reports.withLock { $0.append(p) } }, 200)
        let seen = reports.withLock { $0 }
        XCTAssertEqual(seen.last, UploadProgress(sent: 300_000, total: 300_000))
        XCTAssertEqual(seen.map(\.sent), seen.map(\.sent).sorted())
        XCTAssertEqual(seen.filter(\.isComplete).count, 1)
    }

    func testARetryReportsTheUploadAgainFromTheStart() throws {
        let server = try ScriptedHTTPServer([.response(status: 503), .response(status: 200)])
        defer { server.stop() }
        let reports = Locked<[UploadProgress]>([])
        let body = [UInt8](repeating: 1, count: 1000)
        XCTAssertEqual(try post(try client(server), body: body) { p in reports.withLock { $0.append(p) } }, 200)
        XCTAssertEqual(
            reports.withLock { $0 },
            [
                UploadProgress(sent: 1000, total: 1000),
                UploadProgress(sent: 1000, total: 1000),
            ])
    }

    func testAHandlerThatThrowsStopsTheCallWithoutARetry() throws {
        let server = try ScriptedHTTPServer([.response(status: 200), .response(status: 200)])
        defer { server.stop() }
        XCTAssertThrowsError(
            try post(try client(server), body: [1, 2, 3]) { (_: UploadProgress) throws(AzError) in
                throw AzError(.cancelled, "stopped by the test")
            }
        ) { error in
            XCTAssertEqual((error as! AzError).kind, .cancelled)
            XCTAssertEqual((error as! AzError).message, "stopped by the test")
        }
        XCTAssertLessThanOrEqual(server.requests.count, 1)
    }
}
