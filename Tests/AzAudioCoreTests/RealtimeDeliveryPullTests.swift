import XCTest

@testable import AzAudioCore

/// Pull mode gives each event away: once the caller has dropped what it took, the session holds none of it.
final class RealtimeDeliveryPullTests: XCTestCase {
    private func delivery() -> RealtimeDelivery {
        RealtimeDelivery(handler: nil, maxEventQueue: 64, logger: Logger(), connection: { nil })
    }

    /// An audio delta with its own audio block, and a check that tells when nothing holds that block any more.
    private func delta(_ n: Int) -> (RealtimeEvent, () -> Bool) {
        var event = RealtimeEvent(kind: .audioDelta, type: "response.output_audio.delta", json: #"{"n":\#(n)}"#)
        let block = [UInt8](repeating: UInt8(n & 0xFF), count: 960).withUnsafeBytes { ByteBlock.copying($0) }
        event.audio = block
        weak let watched = block
        return (event, { watched == nil })
    }

    func testEventsTakenOneAtATimeAreNotHeldByTheSession() throws {
        let d = delivery()
        var released: [() -> Bool] = []
        for n in 0..<40 {
            let (event, gone) = delta(n)
            d.deliver(event)
            XCTAssertEqual(try d.nextEvent(timeoutMs: 0)?.audio.count, 960)
            released.append(gone)
        }
        XCTAssertEqual(released.filter { !$0() }.count, 0, "events the caller dropped are still held")
    }

    func testEventsTakenInBatchesAreNotHeldByTheSession() throws {
        let d = delivery()
        var released: [() -> Bool] = []
        for round in 0..<10 {
            for n in 0..<3 {
                let (event, gone) = delta(round * 3 + n)
                d.deliver(event)
                released.append(gone)
            }
            XCTAssertEqual(try d.takeEvents(upTo: 2, timeoutMs: 0).count, 2)  // one stays behind each round
        }
        XCTAssertEqual(try d.takeEvents(upTo: 64, timeoutMs: 0).count, 10)
        XCTAssertEqual(released.filter { !$0() }.count, 0, "events the caller dropped are still held")
    }
}
