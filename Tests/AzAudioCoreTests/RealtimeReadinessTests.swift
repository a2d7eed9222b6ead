import Glibc
import XCTest

@testable import AzAudioCore

/// Pull mode's readiness descriptor: readable exactly while events wait to be taken.
final class RealtimeReadinessTests: XCTestCase {
    private func delivery() -> RealtimeDelivery {
        RealtimeDelivery(handler: nil, maxEventQueue: 16, logger: Logger(), connection: { nil })
    }

    private func readable(_ fd: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 1 && entry.revents & Int16(POLLIN) != 0
    }

    private func event(_ n: Int) -> RealtimeEvent {
        RealtimeEvent(kind: .other, type: "e\(n)", json: #"{"type":"e\#(n)"}"#)
    }

    func testTheDescriptorIsReadableExactlyWhileEventsWait() throws {
        let d = delivery()
        let fd = try d.eventFD()
        XCTAssertFalse(readable(fd))
        d.deliver(event(0))
        d.deliver(event(1))
        XCTAssertTrue(readable(fd))
        XCTAssertEqual(try d.nextEvent(timeoutMs: 0)?.type, "e0")
        XCTAssertTrue(readable(fd))  // one still waits
        XCTAssertEqual(try d.nextEvent(timeoutMs: 0)?.type, "e1")
        XCTAssertFalse(readable(fd))
        XCTAssertNil(try d.nextEvent(timeoutMs: 0))
        XCTAssertFalse(readable(fd))
        d.deliver(event(2))
        XCTAssertTrue(readable(fd))
        XCTAssertEqual(try d.eventFD(), fd)  // the same descriptor every time
    }

    func testAskedForLateItIsReadableAtOnceIfEventsWait() throws {
        let d = delivery()
        d.deliver(event(0))
        XCTAssertTrue(readable(try d.eventFD()))
    }

    func testAfterTheClosedEventWasTakenItStaysQuiet() throws {
        let d = delivery()
        let fd = try d.eventFD()
        d.deliver(.closed(code: 1000, reason: ""))
        XCTAssertTrue(readable(fd))
        XCTAssertEqual(try d.nextEvent(timeoutMs: 0)?.kind, .closed)
        XCTAssertFalse(readable(fd))
        XCTAssertThrowsError(try d.nextEvent(timeoutMs: 0))
    }

    func testCallbackSessionsHaveNoDescriptor() {
        let d = RealtimeDelivery(handler: { _ in }, maxEventQueue: 16, logger: Logger(), connection: { nil })
        XCTAssertThrowsError(try d.eventFD()) { error in
            XCTAssertEqual((error as? AzError)?.kind, .invalidState)
        }
    }
}
