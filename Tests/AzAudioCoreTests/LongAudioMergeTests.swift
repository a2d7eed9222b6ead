import XCTest

@testable import AzAudioCore

final class LongAudioMergeTests: XCTestCase {
    private func piece(
        _ index: Int, offset: Double, keepFrom: Double, keepUntil: Double?, _ body: String,
        _ format: TranscriptFormat
    ) throws -> PieceResult {
        let t = try TranscriptParser.parse(Array(body.utf8), format: format)
        return PieceResult(
            plan: PiecePlan(index: index, start: 0, end: 0, keepFrom: 0, keepUntil: 0), offset: offset,
            keepFrom: keepFrom, keepUntil: keepUntil, transcript: t)
    }

    func testSRTCuesAreShiftedAndRenumbered() throws {
        let a = "1\n00:00:01,000 --> 00:00:02,500\nhello there\n\n2\n00:00:05,000 --> 00:00:06,000\nsecond\n"
        let b = "1\n00:00:00,500 --> 00:00:01,250\nthird cue\n"
        let merged = try TranscriptMerger.merge(
            [
                piece(1, offset: 600, keepFrom: 600, keepUntil: nil, b, .srt),
                piece(0, offset: 0, keepFrom: 0, keepUntil: 600, a, .srt),
            ], format: .srt, totalSeconds: 700)
        XCTAssertEqual(
            merged.text,
            "1\n00:00:01,000 --> 00:00:02,500\nhello there\n\n2\n00:00:05,000 --> 00:00:06,000\nsecond\n\n"
                + "3\n00:10:00,500 --> 00:10:01,250\nthird cue\n")
    }

    func testVTTIsMergedWithOneHeader() throws {
        let a = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\none\n"
        let b = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\ntwo\n"
        let merged = try TranscriptMerger.merge(
            [
                piece(0, offset: 0, keepFrom: 0, keepUntil: 30, a, .vtt),
                piece(1, offset: 30, keepFrom: 30, keepUntil: nil, b, .vtt),
            ], format: .vtt, totalSeconds: 60)
        XCTAssertEqual(
            merged.text, "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\none\n\n00:00:31.000 --> 00:00:32.000\ntwo\n")
    }

    func testVerboseJSONSegmentsWordsAndExtraMembersAreMerged() throws {
        let a =
            #"{"task":"transcribe","language":"english","duration":10,"text":"hi there","#
            + #""segments":[{"id":0,"start":1,"end":2,"text":" hi there","speaker":"A"}],"#
            + #""words":[{"word":"hi","start":1,"end":1.5},{"word":"there","start":1.5,"end":2}],"#
            + #""usage":{"type":"duration","seconds":10}}"#
        let b =
            #"{"task":"transcribe","language":"english","duration":5,"text":"bye","#
            + #""segments":[{"id":0,"start":0.5,"end":1,"text":" bye","speaker":"B"}],"#
            + #""words":[{"word":"bye","start":0.5,"end":1}],"usage":{"type":"duration","seconds":5}}"#
        let merged = try TranscriptMerger.merge(
            [
                piece(0, offset: 0, keepFrom: 0, keepUntil: 10, a, .verboseJSON),
                piece(1, offset: 10, keepFrom: 10, keepUntil: nil, b, .verboseJSON),
            ], format: .verboseJSON, totalSeconds: 15)
        XCTAssertEqual(merged.text, "hi there bye")
        XCTAssertEqual(merged.duration, 15)
        XCTAssertEqual(merged.segments.map { $0.id }, [0, 1])
        XCTAssertEqual(merged.segments.map { $0.start }, [1, 10.5])
        XCTAssertEqual(merged.words.map { $0.word }, ["hi", "there", "bye"])
        XCTAssertEqual(merged.words.last?.end, 11)
        XCTAssertEqual(merged.usage?.seconds, 15)
        let json = try JSONParser.parse(merged.rawBody)
        XCTAssertEqual(json["segments"]?[1]?["speaker"]?.stringValue, "B")
        XCTAssertEqual(json["language"]?.stringValue, "english")
    }

    func testOverlapKeepsEachWordOnce() throws {
        // A hard cut at 30 s with a 1 s overlap: piece 0 covers 0-30, piece 1 starts at 29; the boundary is 29.5.
        let a =
            #"{"text":"x","duration":30,"words":[{"word":"left","start":28,"end":28.5},"#
            + #"{"word":"cut","start":29.2,"end":29.6}]}"#
        let b =
            #"{"text":"y","duration":10,"words":[{"word":"cut","start":0.2,"end":0.6},"#
            + #"{"word":"right","start":1,"end":1.4}]}"#
        let merged = try TranscriptMerger.merge(
            [
                piece(0, offset: 0, keepFrom: 0, keepUntil: 29.5, a, .verboseJSON),
                piece(1, offset: 29, keepFrom: 29.5, keepUntil: nil, b, .verboseJSON),
            ], format: .verboseJSON, totalSeconds: 39)
        XCTAssertEqual(merged.words.map { $0.word }, ["left", "cut", "right"])
        XCTAssertEqual(merged.words.filter { $0.word == "cut" }.count, 1)
    }

    func testTextAndJSONAreJoinedInOrder() throws {
        let text = try TranscriptMerger.merge(
            [
                piece(0, offset: 0, keepFrom: 0, keepUntil: 10, "first part\n", .text),
                piece(1, offset: 10, keepFrom: 10, keepUntil: nil, "second part\n", .text),
            ], format: .text, totalSeconds: 20)
        XCTAssertEqual(text.text, "first part second part\n")
        let json = try TranscriptMerger.merge(
            [
                piece(0, offset: 0, keepFrom: 0, keepUntil: 10, #"{"text":"a b"}"#, .json),
                piece(1, offset: 10, keepFrom: 10, keepUntil: nil, #"{"text":"c"}"#, .json),
            ], format: .json, totalSeconds: 20)
        XCTAssertEqual(json.text, "a b c")
    }
}
