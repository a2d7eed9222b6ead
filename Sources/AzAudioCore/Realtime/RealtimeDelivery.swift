import Glibc

/// Hands a session's events to the app: to its handler on the loop thread (callback mode) or to the pull queue
/// that any thread takes from (`nextEvent`). The handler runs without any lock held.
final class RealtimeDelivery: @unchecked Sendable {
    typealias Handler = RealtimeSession.Handler

    /// The handler in an immutable holder retained by hand, so that `deliver` calls it through a borrowed
    /// reference (no retain and release of the closure per event; see `CallbackState.handler`). Not a generic
    /// holder shared with the WebSocket connection's delegate holder: generic storage keeps a closure maximally
    /// abstracted, and each call then went through a reabstraction thunk that copied the event (measured with
    /// `bench/rt_cache.py`: 135 more instructions per frame).
    final class HandlerHolder {
        let call: Handler

        init(_ call: @escaping Handler) { self.call = call }
    }

    struct CallbackState {
        /// Retained (`passRetained`) from `init` until `detach`, which releases it, unless a call to the handler is
        /// under way (`calls`): the holder then moves to `detachedWhileRunning` and the `deliver` that ends the last
        /// call releases it. So the holder lives for every call that read it here.
        var handler: Unmanaged<HandlerHolder>?
        var detachedWhileRunning: Unmanaged<HandlerHolder>?
        /// Calls to the handler under way (one at a time on the loop thread; counted anyway, so that the rule above
        /// holds whatever thread delivers).
        var calls = 0
        /// The thread running the handler right now, if any.
        var running: pthread_t?
        /// A `detach` waits for the running handler to return.
        var detachWaiting = false
    }

    /// Pull mode: the queue, and the readiness descriptor that mirrors whether it is empty (once asked for).
    struct PullState {
        var queue: RealtimePullQueue
        var readiness: RealtimeReadiness?
    }

    let pullMode: Bool
    private let callback: ConditionLocked<CallbackState>
    private let pull: ConditionLocked<PullState>
    private let logger: Logger
    /// The connection whose reading a full queue pauses (nil until connected).
    private let connection: () -> WebSocketConnection?

    init(handler: Handler?, maxEventQueue: Int, logger: Logger, connection: @escaping () -> WebSocketConnection?) {
        pullMode = handler == nil
        callback = ConditionLocked(CallbackState(handler: handler.map { Unmanaged.passRetained(HandlerHolder($0)) }))
        pull = ConditionLocked(PullState(queue: RealtimePullQueue(limit: maxEventQueue)))
        self.logger = logger
        self.connection = connection
    }

    deinit {
        callback.withLock { state in
            state.handler?.release()
            state.detachedWhileRunning?.release()
        }
    }

    func deliver(_ events: [RealtimeEvent]) {
        for event in events { deliver(event) }
    }

    /// Loop thread: hands one event to the handler or the pull queue. A full pull queue stops reading until the
    /// caller catches up: nothing is dropped. The event is handed on, not copied (`consuming`).
    func deliver(_ event: consuming RealtimeEvent) {
        if pullMode {
            var handed: RealtimeEvent? = consume event
            let pushed = pull.withLock { (state) -> RealtimePullQueue.Pushed in
                let pushed = state.queue.push(handed.take()!)
                if pushed.becameReadable { state.readiness?.set() }
                return pushed
            }
            pull.broadcast()
            if pushed.pauseReading {
                logger.log(
                    .debug, "realtime: \(pull.withLock { $0.queue.limit }) events wait to be taken; reading paused")
                connection()?.pauseReading()
            }
            return
        }
        let me = pthread_self()
        guard
            let holder = callback.withLock({ (state) -> Unmanaged<HandlerHolder>? in
                if state.handler != nil {
                    state.running = me
                    state.calls += 1
                }
                return state.handler
            })
        else { return }
        var handed: RealtimeEvent? = consume event
        // (The holder stays retained until this call returns: a detach meanwhile leaves its release to us.)
        holder._withUnsafeGuaranteedRef { $0.call(handed.take()!) }
        let (wake, detached) = callback.withLock { (state) -> (Bool, Unmanaged<HandlerHolder>?) in
            state.running = nil
            state.calls -= 1
            guard state.calls == 0 else { return (state.detachWaiting, nil) }
            let detached = state.detachedWhileRunning
            state.detachedWhileRunning = nil
            return (state.detachWaiting, detached)
        }
        detached?.release()
        if wake { callback.broadcast() }
    }

    /// Stops delivery to the handler. When it returns, the handler is not running (unless called from inside it)
    /// and will not run again.
    func detach() {
        let me = pthread_self()
        _ = callback.wait(deadline: nil) { (state, _) -> Bool? in
            if let holder = state.handler {
                state.handler = nil
                if state.calls == 0 { holder.release() } else { state.detachedWhileRunning = holder }
            }
            guard let running = state.running, pthread_equal(running, me) == 0 else {
                state.detachWaiting = false
                return true
            }
            state.detachWaiting = true
            return nil
        }
    }

    /// The next event, waiting up to `timeoutMs` (negative: forever). nil on timeout. Throws `.closed` once the
    /// closed event was taken, `.invalidState` in callback mode.
    func nextEvent(timeoutMs: Int) throws(AzError) -> RealtimeEvent? {
        guard pullMode else {
            throw AzError(
                .invalidState, "this session delivers events to its callback; next_event is for sessions without one")
        }
        let taken: RealtimePullQueue.Taken?
        if timeoutMs == 0 {
            // A poll (a game loop's frame): one look under the lock, no clock read, no wait.
            taken = pull.withLock { (state) -> RealtimePullQueue.Taken? in
                let taken = state.queue.take()
                if state.queue.isEmpty { state.readiness?.clear() }
                return taken
            }
        } else {
            let deadline = timeoutMs < 0 ? nil : monotonicSeconds() + Double(timeoutMs) / 1000
            taken = pull.wait(deadline: deadline) { (state, timedOut) -> RealtimePullQueue.Taken? in
                let taken = state.queue.take()
                if case .empty = taken, !timedOut { return nil }
                if state.queue.isEmpty { state.readiness?.clear() }
                return taken
            }
        }
        switch taken {
        case .event(let event, let resume)?:
            if resume {
                logger.log(.debug, "realtime: the caller caught up; reading resumed")
                connection()?.resumeReading()
            }
            return event
        case .finished?:
            throw AzError(.closed, "the session is closed and every event was taken")
        case .empty?, nil:
            return nil
        }
    }

    /// Up to `limit` events (at least 1): waits up to `timeoutMs` (negative: forever) for the first one, then takes
    /// those already waiting behind it, in order, under one lock. Empty on timeout. Throws `.closed` once the closed
    /// event was taken by an earlier call, `.invalidState` in callback mode.
    func takeEvents(upTo limit: Int, timeoutMs: Int) throws(AzError) -> [RealtimeEvent] {
        guard pullMode else {
            throw AzError(
                .invalidState, "this session delivers events to its callback; take_events is for sessions without one")
        }
        let batch: RealtimePullQueue.Batch?
        if timeoutMs == 0 {
            batch = pull.withLock { (state) -> RealtimePullQueue.Batch? in
                let batch = state.queue.take(upTo: limit)
                if state.queue.isEmpty { state.readiness?.clear() }
                return batch
            }
        } else {
            let deadline = timeoutMs < 0 ? nil : monotonicSeconds() + Double(timeoutMs) / 1000
            batch = pull.wait(deadline: deadline) { (state, timedOut) -> RealtimePullQueue.Batch? in
                let batch = state.queue.take(upTo: limit)
                if batch.events.isEmpty && !batch.finished && !timedOut { return nil }
                if state.queue.isEmpty { state.readiness?.clear() }
                return batch
            }
        }
        guard let batch else { return [] }
        if batch.finished { throw AzError(.closed, "the session is closed and every event was taken") }
        if batch.resumeReading {
            logger.log(.debug, "realtime: the caller caught up; reading resumed")
            connection()?.resumeReading()
        }
        return batch.events
    }

    /// Events waiting in pull mode.
    var queuedEventCount: Int { pull.withLock { $0.queue.count } }

    /// Pull mode: the readiness descriptor (see `RealtimeReadiness`), made on the first call; readable at once if
    /// events already wait. Throws `.invalidState` in callback mode, `.io` if no descriptor can be made.
    func eventFD() throws(AzError) -> Int32 {
        guard pullMode else {
            throw AzError(
                .invalidState,
                "this session delivers events to its callback; the event descriptor is for sessions without one")
        }
        return try pull.withLock { (state) throws(AzError) -> Int32 in
            if let readiness = state.readiness { return readiness.fd }
            let readiness = try RealtimeReadiness()
            if !state.queue.isEmpty { readiness.set() }
            state.readiness = readiness
            return readiness.fd
        }
    }
}
