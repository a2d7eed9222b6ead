import Foundation
import XCTest

@testable import AzAudioCore

final class ServiceClientTests: XCTestCase {
    func client(
        _ server: ScriptedHTTPServer, credential: Credential = .apiKey("test-key"), maxRetries: Int = 2,
        timeoutMs: UInt32 = 0
    ) throws -> ServiceClient {
        let configuration = try ClientConfiguration(
            endpoint: server.url, credential: credential,
            retry: RetryPolicy(maxRetries: maxRetries, maxServerWait: 5, baseDelay: 0.01, maxBackoff: 0.05),
            timeoutMs: timeoutMs)
        return try ServiceClient(configuration: configuration)
    }

    func post(_ client: ServiceClient, settings: CallSettings = CallSettings()) throws -> (HTTPResponseHead, [UInt8]) {
        var body: [UInt8] = []
        let handler = ResponseHandler(onBody: { chunk in body.append(contentsOf: chunk) })
        let request = HTTPRequest(
            method: "POST", url: client.url(deployment: "whisper", operation: "audio/transcriptions"),
            headers: [("Content-Type", "application/json")], body: .bytes(Array("{}".utf8)))
        let head = try client.execute(request, settings: settings, handler: handler)
        return (head, body)
    }

    func testSuccessDeliversBodyAndSendsKeyAndPath() throws {
        let server = try ScriptedHTTPServer([
            .response(status: 200, headers: [("apim-request-id", "r1")], body: Array("hello".utf8))
        ])
        defer { server.stop() }
        let (head, body) = try post(try client(server))
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.headers.requestID, "r1")
        XCTAssertEqual(String(decoding: body, as: UTF8.self), "hello")
        let request = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(request.path, "/openai/deployments/whisper/audio/transcriptions?api-version=2025-04-01-preview")
        XCTAssertEqual(request.headers["api-key"], "test-key")
        XCTAssertEqual(request.body, Array("{}".utf8))
        XCTAssertTrue(request.headers["user-agent"]?.hasPrefix("libazaudio/") ?? false)
    }

    func testRateLimitIsRetriedAfterTheRequestedWaitThenSucceeds() throws {
        let server = try ScriptedHTTPServer([
            .response(
                status: 429, headers: [("retry-after-ms", "300"), ("retry-after", "30")],
                body: Array(#"{"error":{"code":"429","message":"slow down"}}"#.utf8)),
            .response(status: 200, body: Array("ok".utf8)),
        ])
        defer { server.stop() }
        let started = Date()
        let (head, _) = try post(try client(server))
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(server.requests.count, 2)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.29)
    }

    func testServerErrorsAreRetriedUntilTheLimit() throws {
        let server = try ScriptedHTTPServer([.response(status: 500), .response(status: 503), .response(status: 502)])
        defer { server.stop() }
        XCTAssertThrowsError(try post(try client(server, maxRetries: 2))) { error in
            let e = error as! AzError
            XCTAssertEqual(e.kind, .server)
            XCTAssertEqual(e.httpStatus, 502)
            XCTAssertTrue(e.message.contains("after 3 attempts"), e.message)
        }
        XCTAssertEqual(server.requests.count, 3)
    }

    func testAWaitLongerThanTheCapFailsAtOnceAndSaysSo() throws {
        let server = try ScriptedHTTPServer([.response(status: 429, headers: [("retry-after", "86400")])])
        defer { server.stop() }
        XCTAssertThrowsError(try post(try client(server))) { error in
            let e = error as! AzError
            XCTAssertEqual(e.kind, .rateLimited)
            XCTAssertEqual(e.retryAfterSeconds, 86400)
            XCTAssertTrue(e.message.contains("asked to wait 86400 s"), e.message)
        }
        XCTAssertEqual(server.requests.count, 1)
    }

    func testClientErrorsAreNotRetried() throws {
        let server = try ScriptedHTTPServer([
            .response(
                status: 404, headers: [("apim-request-id", "q")],
                body: Array(#"{"error":{"code":"DeploymentNotFound","message":"no such deployment"}}"#.utf8))
        ])
        defer { server.stop() }
        XCTAssertThrowsError(try post(try client(server))) { error in
            let e = error as! AzError
            XCTAssertEqual(e.kind, .notFound)
            XCTAssertEqual(e.serviceCode, "DeploymentNotFound")
            XCTAssertEqual(e.requestID, "q")
        }
        XCTAssertEqual(server.requests.count, 1)
    }

    func testTokenProviderIsAskedAgainAfterA401() throws {
        let server = try ScriptedHTTPServer([.response(status: 401), .response(status: 200)])
        defer { server.stop() }
        let calls = Locked<[Bool]>([])
        let credential = Credential.tokenProvider { refresh in
            calls.withLock { $0.append(refresh) }
            return refresh ? "fresh-token" : "stale-token"
        }
        let (head, _) = try post(try client(server, credential: credential))
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(calls.withLock { $0 }, [false, true])
        XCTAssertEqual(
            server.requests.map { $0.headers["authorization"] }, ["Bearer stale-token", "Bearer fresh-token"])
    }

    func testACutConnectionMidBodyIsANetworkErrorAndIsNotRetried() throws {
        let server = try ScriptedHTTPServer([
            .cutMidBody(declaredLength: 1000, sent: Array("partial".utf8)),
            .response(status: 200),
        ])
        defer { server.stop() }
        XCTAssertThrowsError(try post(try client(server))) { error in
            let e = error as! AzError
            XCTAssertEqual(e.kind, .network)
            XCTAssertTrue(e.message.contains("cut off"), e.message)
        }
        XCTAssertEqual(server.requests.count, 1)
    }

    func testAConnectionClosedBeforeAnswerIsRetried() throws {
        let server = try ScriptedHTTPServer([.close, .response(status: 200, body: Array("ok".utf8))])
        defer { server.stop() }
        let (head, body) = try post(try client(server))
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(body, Array("ok".utf8))
    }

    func testConnectionRefusedIsANetworkError() throws {
        let server = try ScriptedHTTPServer([])
        let url = server.url
        server.stop()
        let configuration = try ClientConfiguration(
            endpoint: url, credential: .apiKey("k"),
            retry: RetryPolicy(maxRetries: 1, baseDelay: 0.01))
        XCTAssertThrowsError(try post(try ServiceClient(configuration: configuration))) { error in
            XCTAssertEqual((error as! AzError).kind, .network)
        }
    }

    func testCancelFromAnotherThreadReturnsPromptly() throws {
        let server = try ScriptedHTTPServer([.delayed(seconds: 5, .response(status: 200))])
        defer { server.stop() }
        let token = CancellationToken()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { token.cancel() }
        let started = Date()
        XCTAssertThrowsError(try post(try client(server), settings: CallSettings(cancel: token))) { error in
            XCTAssertEqual((error as! AzError).kind, .cancelled)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
    }

    func testCancelDuringARetryWaitReturnsPromptly() throws {
        let server = try ScriptedHTTPServer([.response(status: 429, headers: [("retry-after", "4")])])
        defer { server.stop() }
        let token = CancellationToken()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { token.cancel() }
        let started = Date()
        XCTAssertThrowsError(try post(try client(server), settings: CallSettings(cancel: token))) { error in
            XCTAssertEqual((error as! AzError).kind, .cancelled)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
    }

    func testTotalTimeoutCutsASlowResponse() throws {
        let server = try ScriptedHTTPServer([.delayed(seconds: 5, .response(status: 200))])
        defer { server.stop() }
        XCTAssertThrowsError(try post(try client(server, timeoutMs: 300))) { error in
            XCTAssertEqual((error as! AzError).kind, .timeout)
        }
    }

    func testConnectionsAreReusedAcrossCalls() throws {
        let server = try ScriptedHTTPServer(Array(repeating: .response(status: 200, body: [1]), count: 5))
        defer { server.stop() }
        let c = try client(server)
        for _ in 0..<5 { _ = try post(c) }
        XCTAssertEqual(server.requests.count, 5)
        XCTAssertEqual(server.connectionCount, 1)
    }

    func testLogLinesDescribeRequestsAndNeverContainTheKey() throws {
        let server = try ScriptedHTTPServer([
            .response(status: 503, headers: [("retry-after-ms", "10")]),
            .response(status: 200, headers: [("apim-request-id", "rid-9")]),
        ])
        defer { server.stop() }
        let lines = Locked<[String]>([])
        let configuration = try ClientConfiguration(
            endpoint: server.url, credential: .apiKey("SECRET-KEY-XYZ"), retry: RetryPolicy(maxRetries: 2),
            logger: Logger(level: .debug) { _, line in lines.withLock { $0.append(line) } })
        _ = try post(try ServiceClient(configuration: configuration))
        let all = lines.withLock { $0 }
        XCTAssertTrue(all.contains { $0.contains("-> 503") }, "\(all)")
        XCTAssertTrue(all.contains { $0.contains("retrying POST") }, "\(all)")
        XCTAssertTrue(all.contains { $0.contains("-> 200") && $0.contains("rid-9") }, "\(all)")
        XCTAssertFalse(all.contains { $0.contains("SECRET-KEY") })
        XCTAssertFalse(all.contains { $0.contains("api-version") }, "query strings stay out of log lines")
    }
}
