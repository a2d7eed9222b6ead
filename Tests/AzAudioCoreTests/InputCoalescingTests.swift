import Glibc
import XCTest

@testable import AzAudioCore

final class InputCoalescerTests: XCTestCase {
    func testHoldsUntilTheThresholdAndRemembersWhenHoldingStarted() {
        var c = InputCoalescer(holdMs: 60)
        let frame = [UInt8](repeating: 1, count: 960)  // 20 ms of 24 kHz PCM16 (48 bytes per ms)
        XCTAssertEqual(c.thresholdBytes(bytesPerMs: 48), 2880)
        XCTAssertTrue(c.isEmpty)
        XCTAssertNil(c.heldSinceMs)
        frame.withUnsafeBytes { c.hold($0, nowMs: 1000) }
        frame.withUnsafeBytes { c.hold($0, nowMs: 1020) }
        XCTAssertEqual(c.held.count, 1920)
        XCTAssertEqual(c.heldSinceMs, 1000)
        XCTAssertTrue(c.reachesThreshold(adding: 960, bytesPerMs: 48))
        XCTAssertFalse(c.reachesThreshold(adding: 959, bytesPerMs: 48))
        XCTAssertFalse(c.isDue(nowMs: 1059))
        XCTAssertTrue(c.isDue(nowMs: 1060))
    }

    func testKeepFirstGivesBackRefusedAudioAndClearForgetsEverything() {
        var c = InputCoalescer(holdMs: 100)
        [UInt8](repeating: 1, count: 10).withUnsafeBytes { c.hold($0, nowMs: 5) }
        [UInt8](repeating: 2, count: 6).withUnsafeBytes { c.hold($0, nowMs: 7) }
        c.keepFirst(10)
        XCTAssertEqual(c.held, [UInt8](repeating: 1, count: 10))
        XCTAssertEqual(c.heldSinceMs, 5)
        c.keepFirst(0)
        XCTAssertTrue(c.isEmpty)
        XCTAssertNil(c.heldSinceMs)
        [UInt8](repeating: 3, count: 4).withUnsafeBytes { c.hold($0, nowMs: 9) }
        c.clear()
        XCTAssertTrue(c.isEmpty)
        XCTAssertFalse(c.isDue(nowMs: 10_000))
    }

    func testEightKilohertzG711UsesItsOwnBytesPerMillisecond() {
        let c = InputCoalescer(holdMs: 40)
        XCTAssertEqual(c.thresholdBytes(bytesPerMs: 8), 320)
    }
}

final class EventLoopTickerTests: XCTestCase {
    final class Counter: EventLoopTicker, @unchecked Sendable {
        let ticks = Locked(0)
        var onLoopThread = Locked(true)
        weak var loop: EventLoop?
        func tick() {
            ticks.withLock { $0 += 1 }
            if let loop, !loop.inLoopThread { onLoopThread.withLock { $0 = false } }
        }
    }

    func testTickersRunOnTheLoopThreadUntilRemoved() throws {
        let loop = try EventLoop(name: "ticker-test")
        defer { loop.shutdown() }
        let counter = Counter()
        counter.loop = loop
        loop.addTicker(counter, intervalMs: 10)
        let deadline = monotonicSeconds() + 5
        while counter.ticks.withLock({ $0 }) < 5 && monotonicSeconds() < deadline { usleep(5000) }
        XCTAssertGreaterThanOrEqual(counter.ticks.withLock { $0 }, 5)
        XCTAssertTrue(counter.onLoopThread.withLock { $0 })
        loop.removeTicker(counter)
        usleep(50_000)  // a tick already under way may still finish
        let after = counter.ticks.withLock { $0 }
        usleep(200_000)
        XCTAssertEqual(counter.ticks.withLock { $0 }, after)
    }

    func testShutdownReleasesTickers() throws {
        weak var released: Counter?
        do {
            let loop = try EventLoop(name: "ticker-test")
            let counter = Counter()
            released = counter
            loop.addTicker(counter, intervalMs: 5)
            loop.shutdown()
        }
        XCTAssertNil(released)
    }
}
