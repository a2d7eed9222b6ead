import XCTest

@testable import AzAudioCore

/// The plain-state parts of a realtime session: the setup handshake and the pull queue.
final class RealtimeSetupTests: XCTestCase {
    private func event(_ kind: RealtimeEventKind, _ type: String) -> RealtimeEvent {
        RealtimeEvent(kind: kind, type: type, json: #"{"type":"\#(type)"}"#)
    }

    func testEventsBeforeTheSessionIsReadyAreHeldAndDeliveredInOrderOnceConfirmed() {
        var setup = RealtimeSetup()
        let created = event(.sessionCreated, "session.created")
        guard case .sendConfiguration = setup.admit([created], trigger: created) else {
            return XCTFail("no update sent")
        }
        let limits = event(.rateLimitsUpdated, "rate_limits.updated")
        guard case .none = setup.admit([limits], trigger: limits) else { return XCTFail("delivered before ready") }
        let updated = event(.sessionUpdated, "session.updated")
        guard case .becameReady(let early) = setup.admit([updated], trigger: updated) else {
            return XCTFail("not ready")
        }
        XCTAssertEqual(early.map(\.type), ["session.created", "rate_limits.updated", "session.updated"])
        XCTAssertTrue(setup.phase.isReady)
        let delta = event(.audioDelta, "response.output_audio.delta")
        guard case .deliver(let now) = setup.admit([delta], trigger: delta) else { return XCTFail("not delivered") }
        XCTAssertEqual(now.map(\.type), ["response.output_audio.delta"])
    }

    func testAServiceErrorDuringSetupFailsItWithTheServiceCode() {
        var setup = RealtimeSetup()
        let created = event(.sessionCreated, "session.created")
        _ = setup.admit([created], trigger: created)
        var error = event(.error, "error")
        error.errorCode = "invalid_value"
        error.text = "bad voice"
        guard case .none = setup.admit([error], trigger: error) else { return XCTFail("delivered") }
        guard case .failed(let failure) = setup.phase else { return XCTFail("not failed") }
        XCTAssertEqual(failure.kind, .badRequest)
        XCTAssertEqual(failure.serviceCode, "invalid_value")
        XCTAssertTrue(failure.message.contains("bad voice"))
    }

    func testALocalErrorDuringSetupDoesNotFailIt() {
        var setup = RealtimeSetup()
        let local = RealtimeEvent.localError(code: "malformed_server_event", message: "x")
        guard case .none = setup.admit([local], trigger: local) else { return XCTFail("delivered") }
        XCTAssertEqual(String(describing: setup.phase), String(describing: RealtimeSessionPhase.awaitingCreated))
    }

    func testAConnectionEndingBeforeReadyFailsTheSetupAndAfterReadyClosesIt() {
        var early = RealtimeSetup()
        let info = WebSocketCloseInfo(code: .abnormalClosure, reason: "", error: nil, initiatedLocally: false)
        XCTAssertFalse(early.connectionEnded(info))
        guard case .failed(let error) = early.phase else { return XCTFail("not failed") }
        XCTAssertTrue(error.message.hasSuffix("before the session was ready"))

        var ready = RealtimeSetup()
        let created = event(.sessionCreated, "session.created"), updated = event(.sessionUpdated, "session.updated")
        _ = ready.admit([created], trigger: created)
        _ = ready.admit([updated], trigger: updated)
        XCTAssertTrue(ready.connectionEnded(info))
        guard case .closed = ready.phase else { return XCTFail("not closed") }
    }

    func testATimeoutNamesTheEventThatDidNotCome() {
        var setup = RealtimeSetup()
        setup.timedOut(connectTimeoutMs: 500)
        guard case .failed(let error) = setup.phase else { return XCTFail("not failed") }
        XCTAssertEqual(error.kind, .timeout)
        XCTAssertTrue(error.message.contains("session.created"))
    }

    func testClosingDuringTheFirstSetupCancelsItButNotAReadySessionOrAReconnect() {
        let cancelled = AzError(.cancelled, "closed before ready")
        var setup = RealtimeSetup()
        let created = event(.sessionCreated, "session.created")
        _ = setup.admit([created], trigger: created)
        XCTAssertTrue(setup.cancelSetup(cancelled))
        guard case .failed(let error) = setup.phase else { return XCTFail("not failed") }
        XCTAssertEqual(error.kind, .cancelled)
        XCTAssertFalse(setup.cancelSetup(cancelled))  // once

        var ready = RealtimeSetup()
        let updated = event(.sessionUpdated, "session.updated")
        _ = ready.admit([created], trigger: created)
        _ = ready.admit([updated], trigger: updated)
        XCTAssertFalse(ready.cancelSetup(cancelled))
        XCTAssertTrue(ready.phase.isReady)

        var resuming = RealtimeSetup.resuming()
        XCTAssertFalse(resuming.cancelSetup(cancelled))
        XCTAssertEqual(String(describing: resuming.phase), String(describing: RealtimeSessionPhase.awaitingCreated))
    }

    func testAConnectFailureEventNamesItsErrorKindAndEveryKindHasAUniqueName() {
        let failed = RealtimeEvent.connectFailed(AzError(.auth, "401: bad key", httpStatus: 401))
        XCTAssertEqual(failed.kind, .connectFailed)
        XCTAssertEqual(failed.type, "connect_failed")
        XCTAssertEqual(failed.errorCode, "auth")
        XCTAssertEqual(failed.text, "401: bad key")
        XCTAssertTrue(failed.json.contains(#""http_status":401"#))
        XCTAssertEqual(Set(ErrorKind.allCases.map(\.name)).count, ErrorKind.allCases.count)
        for kind in ErrorKind.allCases { XCTAssertEqual(ErrorKind(name: kind.name), kind) }
        XCTAssertNil(ErrorKind(name: "no_such_kind"))
    }
}

final class RealtimePullQueueTests: XCTestCase {
    private func event(_ n: Int) -> RealtimeEvent {
        RealtimeEvent(kind: .other, type: "e\(n)", json: "{}")
    }

    func testPausesReadingAtTheLimitAndResumesAtHalf() {
        var queue = RealtimePullQueue(limit: 4)
        XCTAssertTrue(queue.push(event(0)).becameReadable)
        XCTAssertFalse(queue.push(event(1)).becameReadable)
        XCTAssertFalse(queue.push(event(2)).pauseReading)
        XCTAssertTrue(queue.push(event(3)).pauseReading)
        XCTAssertFalse(queue.push(event(4)).pauseReading)  // once
        var resumed: [Bool] = []
        var types: [String] = []
        while case .event(let e, let resume) = queue.take() {
            types.append(e.type)
            resumed.append(resume)
        }
        XCTAssertEqual(types, ["e0", "e1", "e2", "e3", "e4"])
        XCTAssertEqual(resumed, [false, false, true, false, false])
        XCTAssertTrue(queue.isEmpty)
    }

    func testNothingIsGivenAfterTheClosedEventWasTaken() {
        var queue = RealtimePullQueue(limit: 16)
        guard case .empty = queue.take() else { return XCTFail("not empty") }
        _ = queue.push(.closed(code: 1000, reason: ""))
        guard case .event(let closed, _) = queue.take() else { return XCTFail("no closed event") }
        XCTAssertEqual(closed.kind, .closed)
        guard case .finished = queue.take() else { return XCTFail("not finished") }
    }

    func testLongRunsKeepOrderAcrossCompaction() {
        var queue = RealtimePullQueue(limit: 100_000)
        var next = 0
        for round in 0..<5 {
            for i in 0..<3000 { _ = queue.push(event(round * 3000 + i)) }
            for _ in 0..<2500 {
                guard case .event(let e, _) = queue.take() else { return XCTFail("ran out") }
                XCTAssertEqual(e.type, "e\(next)")
                next += 1
            }
        }
        XCTAssertEqual(queue.count, 5 * 500)
    }

    /// An event with its own audio block, and a weak reference that tells when nothing holds that block any more.
    private func eventWithAudio(_ n: Int) -> (RealtimeEvent, () -> Bool) {
        var e = event(n)
        let block = [UInt8](repeating: 1, count: 960).withUnsafeBytes { ByteBlock.copying($0) }
        e.audio = block
        weak let watched = block
        return (e, { watched == nil })
    }

    func testATakenEventIsReleasedAtOnceWhenTheReaderKeepsUp() {
        var queue = RealtimePullQueue(limit: 100)
        var released: [() -> Bool] = []
        for i in 0..<50 {  // one event at a time, taken before the next comes: the queue is empty after each take
            let (e, gone) = eventWithAudio(i)
            _ = queue.push(e)
            guard case .event = queue.take() else { return XCTFail("no event") }
            released.append(gone)
        }
        XCTAssertEqual(released.filter { !$0() }.count, 0, "taken events still held by the queue")
    }

    func testATakenEventIsReleasedAtOnceWhenTheReaderLagsBehind() {
        var queue = RealtimePullQueue(limit: 100)
        var released: [() -> Bool] = []
        _ = queue.push(event(-1))  // one event always waits: the queue never empties
        for i in 0..<200 {
            let (e, gone) = eventWithAudio(i)
            _ = queue.push(e)
            guard case .event(let taken, _) = queue.take() else { return XCTFail("no event") }
            XCTAssertEqual(taken.type, i == 0 ? "e-1" : "e\(i - 1)")
            released.append(gone)
        }
        XCTAssertEqual(queue.count, 1)
        // every block but the one still waiting is gone
        XCTAssertEqual(released.dropLast().filter { !$0() }.count, 0, "taken events still held by the queue")
        XCTAssertFalse(released.last!())
        let batch = queue.take(upTo: 10)
        XCTAssertEqual(batch.events.map(\.type), ["e199"])
    }

    func testBatchesTakeAtMostTheirLimitInOrderAndLeaveTheRestQueued() {
        var queue = RealtimePullQueue(limit: 100)
        for i in 0..<5 { _ = queue.push(event(i)) }
        XCTAssertEqual(queue.take(upTo: 2).events.map(\.type), ["e0", "e1"])
        XCTAssertEqual(queue.take(upTo: 10).events.map(\.type), ["e2", "e3", "e4"])
        let empty = queue.take(upTo: 10)
        XCTAssertTrue(empty.events.isEmpty)
        XCTAssertFalse(empty.finished)
    }

    func testABatchEndsWithTheClosedEventAndTheNextIsFinished() {
        var queue = RealtimePullQueue(limit: 100)
        _ = queue.push(event(0))
        _ = queue.push(.closed(code: 1000, reason: ""))
        XCTAssertEqual(queue.take(upTo: 10).events.map(\.kind), [.other, .closed])
        let after = queue.take(upTo: 10)
        XCTAssertTrue(after.finished)
        XCTAssertTrue(after.events.isEmpty)
    }

    func testABatchStopsAtTheClosedEventWhateverItsRoom() {
        var queue = RealtimePullQueue(limit: 100)
        _ = queue.push(.closed(code: 1000, reason: ""))
        _ = queue.push(event(1))  // never happens in a session (CLOSED is last); the batch must not run past it
        XCTAssertEqual(queue.take(upTo: 10).events.map(\.kind), [.closed])
    }

    func testABatchThatCatchesUpWithAPausedReadingResumesIt() {
        var queue = RealtimePullQueue(limit: 4)
        for i in 0..<4 { _ = queue.push(event(i)) }
        XCTAssertFalse(queue.take(upTo: 1).resumeReading)  // 3 wait: still above half
        XCTAssertTrue(queue.take(upTo: 3).resumeReading)
    }
}
