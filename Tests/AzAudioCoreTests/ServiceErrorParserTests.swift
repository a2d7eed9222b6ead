import XCTest

@testable import AzAudioCore

final class ServiceErrorParserTests: XCTestCase {
    func headers(_ pairs: [(String, String)]) -> HTTPHeaders { HTTPHeaders(pairs) }

    func testAzureErrorBodyGivesCodeMessageAndRequestID() {
        let body = Array(
            #"{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}"#
                .utf8)
        let e = ServiceErrorParser.error(status: 404, headers: headers([("apim-request-id", "abc-123")]), body: body)
        XCTAssertEqual(e.kind, .notFound)
        XCTAssertEqual(e.serviceCode, "DeploymentNotFound")
        XCTAssertEqual(e.requestID, "abc-123")
        XCTAssertEqual(e.httpStatus, 404)
        XCTAssertEqual(
            e.message,
            "HTTP 404 DeploymentNotFound: The API deployment for this resource does not exist. (apim-request-id: abc-123)"
        )
        XCTAssertEqual(e.rawBody, String(decoding: body, as: UTF8.self))
    }

    func testNumericOrStringCodeAndRetryAfter() {
        let body = Array(#"{"error":{"code":429,"message":"Rate limit"}}"#.utf8)
        let e = ServiceErrorParser.error(status: 429, headers: headers([("retry-after", "7")]), body: body)
        XCTAssertEqual(e.kind, .rateLimited)
        XCTAssertEqual(e.serviceCode, "429")
        XCTAssertEqual(e.retryAfterSeconds, 7)
    }

    func testContentFilterFromCodeOrInnerError() {
        let a = ServiceErrorParser.error(
            status: 400, headers: HTTPHeaders(),
            body: Array(#"{"error":{"code":"content_filter","message":"blocked"}}"#.utf8))
        XCTAssertEqual(a.kind, .contentFilter)
        let b = ServiceErrorParser.error(
            status: 400, headers: HTTPHeaders(),
            body: Array(#"{"error":{"code":"x","innererror":{"code":"ResponsibleAIPolicyViolation"}}}"#.utf8))
        XCTAssertEqual(b.kind, .contentFilter)
        let c = ServiceErrorParser.error(
            status: 400, headers: HTTPHeaders(),
            body: Array(#"{"error":{"code":"x","inner_error":{"code":"ResponsibleAIPolicyViolation"}}}"#.utf8))
        XCTAssertEqual(c.kind, .contentFilter)
    }

    func testAPIManagementShapeAndPlainTextBodies() {
        let apim = ServiceErrorParser.error(
            status: 401, headers: HTTPHeaders(),
            body: Array(#"{"statusCode":401,"message":"Access denied due to invalid subscription key."}"#.utf8))
        XCTAssertEqual(apim.kind, .auth)
        XCTAssertTrue(apim.message.contains("Access denied"))
        let plain = ServiceErrorParser.error(
            status: 502, headers: HTTPHeaders(), body: Array("<html>Bad Gateway</html>".utf8))
        XCTAssertEqual(plain.kind, .server)
        XCTAssertTrue(plain.message.hasPrefix("HTTP 502: <html>Bad Gateway"))
        let empty = ServiceErrorParser.error(status: 503, headers: HTTPHeaders(), body: [])
        XCTAssertEqual(empty.message, "HTTP 503: service unavailable")
    }

    func testStatusKinds() {
        let expected: [(Int, ErrorKind)] = [
            (400, .badRequest), (401, .auth), (403, .auth), (404, .notFound),
            (408, .timeout), (413, .payloadTooLarge), (415, .unsupported), (429, .rateLimited), (500, .server),
            (503, .server), (418, .http),
        ]
        for (status, kind) in expected {
            XCTAssertEqual(
                ServiceErrorParser.error(status: status, headers: HTTPHeaders(), body: []).kind, kind, "\(status)")
        }
    }

    func testHugeBodyIsCapped() {
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 200_000)
        let e = ServiceErrorParser.error(status: 500, headers: HTTPHeaders(), body: body)
        XCTAssertEqual(e.rawBody.utf8.count, ServiceErrorParser.maxRawBody)
        XCTAssertLessThan(e.message.count, 400)
    }
}
