import Glibc
import Synchronization
import XCTest

@testable import AzAudioCore

/// The loop finds a channel from the token epoll returns with each event; these tests pin what that lookup must
/// guarantee when channels come and go inside one batch of events.
final class EventLoopTests: XCTestCase {
    static let readable: UInt32 = 0x001  // EPOLLIN

    /// Names of the channels that got a call, in order.
    final class Log: Sendable {
        let names = Mutex<[String]>([])
    }

    /// A socket pair's end the loop watches; `peer` is the other end (writing to it makes `fd` readable).
    final class Channel: EventLoopChannel, @unchecked Sendable {
        let name: String
        let fd: Int32
        let peer: Int32
        var token: UInt64?
        let log: Log
        var onEvents: ((Channel) -> Void)?

        init(_ name: String, log: Log) {
            self.name = name
            var pair: [Int32] = [0, 0]
            precondition(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
            fd = pair[0]
            peer = pair[1]
            self.log = log
        }

        deinit {
            close(fd)
            close(peer)
        }

        func handleEvents(_ events: UInt32) {
            log.names.withLock { $0.append(name) }
            var byte: UInt8 = 0
            _ = read(fd, &byte, 1)  // (level-triggered: the byte is taken so the socket goes quiet)
            onEvents?(self)
        }
        func runScheduled() {}
        func handleDeadline() {}
        func loopWillShutdown(deliver: Bool) {}
    }

    /// Runs `body` on the loop thread (through a scheduled turn) and waits for it.
    final class Turn: EventLoopChannel, @unchecked Sendable {
        let body: () -> Void
        let done = Mutex(false)
        init(_ body: @escaping () -> Void) { self.body = body }
        func handleEvents(_ events: UInt32) {}
        func runScheduled() {
            body()
            done.withLock { $0 = true }
        }
        func handleDeadline() {}
        func loopWillShutdown(deliver: Bool) {}
    }

    func onLoop(_ loop: EventLoop, _ body: @escaping () -> Void) {
        let turn = Turn(body)
        XCTAssertTrue(loop.schedule(turn))
        let deadline = monotonicSeconds() + 5
        while !turn.done.withLock({ $0 }) && monotonicSeconds() < deadline { usleep(1000) }
    }

    func monotonicSeconds() -> Double { Double(Monotonic.nowNs()) / 1e9 }

    func testAChannelDeregisteredInTheSameBatchGetsNoEventNorDoesTheChannelThatTakesItsPlace() throws {
        let loop = try EventLoop(name: "slot-test")
        defer { loop.shutdown() }
        let log = Log()
        let a = Channel("a", log: log)
        let b = Channel("b", log: log)
        let c = Channel("c", log: log)  // never readable: a call to it is an event meant for another channel
        var one: UInt8 = 1
        XCTAssertEqual(write(a.peer, &one, 1), 1)
        XCTAssertEqual(write(b.peer, &one, 1), 1)
        // Whichever of a and b runs first removes the other (whose event is already in the batch) and registers c,
        // which takes the freed place.
        let first: (Channel) -> Void = { me in
            let other = me === a ? b : a
            if let token = other.token { loop.deregister(token: token, fd: other.fd) }
            other.token = nil
            c.token = loop.register(c, fd: c.fd, events: Self.readable)
            a.onEvents = nil
            b.onEvents = nil
        }
        a.onEvents = first
        b.onEvents = first
        onLoop(loop) {
            // Both are registered in one turn and both are readable: the next epoll_wait returns them together.
            a.token = loop.register(a, fd: a.fd, events: Self.readable)
            b.token = loop.register(b, fd: b.fd, events: Self.readable)
        }
        var deadline = monotonicSeconds() + 5
        while log.names.withLock({ $0.isEmpty }) && monotonicSeconds() < deadline { usleep(1000) }
        usleep(100_000)
        onLoop(loop) {}  // (the batch is over, and what it wrote is seen here)
        XCTAssertNotNil(c.token)
        let calls = log.names.withLock { $0 }
        XCTAssertEqual(calls.count, 1, "\(calls)")
        XCTAssertFalse(calls.contains("c"), "\(calls)")
        // The channel that took the freed place gets its own events.
        XCTAssertEqual(write(c.peer, &one, 1), 1)
        deadline = monotonicSeconds() + 5
        while !log.names.withLock({ $0.contains("c") }) && monotonicSeconds() < deadline { usleep(1000) }
        XCTAssertEqual(log.names.withLock { $0.last }, "c")
        onLoop(loop) {
            for channel in [a, b, c] {
                if let token = channel.token { loop.deregister(token: token, fd: channel.fd) }
            }
        }
    }

    func testTokensOfChannelsThatReuseAPlaceDiffer() throws {
        let loop = try EventLoop(name: "slot-test")
        defer { loop.shutdown() }
        let log = Log()
        let a = Channel("a", log: log)
        var tokens: [UInt64] = []
        onLoop(loop) {
            for _ in 0..<3 {
                guard let token = loop.register(a, fd: a.fd, events: Self.readable) else { return }
                tokens.append(token)
                loop.deregister(token: token, fd: a.fd)
            }
        }
        XCTAssertEqual(tokens.count, 3)
        XCTAssertEqual(Set(tokens).count, 3, "\(tokens)")
        XCTAssertFalse(tokens.contains(0))  // the loop's own wake token
    }
}
