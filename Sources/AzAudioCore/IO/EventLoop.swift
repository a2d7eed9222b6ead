import CLinux
import Glibc
import Synchronization

/// One I/O thread that multiplexes many sockets with epoll (level-triggered) and wakes through an eventfd.
///
/// Channels register their socket and are called on the loop thread only: for readiness, for a turn they asked for
/// with `schedule` (from any thread; this is how other threads hand over work without a closure allocation), and
/// for a deadline. `shutdown` tears every channel down on the loop thread, joins it, and guarantees that no channel
/// callback runs after it returns.
///
/// The loop owns one read buffer (`readBuffer`) that channels use for their reads: the bytes are decoded before
/// the next channel runs, so one buffer serves every connection.
///
/// The owner must call `shutdown`: the running thread keeps the loop alive until then.
public final class EventLoop: @unchecked Sendable {
    private let epollFD: Int32
    private let wakeFD: Int32
    private var thread: PosixThread?
    private var threadID = pthread_t()

    // Shared with other threads, under `mutex`.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var scheduled: [EventLoopChannel] = []
    private var draining: [EventLoopChannel] = []
    private var stopping = false
    private var stopDelivers = true
    private var stopped = false
    private var detachOnExit = false
    /// True while the loop is not blocked in epoll_wait (a schedule then needs no eventfd write). Read and set
    /// under `mutex`, except the loop's own `true` right after epoll_wait returns: a schedule that reads a stale
    /// `false` only writes the eventfd once more, and one that reads this `true` is seen by the loop's next turn
    /// (which takes `mutex` before it sleeps, and sets `false` there). So no lock is taken for it per wakeup.
    private let awake = Atomic<Bool>(true)
    /// Periodic work (see `addTicker`).
    private var tickers: [TickerEntry] = []
    private var tickersChanged = false

    // Loop thread only. `slots`, `freeSlots`, `deadlines`, `lastWakeNs`, `lastBatchHadEvents`, `tickIntervalMs` and
    // `nextTickMs` opt out of the runtime exclusivity check (a runtime call with a thread-local lookup per access,
    // several per loop turn): every access to them is instantaneous, a read or write that calls nothing outside
    // the standard library (a channel is called after its lookup in `slots` has ended), so no second access
    // can begin during one. (`activeTickers` keeps the check: its loop spans the tickers' calls.)
    /// The registered channels, each in a slot whose index is the low half of its token (the token epoll returns
    /// with each event): an event finds its channel by index, with no hashing. The high half is a generation, new
    /// at each registration, so an event for a channel deregistered earlier in the same batch finds a slot that is
    /// empty or holds another token, never a channel that reused the slot.
    @exclusivity(unchecked) private var slots: [(token: UInt64, channel: EventLoopChannel?)] = []
    @exclusivity(unchecked) private var freeSlots: [Int] = []
    /// Channels registered now: the slots in use.
    private var channelCount: Int { slots.count - freeSlots.count }
    private var nextGeneration: UInt64 = 1
    @exclusivity(unchecked) private var deadlines: [UInt64: UInt64] = [:]
    @exclusivity(unchecked) private var lastWakeNs: UInt64 = 0
    @exclusivity(unchecked) private var lastBatchHadEvents = false
    private static let wakeToken: UInt64 = 0
    /// The loop thread's copy of `tickers`, the shortest interval among them, and when they next run.
    private var activeTickers: [TickerEntry] = []
    @exclusivity(unchecked) private var tickIntervalMs: UInt64 = 0
    @exclusivity(unchecked) private var nextTickMs: UInt64 = 0

    /// The scratch buffer for reads on this loop thread.
    public let readBuffer: UnsafeMutableRawBufferPointer
    /// See `init`.
    public let batchingWindowUs: UInt32
    /// Channels at least this many before the batching window applies.
    public static let batchingMinChannels = 4

    /// Starts the loop's thread. `readBufferSize` is how much one read asks for.
    ///
    /// `batchingWindowUs` trades latency for CPU when many sockets are busy: after a wakeup that found socket
    /// events, with at least `batchingMinChannels` channels registered, the loop lets that much time pass before it
    /// looks again, so one wakeup collects the messages of many connections instead of waking once per message
    /// (a thread wakeup costs ~36 us of CPU on this project's VMs, far more than the reads it serves). Each message
    /// waits at most that long longer; 0 turns batching off.
    public init(
        name: String = "azaudio-io", readBufferSize: Int = 64 * 1024, batchingWindowUs: UInt32 = 0
    ) throws(AzError) {
        self.batchingWindowUs = batchingWindowUs
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readBufferSize, alignment: 16)
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard epollFD >= 0, wakeFD >= 0 else {
            let e = errno
            if epollFD >= 0 { Glibc.close(epollFD) }
            if wakeFD >= 0 { Glibc.close(wakeFD) }
            throw AzError(.io, "could not create the I/O loop (errno \(e))")
        }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = Self.wakeToken
        epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
        // The thread keeps the loop alive until `shutdown`.
        guard let thread = PosixThread.start(name: name, { self.run() }) else {
            Glibc.close(epollFD)
            Glibc.close(wakeFD)
            throw AzError(.io, "could not start the I/O thread")
        }
        self.thread = thread
        threadID = thread.handle
    }

    /// The loop lives until `shutdown` (its thread holds it); by then the thread has ended.
    deinit {
        Glibc.close(epollFD)
        Glibc.close(wakeFD)
        readBuffer.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// True on the loop's own thread.
    public var inLoopThread: Bool { pthread_equal(pthread_self(), threadID) != 0 }

    /// Asks for a `runScheduled` turn for `channel` on the loop thread. Safe from any thread. Callers keep their
    /// own "already scheduled" flag so a channel is queued once per turn. Returns false when the loop has stopped.
    @discardableResult
    public func schedule(_ channel: EventLoopChannel) -> Bool {
        pthread_mutex_lock(mutex)
        if stopping {
            pthread_mutex_unlock(mutex)
            return false
        }
        scheduled.append(channel)
        let wake = !awake.load(ordering: .relaxed) && scheduled.count == 1
        if wake { awake.store(true, ordering: .relaxed) }
        pthread_mutex_unlock(mutex)
        if wake { wakeUp() }
        return true
    }

    /// Stops the loop: every channel gets `loopWillShutdown` on the loop thread, then the thread ends. From another
    /// thread this joins the loop thread, and no channel callback runs after it returns. From the loop thread itself
    /// (inside a callback) it only flags the stop: the loop tears down without delivering anything more once the
    /// current callback returns, and the thread detaches itself (a later call from another thread then returns at
    /// once, possibly before that callback has returned). Idempotent.
    public func shutdown() {
        let onLoop = inLoopThread
        pthread_mutex_lock(mutex)
        let first = !stopping
        if first {
            stopping = true
            stopDelivers = !onLoop
        }
        let thread = self.thread
        // Only one caller joins; from the loop thread nobody can, so the thread detaches itself when it ends.
        self.thread = nil
        if onLoop && thread != nil { detachOnExit = true }
        pthread_mutex_unlock(mutex)
        if first { wakeUp() }
        if !onLoop, let thread { thread.join() }
    }

    /// Has `ticker.tick()` called on the loop thread about every `intervalMs` (at least 1) until `removeTicker`
    /// or `shutdown` (the loop keeps the ticker alive until then). All tickers of a loop run together, at the shortest
    /// interval among them, so many tickers cost one wakeup per interval. Safe from any thread.
    public func addTicker(_ ticker: EventLoopTicker, intervalMs: UInt32) {
        pthread_mutex_lock(mutex)
        tickers.removeAll { $0.ticker === ticker }
        tickers.append(TickerEntry(ticker: ticker, intervalMs: UInt64(max(intervalMs, 1))))
        tickersChanged = true
        let wake = !awake.load(ordering: .relaxed)
        if wake { awake.store(true, ordering: .relaxed) }
        pthread_mutex_unlock(mutex)
        if wake { wakeUp() }  // the loop may be sleeping without a timeout
    }

    /// Stops `tick()` calls for `ticker` (one may still be running on the loop thread). Safe from any thread.
    public func removeTicker(_ ticker: EventLoopTicker) {
        pthread_mutex_lock(mutex)
        tickers.removeAll { $0.ticker === ticker }
        tickersChanged = true
        pthread_mutex_unlock(mutex)
    }

    // MARK: Loop-thread API for channels

    /// Adds `fd` with `events` (EPOLLIN, EPOLLOUT bits) and returns the channel's token. Loop thread only.
    public func register(_ channel: EventLoopChannel, fd: Int32, events: UInt32) -> UInt64? {
        precondition(inLoopThread)
        let slot = freeSlots.popLast() ?? slots.count
        guard slot < 1 << 32 else { return nil }
        let token = nextGeneration << 32 | UInt64(slot)  // never the wake token: the generation starts at 1
        var event = epoll_event()
        event.events = events
        event.data.u64 = token
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0 else {
            if slot < slots.count { freeSlots.append(slot) }
            return nil
        }
        nextGeneration = nextGeneration == 0xFFFF_FFFF ? 1 : nextGeneration + 1  // (so never 0 in the high half)
        if slot == slots.count {
            slots.append((token, channel))
        } else {
            slots[slot] = (token, channel)
        }
        return token
    }

    /// The channel registered with `token`, if it still is.
    @inline(__always) private func channel(_ token: UInt64) -> EventLoopChannel? {
        let slot = Int(truncatingIfNeeded: token & 0xFFFF_FFFF)
        guard slot < slots.count, slots[slot].token == token else { return nil }
        return slots[slot].channel
    }

    /// Changes the events watched for a registered socket. Loop thread only.
    public func modify(token: UInt64, fd: Int32, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = token
        epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    /// Removes a socket (before it is closed) and forgets the channel. Loop thread only.
    public func deregister(token: UInt64, fd: Int32) {
        var event = epoll_event()
        epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, &event)
        let slot = Int(truncatingIfNeeded: token & 0xFFFF_FFFF)
        if slot < slots.count, slots[slot].token == token {
            slots[slot] = (0, nil)
            freeSlots.append(slot)
        }
        deadlines[token] = nil
    }

    /// Calls the channel's `handleDeadline` once at `atMs` (monotonic milliseconds), or never when nil.
    public func setDeadline(token: UInt64, atMs: UInt64?) {
        deadlines[token] = atMs
    }

    // MARK: The loop

    private func wakeUp() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    private func run() {
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        while true {
            // Run the turns other threads asked for; stop when asked.
            pthread_mutex_lock(mutex)
            swap(&scheduled, &draining)
            let stop = stopping
            let deliver = stopDelivers
            if tickersChanged {
                tickersChanged = false
                activeTickers = tickers
                let interval = tickers.map(\.intervalMs).min() ?? 0
                if interval != tickIntervalMs {
                    tickIntervalMs = interval
                    nextTickMs = Monotonic.now() + interval
                }
            }
            if draining.isEmpty && !stop { awake.store(false, ordering: .relaxed) }
            pthread_mutex_unlock(mutex)
            if stop {
                draining.removeAll()
                finish(deliver: deliver)
                return
            }
            if !draining.isEmpty {
                for channel in draining { channel.runScheduled() }
                draining.removeAll(keepingCapacity: true)
                continue  // Look again: the turns may have scheduled more.
            }

            if batchingWindowUs > 0 && lastBatchHadEvents && channelCount >= Self.batchingMinChannels {
                // Let the other connections' messages gather before looking again.
                let until = lastWakeNs + UInt64(batchingWindowUs) * 1000
                let now = Monotonic.nowNs()
                if until > now {
                    var ts = timespec(tv_sec: Int(until / 1_000_000_000), tv_nsec: Int(until % 1_000_000_000))
                    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
                }
            }
            let timeout = nextTimeout()
            let count = epoll_wait(epollFD, events, Int32(capacity), timeout)
            if batchingWindowUs > 0 { lastWakeNs = Monotonic.nowNs() }
            awake.store(true, ordering: .relaxed)
            if count < 0 {
                if errno == EINTR { continue }
                preconditionFailure("epoll_wait failed: errno \(errno)")
            }
            lastBatchHadEvents = false
            for k in 0..<Int(count) {
                let token = events[k].data.u64
                if token == Self.wakeToken {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                    continue
                }
                // A channel torn down earlier in this batch is gone from the table.
                lastBatchHadEvents = true
                channel(token)?.handleEvents(events[k].events)
            }
            fireDeadlines()
            fireTickers()
        }
    }

    private func nextTimeout() -> Int32 {
        var earliest = deadlines.values.min()
        if tickIntervalMs > 0 { earliest = min(earliest ?? nextTickMs, nextTickMs) }
        guard let earliest else { return -1 }
        let now = Monotonic.now()
        return earliest <= now ? 0 : Int32(min(earliest - now, 60_000))
    }

    private func fireTickers() {
        guard tickIntervalMs > 0 else { return }
        let now = Monotonic.now()
        guard now >= nextTickMs else { return }
        nextTickMs = now + tickIntervalMs
        for entry in activeTickers { entry.ticker.tick() }
    }

    private func fireDeadlines() {
        guard !deadlines.isEmpty else { return }
        let now = Monotonic.now()
        let due = deadlines.filter { $0.value <= now }.map(\.key)
        for token in due {
            deadlines[token] = nil
            channel(token)?.handleDeadline()
        }
    }

    private func finish(deliver: Bool) {
        // Channels scheduled but never registered also need their teardown.
        pthread_mutex_lock(mutex)
        let pending = scheduled
        scheduled.removeAll()
        pthread_mutex_unlock(mutex)
        var seen = Set<ObjectIdentifier>()
        let registered = slots.compactMap(\.channel)
        for channel in registered + pending where seen.insert(ObjectIdentifier(channel)).inserted {
            channel.loopWillShutdown(deliver: deliver)
        }
        slots.removeAll()
        freeSlots.removeAll()
        deadlines.removeAll()
        activeTickers.removeAll()
        pthread_mutex_lock(mutex)
        tickers.removeAll()
        pthread_mutex_unlock(mutex)
        pthread_mutex_lock(mutex)
        stopped = true
        let detach = detachOnExit
        pthread_mutex_unlock(mutex)
        if detach { pthread_detach(pthread_self()) }
    }
}
