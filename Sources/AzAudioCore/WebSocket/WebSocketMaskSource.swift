import Glibc

/// Masking keys from the kernel's CSPRNG (`/dev/urandom`; RFC 6455 section 5.3 asks for unpredictable keys),
/// fetched 1024 at a time so that a frame costs no system call.
public struct WebSocketMaskSource {
    private var keys = [UInt32](repeating: 0, count: 1024)
    private var next = 1024

    public init() {}

    /// A fresh random masking key.
    @inline(__always)
    public mutating func nextKey() -> UInt32 {
        if next == keys.count { refill() }
        let key = keys[next]
        next += 1
        return key
    }

    private mutating func refill() {
        keys.withUnsafeMutableBytes { buffer in
            let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
            precondition(fd >= 0, "no /dev/urandom for WebSocket masking keys")
            defer { close(fd) }
            var filled = 0
            while filled < buffer.count {
                let n = read(fd, buffer.baseAddress! + filled, buffer.count - filled)
                if n > 0 { filled += n } else { precondition(n < 0 && errno == EINTR, "reading /dev/urandom failed") }
            }
        }
        next = 0
    }
}
