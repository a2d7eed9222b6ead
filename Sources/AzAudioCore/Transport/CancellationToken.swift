import CCurl
import Glibc

/// Lets another thread cancel a blocking call promptly.
///
/// A transfer in progress registers its curl multi handle; `cancel()` then wakes its poll at once
/// (`curl_multi_wakeup`), and a retry wait in progress is woken through a condition variable.
public final class CancellationToken: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var cancelled = false
    private var multis: [UnsafeMutableRawPointer] = []

    public init() {
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition.initialize(to: pthread_cond_t())
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    public var isCancelled: Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return cancelled
    }

    /// Cancels the call using this token (and any later call given it). Safe from any thread, any number of times.
    public func cancel() {
        pthread_mutex_lock(mutex)
        cancelled = true
        for multi in multis { curl_multi_wakeup(multi) }
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Clears the cancelled state so the token can serve another call.
    public func reset() {
        pthread_mutex_lock(mutex)
        cancelled = false
        pthread_mutex_unlock(mutex)
    }

    func attach(_ multi: UnsafeMutableRawPointer) {
        pthread_mutex_lock(mutex)
        multis.append(multi)
        pthread_mutex_unlock(mutex)
    }

    func detach(_ multi: UnsafeMutableRawPointer) {
        pthread_mutex_lock(mutex)
        multis.removeAll { $0 == multi }
        pthread_mutex_unlock(mutex)
    }

    /// Sleeps for `seconds` unless cancelled first. Returns false when cancelled.
    public func sleep(seconds: Double) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let whole = Int(seconds)
        var nanos = Int(deadline.tv_nsec) + Int((seconds - Double(whole)) * 1e9)
        deadline.tv_sec += whole + nanos / 1_000_000_000
        nanos %= 1_000_000_000
        deadline.tv_nsec = nanos
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !cancelled {
            if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
        }
        return !cancelled
    }
}

/// Monotonic time in seconds.
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
