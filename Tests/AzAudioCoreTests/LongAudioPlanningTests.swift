import XCTest

@testable import AzAudioCore

final class LongAudioPlanningTests: XCTestCase {
    func testShortAudioIsOnePiece() {
        let planner = CutPlanner(maxFrames: 1000, overlapFrames: 10, minFrames: 200)
        XCTAssertEqual(
            planner.plan(totalFrames: 1000, pauses: []),
            [PiecePlan(index: 0, start: 0, end: 1000, keepFrom: 0, keepUntil: 1000)])
    }

    func testCutsAtThePauseNearestBelowTheLimit() {
        let planner = CutPlanner(maxFrames: 1000, overlapFrames: 10, minFrames: 200)
        let pauses = [Pause(start: 500, end: 600), Pause(start: 880, end: 920), Pause(start: 1100, end: 1200)]
        let pieces = planner.plan(totalFrames: 1800, pauses: pauses)
        XCTAssertEqual(pieces.count, 2)
        XCTAssertEqual(pieces[0].end, 900)
        XCTAssertEqual(pieces[1].start, 900)
        XCTAssertEqual(pieces[1].end, 1800)
        XCTAssertEqual(pieces[0].keepUntil, pieces[1].keepFrom)
    }

    func testHardCutOverlapsWhenNoPauseExists() {
        let planner = CutPlanner(maxFrames: 1000, overlapFrames: 100, minFrames: 200)
        let pieces = planner.plan(totalFrames: 2500, pauses: [])
        XCTAssertEqual(pieces.map { $0.start }, [0, 900, 1800])
        XCTAssertEqual(pieces.map { $0.end }, [1000, 1900, 2500])
        XCTAssertEqual(pieces[0].keepUntil, 950)
        XCTAssertEqual(pieces[1].keepFrom, 950)
        for p in pieces { XCTAssertLessThanOrEqual(p.frames, 1000) }
    }

    func testPauseTooCloseToThePieceStartIsNotUsed() {
        let planner = CutPlanner(maxFrames: 1000, overlapFrames: 0, minFrames: 300)
        let pieces = planner.plan(totalFrames: 1500, pauses: [Pause(start: 100, end: 140)])
        XCTAssertEqual(pieces[0].end, 1000)
    }

    func testEveryPieceFitsAndThePiecesCoverTheWholeRecording() {
        let planner = CutPlanner(maxFrames: 777, overlapFrames: 20, minFrames: 100)
        let pauses = stride(from: 300, to: 10_000, by: 1234).map { Pause(start: Int64($0), end: Int64($0 + 50)) }
        let pieces = planner.plan(totalFrames: 10_000, pauses: pauses)
        XCTAssertEqual(pieces.first?.start, 0)
        XCTAssertEqual(pieces.last?.end, 10_000)
        for (a, b) in zip(pieces, pieces.dropFirst()) {
            XCTAssertLessThanOrEqual(b.start, a.end)
            XCTAssertEqual(a.keepUntil, b.keepFrom)
        }
        for p in pieces { XCTAssertLessThanOrEqual(p.frames, 777) }
    }

    func testPauseDetectorFindsSilenceBetweenTones() {
        let rate = 8000
        var samples: [Float] = []
        func tone(_ seconds: Double) {
            for i in 0..<Int(seconds * Double(rate)) { samples.append(0.3 * Float(sin(Double(i) * 0.2))) }
        }
        tone(1); samples += [Float](repeating: 0, count: rate / 2); tone(1);
        samples += [Float](repeating: 0, count: 800); tone(1)
        var profile = EnergyProfile(sampleRate: rate)
        samples.withUnsafeBufferPointer { profile.add($0) }
        profile.finish()
        let pauses = PauseDetector().pauses(in: profile)
        XCTAssertEqual(pauses.count, 1, "the 0.1 s gap is a breath, not a pause")
        XCTAssertEqual(Double(pauses[0].start) / Double(rate), 1.0, accuracy: 0.06)
        XCTAssertEqual(Double(pauses[0].end) / Double(rate), 1.5, accuracy: 0.06)
    }

    func testRateLimitHalvesConcurrencyHoldsStartsAndRecoversSlowly() {
        var g = RateGovernor(maximum: 4)
        XCTAssertTrue(g.mayStart(running: 3, now: 0))
        let wait = g.rateLimited(retryAfter: 2, now: 10)
        XCTAssertEqual(wait, 2)
        XCTAssertEqual(g.limit, 2)
        XCTAssertFalse(g.mayStart(running: 0, now: 11.9))
        XCTAssertTrue(g.mayStart(running: 1, now: 12))
        XCTAssertFalse(g.mayStart(running: 2, now: 12))
        g.succeeded()
        XCTAssertEqual(g.limit, 2)
        g.succeeded()
        XCTAssertEqual(g.limit, 3)
        g.rateLimited(retryAfter: nil, now: 20)
        g.rateLimited(retryAfter: nil, now: 20)
        XCTAssertEqual(g.limit, 1)
        XCTAssertGreaterThan(g.holdUntil, 20)
    }
}
