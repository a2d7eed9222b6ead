import CCurl
import Glibc

/// A connected socket that libcurl set up with `CURLOPT_CONNECT_ONLY` (TCP, TLS with verification, proxy
/// CONNECT) and that the engine then drives with `curl_easy_send` / `curl_easy_recv`.
///
/// Not thread-safe: one thread at a time (the connecting thread, then the event loop).
public final class CurlSocket {
    /// What a non-blocking send or receive did.
    public enum IOResult: Equatable {
        /// This many bytes moved (a receive of 0 means the peer closed the connection).
        case done(Int)
        /// Nothing can move now; wait for readiness.
        case wouldBlock
        /// The connection failed.
        case failed(CURLcode)
    }

    private var easy: UnsafeMutableRawPointer?
    /// The socket, for epoll/poll.
    public let fd: Int32
    /// True when the socket's bytes are the WebSocket's own (plain TCP, no proxy that may apply): then send(2) and
    /// recv(2) replace curl's calls, and curl holds no bytes. Otherwise (TLS, or through a proxy, since an HTTPS
    /// proxy's TLS is a layer of its own even for ws://) every byte goes through curl, which may hold some.
    public let bypassesCurl: Bool
    /// OpenSSL's connection under curl's TLS when it is the only place bytes can hide from epoll: curl's TLS is this
    /// process's OpenSSL and no proxy can add a TLS layer of its own below it. nil: unknown, read until EAGAIN.
    private var openssl: UnsafeMutableRawPointer?
    /// Where OpenSSL's handshake callback writes the connection (`ccurl_tls_capture_openssl`); lives until curl's
    /// handle is cleaned up.
    private let opensslSlot: UnsafeMutablePointer<UnsafeMutableRawPointer?>

    /// Connects with curl, blocking up to `timeoutMs`. Throws a `.network`, `.tls` or `.timeout` error.
    public init(url: ServiceURL, settings: TransportSettings, timeoutMs: UInt32) throws(AzError) {
        try CurlRuntime.ensure()
        guard let easy = curl_easy_init() else { throw AzError(.outOfMemory, "could not create a curl handle") }
        let slot = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: 1)
        slot.initialize(to: nil)
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        var failure: CURLcode? = nil
        func set(_ rc: CURLcode) { if rc != CURLE_OK && failure == nil { failure = rc } }
        set(ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        set(ccurl_setopt_string(easy, CURLOPT_URL, url.curlURL))
        set(ccurl_setopt_long(easy, CURLOPT_CONNECT_ONLY, 1))
        set(ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        set(ccurl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(ccurl_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1)))
        set(ccurl_setopt_long(easy, CURLOPT_TCP_NODELAY, 1))
        set(ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(max(timeoutMs, 1))))
        // ALPN must not offer h2: the Upgrade request is HTTP/1.1.
        set(ccurl_setopt_long(easy, CURLOPT_SSL_ENABLE_ALPN, 0))
        settings.applyConnectionOptions(to: easy, set)
        // Through an HTTP proxy, even ws:// needs a CONNECT tunnel (the Upgrade request is ours, not the proxy's).
        set(ccurl_setopt_long(easy, CURLOPT_HTTPPROXYTUNNEL, 1))
        // Only where no proxy can add a TLS layer of its own (its OpenSSL would report to the same slot).
        let capturing = url.secure && !Self.mayUseProxy(settings) && ccurl_tls_capture_openssl(easy, slot) == 1
        if failure == nil { set(curl_easy_perform(easy)) }
        if let failure {
            let detail = String(cString: errorBuffer)
            curl_easy_cleanup(easy)
            slot.deallocate()
            throw AzError(
                CurlRuntime.kind(of: failure),
                "\(CurlRuntime.describe(failure))\(detail.isEmpty ? "" : ": \(detail)") (\(url.redacted))")
        }
        var socket: curl_socket_t = -1
        guard ccurl_getinfo_socket(easy, &socket) == CURLE_OK, socket >= 0 else {
            curl_easy_cleanup(easy)
            slot.deallocate()
            throw AzError(.network, "curl connected but gave no socket (\(url.redacted))")
        }
        self.easy = easy
        self.fd = socket
        self.bypassesCurl = !url.secure && !Self.mayUseProxy(settings)
        self.opensslSlot = slot
        self.openssl = capturing ? slot.pointee : nil
    }

    /// Whether curl may route this connection through a proxy (an HTTPS proxy is a second TLS layer whose
    /// buffered bytes `openssl` would not show): the configured proxy, or with none configured the variables curl
    /// reads.
    private static func mayUseProxy(_ settings: TransportSettings) -> Bool {
        if let proxy = settings.proxy { return !proxy.isEmpty }
        return ["https_proxy", "HTTPS_PROXY", "http_proxy", "all_proxy", "ALL_PROXY"].contains { name in
            guard let value = getenv(name) else { return false }
            return value.pointee != 0
        }
    }

    /// After a TLS receive that returned data: whether a further receive could return bytes that epoll cannot
    /// announce (OpenSSL holds some, or nothing here can tell). curl documents that `curl_easy_recv` should be called
    /// until it returns CURLE_AGAIN because curl or the TLS library may cache data; with CONNECT_ONLY, curl (7.87
    /// to 8.x) passes the socket's bytes straight to OpenSSL, so what OpenSSL holds (`SSL_has_pending`: decrypted,
    /// or read ahead) is all that can hide, and the level-triggered epoll wakes the loop for the rest. Asking it
    /// spares the receive that finds nothing, and lets OpenSSL read ahead (`ccurl_tls_capture_openssl`): one recv
    /// per wakeup instead of two per record and one more that fails. Same thread discipline as `receive`.
    @inline(__always)
    public func tlsMayHoldBytes() -> Bool {
        guard let openssl else { return true }
        return ccurl_tls_has_pending(openssl) != 0
    }

    deinit {
        close()
        opensslSlot.deallocate()
    }

    /// Closes the connection (and the socket). Idempotent.
    public func close() {
        if let easy {
            openssl = nil
            curl_easy_cleanup(easy)
            self.easy = nil
        }
    }

    public var isOpen: Bool { easy != nil }

    /// Sends what the socket takes now, without blocking.
    ///
    /// Plain TCP goes straight to send(2): once connected, curl adds nothing there but ~1 us of bookkeeping per
    /// call (measured: libcurl was 13% of the engine's CPU at 50 connections). TLS, and anything through a proxy,
    /// goes through curl.
    @inline(__always)
    public func send(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        guard let easy else { return .failed(CURLE_SEND_ERROR) }
        if bypassesCurl {
            while true {
                let n = Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
                if n >= 0 { return .done(n) }
                if errno == EINTR { continue }
                return errno == EAGAIN || errno == EWOULDBLOCK ? .wouldBlock : .failed(CURLE_SEND_ERROR)
            }
        }
        var sent = 0
        let rc = curl_easy_send(easy, bytes.baseAddress, bytes.count, &sent)
        if rc == CURLE_OK { return .done(sent) }
        if rc == CURLE_AGAIN { return sent > 0 ? .done(sent) : .wouldBlock }
        return .failed(rc)
    }

    /// Receives what is there now, without blocking. `.done(0)` means the peer closed the connection.
    @inline(__always)
    public func receive(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        guard let easy else { return .failed(CURLE_RECV_ERROR) }
        if bypassesCurl {
            // Plain TCP: curl keeps no buffer of its own here, so recv(2) sees every byte curl would.
            while true {
                let n = recv(fd, buffer.baseAddress, buffer.count, 0)
                if n >= 0 { return .done(n) }
                if errno == EINTR { continue }
                return errno == EAGAIN || errno == EWOULDBLOCK ? .wouldBlock : .failed(CURLE_RECV_ERROR)
            }
        }
        var received = 0
        let rc = curl_easy_recv(easy, buffer.baseAddress, buffer.count, &received)
        if rc == CURLE_OK { return .done(received) }
        if rc == CURLE_AGAIN { return .wouldBlock }
        return .failed(rc)
    }

    /// Waits until the socket is ready for `events` (POLLIN / POLLOUT) or `timeoutMs` passes. Returns false on
    /// timeout.
    func wait(for events: Int16, timeoutMs: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        while true {
            let rc = poll(&entry, 1, timeoutMs)
            if rc < 0 && errno == EINTR { continue }
            return rc != 0
        }
    }
}
