import CLinux
import Glibc

/// Pull mode's readiness file descriptor: an eventfd that is readable exactly while events wait to be taken, so an
/// event loop (asyncio's add_reader, epoll, libuv) can sleep until the session has something, then take events
/// without blocking. Made on first request, so sessions that never ask for it pay nothing.
///
/// Level, not edge: `set` when the queue goes from empty to non-empty, `clear` when a take empties it. Both run
/// under the pull queue's lock, so the descriptor's state always matches the queue's. The descriptor is the
/// session's: it stays open until the session is freed.
final class RealtimeReadiness {
    let fd: Int32
    /// Whether the descriptor is readable now, so that `set` and `clear` make a system call only when that changes
    /// (a loop that takes until the queue is empty, or polls every frame, would otherwise pay a `read` per empty
    /// take). Only touched under the pull queue's lock, as every call of `set` and `clear` is.
    private var readable = false

    init() throws(AzError) {
        fd = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard fd >= 0 else { throw AzError(.io, "could not create the session's event descriptor (errno \(errno))") }
    }

    deinit { Glibc.close(fd) }

    /// Makes the descriptor readable.
    func set() {
        guard !readable else { return }
        readable = true
        var one: UInt64 = 1
        _ = write(fd, &one, 8)
    }

    /// Makes it not readable: reading an eventfd resets its counter.
    func clear() {
        guard readable else { return }
        readable = false
        var value: UInt64 = 0
        _ = read(fd, &value, 8)
    }
}
