import AzAudioCore
import XCTest

/// Errors from the retired preview realtime protocol point to the GA one.
final class PreviewRetirementHintTests: XCTestCase {
    func testAServiceRefusalOnThePreviewProtocolNamesTheGAProtocol() {
        let refused = AzError(.notFound, "Resource not found", httpStatus: 404)
        let hinted = RealtimeProtocol.preview(apiVersion: "2025-04-01-preview").suggestingGA(refused)
        XCTAssertTrue(hinted.message.hasPrefix("Resource not found (this was the preview realtime protocol"))
        XCTAssertTrue(hinted.message.contains("/openai/v1/realtime?model=DEPLOYMENT"))
        XCTAssertEqual(hinted.kind, .notFound)
        XCTAssertEqual(hinted.httpStatus, 404)
    }

    func testGAErrorsAndLocalFailuresAreLeftAlone() {
        let refused = AzError(.notFound, "Resource not found", httpStatus: 404)
        XCTAssertEqual(RealtimeProtocol.ga.suggestingGA(refused).message, "Resource not found")
        let local = AzError(.network, "connection refused")
        XCTAssertEqual(
            RealtimeProtocol.preview(apiVersion: "2025-04-01-preview").suggestingGA(local).message,
            "connection refused")
    }
}
