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
