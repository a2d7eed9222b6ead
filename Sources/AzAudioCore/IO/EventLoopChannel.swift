/// Something an `EventLoop` drives: a socket's owner. Every method runs on the loop thread.
public protocol EventLoopChannel: AnyObject {
    /// The loop has `events` (EPOLLIN / EPOLLOUT / EPOLLERR / EPOLLHUP bits) for the channel's socket.
    func handleEvents(_ events: UInt32)
    /// The channel asked for a turn with `EventLoop.schedule` (e.g. another thread queued data to send).
    func runScheduled()
    /// The deadline the channel set with `EventLoop.setDeadline` has passed.
    func handleDeadline()
    /// The loop is shutting down: tear down now. `deliver` is false when callbacks must not run any more.
    func loopWillShutdown(deliver: Bool)
}

/// Periodic work on an event loop's thread (see `EventLoop.addTicker`).
public protocol EventLoopTicker: AnyObject {
    /// Runs on the loop thread about every interval; must not block.
    func tick()
}

/// A ticker with its interval. Held strongly: a weak reference would move the ticker's reference count to a
/// side table and slow down every retain of it (a session is retained on every send).
struct TickerEntry {
    let ticker: EventLoopTicker
    let intervalMs: UInt64
}
