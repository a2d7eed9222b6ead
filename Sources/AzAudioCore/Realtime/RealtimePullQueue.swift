/// Pull mode's queue of events not yet taken, as plain state: bounded by pausing the reading (nothing is
/// dropped), and ended once the closed event was taken.
///
/// `push` reports when the queue goes from empty to non-empty (`becameReadable`) and `isEmpty` tells after a
/// `take`, so an owner can drive a readiness signal (a file descriptor for an event loop) from it.
struct RealtimePullQueue {
    /// Reading pauses when this many events wait, and resumes when half as many do.
    let limit: Int
    /// Waiting events from `head` on; the slots before it were taken and hold nothing (a taken event is released at
    /// once, not kept until the array is next compacted: a session that is kept up with would otherwise hold its
    /// last thousand events, about 2.6 MB of audio and JSON at 50 deltas a second).
    private var events: [RealtimeEvent?] = []
    private var head = 0
    private(set) var closedTaken = false
    /// Reading is paused because the queue reached `limit`.
    private(set) var readingPaused = false

    init(limit: Int) { self.limit = limit }

    var count: Int { events.count - head }
    var isEmpty: Bool { head == events.count }

    struct Pushed {
        /// The queue was empty before.
        var becameReadable: Bool
        /// The queue just reached its limit: stop reading.
        var pauseReading: Bool
    }

    mutating func push(_ event: consuming RealtimeEvent) -> Pushed {
        let wasEmpty = isEmpty
        events.append(event)
        let pause = !readingPaused && count >= limit
        if pause { readingPaused = true }
        return Pushed(becameReadable: wasEmpty, pauseReading: pause)
    }

    /// What `take` found.
    enum Taken {
        /// The next event; `resumeReading` when the caller caught up with a paused reading.
        case event(RealtimeEvent, resumeReading: Bool)
        /// Nothing waits (yet).
        case empty
        /// The closed event was taken earlier: nothing will come.
        case finished
    }

    mutating func take() -> Taken {
        guard head < events.count, let event = events[head].take() else {
            return closedTaken ? .finished : .empty
        }
        head += 1
        if head == events.count {
            events.removeAll(keepingCapacity: true)  // the usual case, a reader that keeps up: start over in place
            head = 0
        } else if head >= 64 && head * 2 > events.count {
            events.removeFirst(head)  // only empty slots go, at most as many as stay: amortised O(1) per take
            head = 0
        }
        if event.kind == .closed { closedTaken = true }
        var resume = false
        if readingPaused && count <= limit / 2 {
            readingPaused = false
            resume = true
        }
        return .event(event, resumeReading: resume)
    }

    /// What `take(upTo:)` found: the events in order (at most the asked number; after the closed event, none), or
    /// `finished` alone once the closed event was taken by an earlier take.
    struct Batch {
        var events: [RealtimeEvent] = []
        var finished = false
        /// The caller caught up with a paused reading.
        var resumeReading = false
    }

    /// Takes up to `limit` (at least 1) waiting events in order, stopping after the closed event (always the last).
    mutating func take(upTo limit: Int) -> Batch {
        var batch = Batch()
        while batch.events.count < limit {
            switch take() {
            case .event(let event, let resume):
                if batch.events.isEmpty { batch.events.reserveCapacity(min(limit, count + 1)) }
                batch.events.append(event)
                if resume { batch.resumeReading = true }
                if event.kind == .closed { return batch }
            case .empty:
                return batch
            case .finished:
                batch.finished = batch.events.isEmpty
                return batch
            }
        }
        return batch
    }
}
