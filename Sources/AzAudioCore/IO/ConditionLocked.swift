import Glibc

/// A value guarded by a mutex, with a condition variable (monotonic clock) to wait for it to change: the typed
/// form of the mutex + condvar pair. Whoever changes the value in a way a waiter looks for calls `broadcast`
/// after `withLock` returns; a waiter re-checks its condition under the lock, so no wakeup is lost.
public final class ConditionLocked<Value>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Only read or written with `mutex` held (this file's methods). No runtime exclusivity check: a second access
    /// on the same thread would first block on the (non-recursive) mutex, so the check could never fire, and it
    /// cost a runtime call with a thread-local lookup on every lock, several per realtime frame.
    @exclusivity(unchecked) private var value: Value

    public init(_ value: Value) {
        self.value = value
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    @inline(__always)
    public func withLock<Result, E: Error>(_ body: (inout Value) throws(E) -> Result) throws(E) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }

    /// Wakes every waiter so it looks at the value again.
    public func broadcast() { pthread_cond_broadcast(condition) }

    /// Calls `attempt` under the lock until it returns a result, waiting for a `broadcast` between calls, up to
    /// `deadline` (monotonic seconds; nil: no limit). Once the deadline passed, `attempt` is called one last time
    /// with `timedOut` true; its nil then means the wait timed out.
    public func wait<Result, E: Error>(
        deadline: Double?, _ attempt: (inout Value, _ timedOut: Bool) throws(E) -> Result?
    ) throws(E) -> Result? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            if let result = try attempt(&value, false) { return result }
            guard let deadline else {
                pthread_cond_wait(condition, mutex)
                continue
            }
            if !waitForSignal(untilMonotonic: deadline) { return try attempt(&value, true) }
        }
    }

    /// Under the lock: waits for a signal until `deadline`. Returns false once the deadline passed.
    private func waitForSignal(untilMonotonic deadline: Double) -> Bool {
        let now = monotonicSeconds()
        if now >= deadline { return false }
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let delta = deadline - now
        var nanos = Int(ts.tv_nsec) + Int((delta - delta.rounded(.down)) * 1e9)
        ts.tv_sec += Int(delta) + nanos / 1_000_000_000
        nanos %= 1_000_000_000
        ts.tv_nsec = nanos
        return pthread_cond_timedwait(condition, mutex, &ts) != ETIMEDOUT || monotonicSeconds() < deadline
    }
}
