import AzAudioCore
import XCTest

/// The server-sent events parser, fed in every possible split.
final class RESTSSEParserTests: XCTestCase {
    private func parse(_ text: String, chunk: Int) throws -> [SSEEvent] {
        var parser = SSEParser()
        var events: [SSEEvent] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let end = min(bytes.count, i + chunk)
            try parser.feed(Array(bytes[i..<end])) { events.append($0) }
            i = end
        }
        return events
    }

    private let stream =
        ": keep-alive comment\r\n"
        + "event: transcript.text.delta\r\ndata: {\"delta\":\"Hel\"}\r\n\r\n"
        + "data: line one\ndata: line two\n\n"
        + "id: 7\rdata: cr only\r\r"
        + "data:no-space\n\n"
        + "data: [DONE]\n\n"
        + "data: unterminated"

    func testEveryChunkingGivesTheSameEvents() throws {
        let whole = try parse(stream, chunk: stream.utf8.count)
        XCTAssertEqual(
            whole,
            [
                SSEEvent(name: "transcript.text.delta", data: "{\"delta\":\"Hel\"}"),
                SSEEvent(data: "line one\nline two"),
                SSEEvent(data: "cr only", id: "7"),
                SSEEvent(data: "no-space", id: "7"),
                SSEEvent(data: "[DONE]", id: "7"),
            ])
        XCTAssertTrue(whole.last!.isDoneSentinel)
        for chunk in 1...12 { XCTAssertEqual(try parse(stream, chunk: chunk), whole, "chunk size \(chunk)") }
    }

    func testAnEventWithoutItsBlankLineIsNotDispatched() throws {
        var parser = SSEParser()
        var count = 0
        try parser.feed(Array("data: half".utf8)) { _ in count += 1 }
        XCTAssertEqual(count, 0)
        XCTAssertTrue(parser.hasPendingEvent)
    }

    func testMultiByteUTF8SplitAcrossChunksSurvives() throws {
        let text = "data: h\u{e9}llo \u{1F600}\n\n"
        XCTAssertEqual(try parse(text, chunk: 1).first?.data, "h\u{e9}llo \u{1F600}")
    }

    func testOverlongLinesAreAProtocolError() {
        var parser = SSEParser(maxLineLength: 16)
        XCTAssertThrowsError(try parser.feed(Array("data: 0123456789abcdef".utf8)) { _ in }) {
            XCTAssertEqual(($0 as? AzError)?.kind, .protocolViolation)
        }
    }

    func testBase64RoundTripsAndRejectsGarbage() {
        for n in 0..<10 {
            let bytes = (0..<n).map { UInt8($0 * 37 & 0xFF) }
            XCTAssertEqual(Base64.decode(Base64.encode(bytes)), bytes)
        }
        XCTAssertEqual(Base64.encode(Array("Man".utf8)), "TWFu")
        XCTAssertEqual(Base64.decode("TQ=="), Array("M".utf8))
        XCTAssertNil(Base64.decode("T"))
        XCTAssertNil(Base64.decode("TQ=a"))
        XCTAssertNil(Base64.decode("T!=="))
    }
}
