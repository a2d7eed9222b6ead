import XCTest

@testable import AzAudioCore

/// Diarized labels across pieces (SpeakerTracker): the voices' names passed as known speakers map back to their
/// first labels; voices a piece was not told about get the next free label; the caller's names are kept.
final class LongAudioSpeakerTests: XCTestCase {
    private func reply(_ speakers: [String]) throws -> Transcript {
        let segments = speakers.enumerated().map { i, s in
            "{\"id\":\"seg_00\(i + 1)\",\"start\":\(i * 3),\"end\":\(i * 3 + 2),\"text\":\"t\(i)\",\"speaker\":\"\(s)\"}"
        }
        let body = "{\"text\":\"x\",\"segments\":[" + segments.joined(separator: ",") + "]}"
        return try TranscriptParser.parse(Array(body.utf8), format: .diarizedJSON)
    }

    func testLabelsOfLaterPiecesMapBackToTheFirstPiecesLabels() throws {
        let tracker = SpeakerTracker(userSpeakers: [], directory: "/nonexistent")
        let first = try tracker.relabel(reply(["A", "B", "A"]), format: .diarizedJSON, pieceFile: nil)
        XCTAssertEqual(first.segments.map { $0.speaker }, ["A", "B", "A"])
        // A later piece names the voices it was told about and labels a new voice "A" on its own.
        let later = try tracker.relabel(
            reply(["azaudio-voice-B", "A", "azaudio-voice-A", "A"]), format: .diarizedJSON, pieceFile: nil)
        XCTAssertEqual(later.segments.map { $0.speaker }, ["B", "C", "A", "C"])
        XCTAssertFalse(String(decoding: later.rawBody, as: UTF8.self).contains("azaudio-voice-"))
    }

    func testAVoiceFirstHeardInTwoPiecesRunningAtOnceGetsOneLabel() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("azaudio-speakers-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let piece = directory.appendingPathComponent("piece.wav").path
        let writer = try SoundFileWriter(path: piece, sampleRate: 8000, encoding: .wav)
        let tone = (0..<8000 * 10).map { Float(sin(Double($0) * 0.3)) * 0.5 }
        try tone.withUnsafeBufferPointer { (b: UnsafeBufferPointer<Float>) throws(AzError) in try writer.write(b) }
        try writer.close()
        let tracker = SpeakerTracker(userSpeakers: [], directory: directory.path)
        _ = try tracker.relabel(reply(["A"]), format: .diarizedJSON, pieceFile: piece)
        // Pieces 2 and 3 start together, each told about voice A only; both hear a new voice.
        let sent = tracker.knownSpeakers()
        XCTAssertEqual(sent.map { $0.name }, ["azaudio-voice-A"])
        let second = try reply(["azaudio-voice-A", "A"])
        XCTAssertFalse(tracker.mustResend(second, sent: sent))
        let labelled = try tracker.relabel(second, format: .diarizedJSON, pieceFile: piece)
        XCTAssertEqual(labelled.segments.map { $0.speaker }, ["A", "B"])
        // Piece 3's new voice may be piece 2's: it goes again with B's clip, and the service names it.
        let third = try reply(["A", "azaudio-voice-A"])
        XCTAssertTrue(tracker.mustResend(third, sent: sent))
        let again = tracker.knownSpeakers()
        XCTAssertEqual(again.map { $0.name }, ["azaudio-voice-A", "azaudio-voice-B"])
        let answer = try reply(["azaudio-voice-B", "azaudio-voice-A"])
        XCTAssertFalse(tracker.mustResend(answer, sent: again))
        XCTAssertEqual(
            try tracker.relabel(answer, format: .diarizedJSON, pieceFile: piece).segments.map { $0.speaker },
            ["B", "A"])
        // A new voice when no clip was found meanwhile is simply new.
        XCTAssertFalse(tracker.mustResend(try reply(["C?", "azaudio-voice-B"]), sent: again))
    }

    func testTheCallersKnownSpeakersKeepTheirNamesAndTheirSlots() throws {
        let agent = KnownSpeaker(name: "agent", clip: .memory([1, 2, 3], filename: "agent.wav"))
        let tracker = SpeakerTracker(userSpeakers: [agent], directory: "/nonexistent")
        XCTAssertEqual(tracker.slots, 3)
        let t = try tracker.relabel(reply(["agent", "A", "agent"]), format: .diarizedJSON, pieceFile: nil)
        XCTAssertEqual(t.segments.map { $0.speaker }, ["agent", "A", "agent"])
        XCTAssertEqual(tracker.knownSpeakers().map { $0.name }, ["agent"])  // no clip without the piece's audio
    }

    func testLabelsRunPastZ() {
        XCTAssertEqual(SpeakerTracker.label(0), "A")
        XCTAssertEqual(SpeakerTracker.label(25), "Z")
        XCTAssertEqual(SpeakerTracker.label(26), "AA")
        XCTAssertEqual(SpeakerTracker.label(27), "AB")
    }

    func testTheClipsBudgetIsTakenFromEachPiece() throws {
        let reserve = SpeakerTracker.reservedBytes(slots: 4, sampleRate: 24000, user: [])
        XCTAssertGreaterThan(reserve, 4 * 8 * 24000 * 2 * 4 / 3)
        var long = LongAudioOptions()
        long.maxUploadBytes = 4_000_000
        let plain = try LongAudioJob.plan(
            profile: EnergyProfile(sampleRate: 24000), totalFrames: 24000 * 600, sampleRate: 24000, long: long,
            ceiling: nil)
        let reserved = try LongAudioJob.plan(
            profile: EnergyProfile(sampleRate: 24000), totalFrames: 24000 * 600, sampleRate: 24000, long: long,
            ceiling: nil, reserve: reserve)
        XCTAssertGreaterThan(reserved.count, plain.count)
        XCTAssertTrue(reserved.allSatisfy { $0.frames * 2 + reserve + 8192 <= long.maxUploadBytes })
    }
}
