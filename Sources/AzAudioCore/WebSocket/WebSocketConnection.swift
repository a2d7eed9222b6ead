import CCurl
import Glibc

/// One client WebSocket connection driven by an `EventLoop`.
///
/// Threads: `send*` and `close` are safe from any thread, never block, and never call the delegate. Everything
/// else (reading, decoding, writing, answering pings, the close handshake, delivery) runs on the loop thread.
///
/// Sending encodes the frame (masked) straight into a per-connection pending buffer under a lock, bounded by
/// `WebSocketLimits.maxQueuedBytes` (a full queue throws `.busy`). When nothing else is queued and the loop is not
/// inside the socket, the sender writes the frame at once with a non-blocking send (no loop wakeup); otherwise the
/// loop swaps the pending buffer with its write buffer and writes everything queued with one send, so frames queued
/// together go out in one system call. Reads ask for
/// the loop's whole read buffer (64 KiB) and decode in place; a complete unfragmented message is delivered as a
/// view into it, without a copy.
public final class WebSocketConnection: EventLoopChannel, @unchecked Sendable {
    /// Where the connection is, as senders see it.
    private enum Phase {
        /// Sends are accepted.
        case open
        /// A close frame is queued (ours or our echo); sends fail with `.closed`.
        case closing
        /// The socket is gone.
        case closed
    }

    public let loop: EventLoop
    public let limits: WebSocketLimits
    private let logger: Logger
    private let socket: CurlSocket
    private let label: String

    // Shared with sending threads, under `mutex`.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var phase = Phase.open
    private var pending = ByteBuffer(capacity: 8 * 1024)
    private var encoder = WebSocketFrameEncoder()
    /// Bytes in the loop's write buffer not yet sent (mirrored for the queue bound).
    private var writingCount = 0
    /// True while this connection sits in the loop's schedule list.
    private var isScheduled = false
    /// `resumeReading` was called; the loop turns reading back on at its next turn.
    private var resumeRequested = false
    /// Set once the loop registered the socket: senders may then write straight to it (see `send`).
    private var directWrites = false

    /// Serialises every call into the curl handle (curl allows a handle on several threads, one at a time): the
    /// loop holds it only around a single recv/send call; senders only `trylock` it, so nobody ever waits long.
    private let ioMutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    // Loop thread only.
    private var writing = ByteBuffer(capacity: 8 * 1024)
    private var decoder: WebSocketFrameDecoder
    private var token: UInt64?
    private var watchingWritable = false
    /// Reading is paused (backpressure from a slow consumer); the kernel buffer and TCP flow control hold the rest.
    private var readPaused = false
    private var delegate: WebSocketConnectionDelegate?
    private var leftover: [UInt8]
    /// Set once we know how the connection ends; it ends when the queued bytes (our close frame) are written.
    private var ending: WebSocketCloseInfo?
    /// Our close frame is written and we wait for the server's (until a deadline).
    private var awaitingServerClose = false
    private var localCloseCode = WebSocketCloseCode.normalClosure
    private var needsFlush = false
    private var finished = false

    /// Wraps an upgraded socket. Call `start` to hand it to the loop.
    public init(
        upgraded: WebSocketConnector.Upgraded, loop: EventLoop, delegate: WebSocketConnectionDelegate,
        limits: WebSocketLimits = WebSocketLimits(), logger: Logger = .disabled, label: String = "websocket"
    ) {
        self.loop = loop
        self.limits = limits
        self.logger = logger
        self.socket = upgraded.socket
        self.leftover = upgraded.leftover
        self.decoder = WebSocketFrameDecoder(limits: limits)
        self.delegate = delegate
        self.label = label
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        ioMutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(ioMutex, nil)
    }

    deinit {
        socket.close()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        pthread_mutex_destroy(ioMutex)
        ioMutex.deallocate()
    }

    /// Connects, upgrades (blocking the calling thread, bounded by `settings.connectTimeoutMs`) and starts the
    /// connection on `loop`. Throws as `WebSocketConnector.connect` does, or `.closed` when the loop has stopped.
    public static func connect(
        url: WebSocketURL, headers: [(name: String, value: String)], settings: TransportSettings, loop: EventLoop,
        delegate: WebSocketConnectionDelegate, limits: WebSocketLimits = WebSocketLimits(), logger: Logger = .disabled
    ) throws(AzError) -> WebSocketConnection {
        let upgraded = try WebSocketConnector.connect(
            url: url, headers: headers, settings: settings, limits: limits, logger: logger)
        let connection = WebSocketConnection(
            upgraded: upgraded, loop: loop, delegate: delegate, limits: limits, logger: logger,
            label: url.redactedDescription)
        try connection.start()
        return connection
    }

    /// Hands the connection to its loop, which registers the socket and decodes any bytes that came with the
    /// handshake. Throws `.closed` when the loop has stopped.
    public func start() throws(AzError) {
        lock()
        isScheduled = true
        unlock()
        guard loop.schedule(self) else {
            lock()
            phase = .closed
            unlock()
            socket.close()
            delegate = nil
            throw AzError(.closed, "the I/O loop has shut down")
        }
    }

    // MARK: Any thread

    /// True until a close started (by either side) or the connection failed.
    public var isOpen: Bool {
        lock()
        defer { unlock() }
        return phase == .open
    }

    /// Bytes queued and not yet written.
    public var queuedBytes: Int {
        lock()
        defer { unlock() }
        return pending.readableCount + writingCount
    }

    /// Queues a text message (the caller guarantees UTF-8). Throws `.closed` after a close started, `.busy` when
    /// the queue is full, `.payloadTooLarge` beyond `maxMessageSize`.
    public func send(text: UnsafeRawBufferPointer) throws(AzError) { try send(.text, text) }

    /// Queues a text message.
    public func send(text: String) throws(AzError) {
        var text = text
        let result = text.withUTF8 { utf8 in
            Result { () throws(AzError) in try send(.text, UnsafeRawBufferPointer(utf8)) }
        }
        try result.get()
    }

    /// Queues a text message of `count` bytes that `fill` writes straight into the outgoing frame (exactly
    /// `count` bytes of valid UTF-8): no intermediate copy. `fill` runs under the connection's lock: it must only
    /// write the bytes.
    public func send(textCount count: Int, fill: (UnsafeMutableRawBufferPointer) -> Void) throws(AzError) {
        try send(.text, count: count) { encoder, pending in
            encoder.encode(.text, payloadCount: count, into: pending, fill: fill)
        }
    }

    /// Queues a binary message.
    public func send(binary: UnsafeRawBufferPointer) throws(AzError) { try send(.binary, binary) }

    /// Queues a ping (at most 125 bytes of payload).
    public func sendPing(_ payload: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) throws(AzError) {
        guard payload.count <= 125 else { throw .invalidArgument("a ping carries at most 125 bytes") }
        try send(.ping, payload)
    }

    private func send(_ opcode: WebSocketOpcode, _ payload: UnsafeRawBufferPointer) throws(AzError) {
        try send(opcode, count: payload.count) { encoder, pending in
            encoder.encode(opcode, payload: payload, into: pending)
        }
    }

    /// Checks the limits and the state, has `encode` append the frame of a `count`-byte message to `pending`, and
    /// writes it at once when nothing else waits, or hands it to the loop.
    private func send(
        _ opcode: WebSocketOpcode, count: Int, encode: (inout WebSocketFrameEncoder, ByteBuffer) -> Void
    ) throws(AzError) {
        guard count <= limits.maxMessageSize else {
            throw AzError(.payloadTooLarge, "a message of \(count) bytes exceeds the limit of \(limits.maxMessageSize)")
        }
        let size = WebSocketFrameEncoder.frameSize(payloadCount: count)
        lock()
        guard phase == .open else {
            unlock()
            throw AzError(.closed, "the WebSocket connection is closing or closed")
        }
        let queued = pending.readableCount + writingCount
        guard queued == 0 || queued + size <= limits.maxQueuedBytes else {
            unlock()
            throw AzError(.busy, "the send queue is full (\(queued) bytes waiting, limit \(limits.maxQueuedBytes))")
        }
        encode(&encoder, pending)
        if queued == 0 && directWrites && pthread_mutex_trylock(ioMutex) == 0 {
            // Nothing is waiting and the loop is not in the socket: write now, on this thread, without blocking.
            // This spares the loop a wakeup per frame; whatever the socket does not take goes the queued way.
            let result = socket.send(pending.readableBytes)
            pthread_mutex_unlock(ioMutex)
            if case .done(let n) = result { pending.consume(n) }
            if pending.isEmpty {
                unlock()
                return
            }
        }
        let schedule = !isScheduled
        isScheduled = true
        unlock()
        if schedule { loop.schedule(self) }
    }

    /// Starts the close handshake with `code` (a sendable code; others become 1000) and `reason` (cut to 123
    /// bytes). Later sends fail with `.closed`; messages that arrive meanwhile are not delivered; `didClose` comes
    /// when the server answers or after `closeTimeoutMs`. Safe from any thread, including from a delegate call;
    /// does nothing when a close already started.
    public func close(code: WebSocketCloseCode = .normalClosure, reason: String = "") {
        let code = code.isSendable ? code : .normalClosure
        lock()
        guard phase == .open else {
            unlock()
            return
        }
        phase = .closing
        encoder.encodeClose(code: code, reason: reason, into: pending)
        localCloseCode = code
        let schedule = !isScheduled
        isScheduled = true
        unlock()
        if schedule { loop.schedule(self) }
    }

    /// Asks the loop to read again after `pauseReading`. Safe from any thread.
    public func resumeReading() {
        lock()
        resumeRequested = true
        let schedule = !isScheduled
        isScheduled = true
        unlock()
        if schedule { loop.schedule(self) }
    }

    @inline(__always) private func lock() { pthread_mutex_lock(mutex) }
    @inline(__always) private func unlock() { pthread_mutex_unlock(mutex) }

    // MARK: Loop thread

    /// Stops reading after the current read until `resumeReading`, so a consumer that falls behind holds back
    /// the server (through TCP flow control) instead of growing a queue. Loop thread only (e.g. from a delegate
    /// call). A hang-up or socket error is still read, so the end of the connection is never missed.
    public func pauseReading() {
        guard !readPaused else { return }
        readPaused = true
        updateInterest()
    }

    public func runScheduled() {
        guard !finished else { return }
        lock()
        let resume = resumeRequested
        resumeRequested = false
        unlock()
        if resume && readPaused {
            readPaused = false
            updateInterest()
            readAvailable()  // TLS: curl may hold decrypted bytes that epoll will not report
            if finished { return }
        }
        if token == nil {
            guard let token = loop.register(self, fd: socket.fd, events: EPOLLIN.rawValue) else {
                teardown(WebSocketCloseInfo(
                    code: .abnormalClosure, reason: "", error: AzError(.io, "could not watch the socket (errno \(errno))"),
                    initiatedLocally: true))
                return
            }
            self.token = token
            lock()
            directWrites = phase == .open
            unlock()
            logger.log(.debug, "websocket: \(label) started on the I/O loop")
            if !leftover.isEmpty {
                let bytes = leftover
                leftover = []
                bytes.withUnsafeBytes { process($0) }
                if finished { return }
            }
        }
        flush()
    }

    public func handleEvents(_ events: UInt32) {
        guard !finished else { return }
        let hangup = events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0
        if hangup || (!readPaused && events & EPOLLIN.rawValue != 0) {
            readAvailable()
            if finished { return }
        }
        if needsFlush || events & EPOLLOUT.rawValue != 0 { flush() }
    }

    public func handleDeadline() {
        guard !finished else { return }
        if let ending {
            teardown(ending)
        } else {
            teardown(WebSocketCloseInfo(
                code: localCloseCode, reason: "",
                error: AzError(.timeout, "the server did not answer the close handshake within \(limits.closeTimeoutMs) ms"),
                initiatedLocally: true))
        }
    }

    public func loopWillShutdown(deliver: Bool) {
        guard !finished else { return }
        // Best effort: tell the server we are going away, with whatever the socket takes right now.
        lock()
        if phase == .open {
            phase = .closing
            encoder.encodeClose(code: .goingAway, reason: "client shutting down", into: pending)
        }
        if writing.isEmpty { swap(&pending, &writing) } else { writing.append(pending.readableBytes); pending.clear() }
        unlock()
        if token != nil, !writing.isEmpty { _ = ioSend(writing.readableBytes) }
        teardown(
            WebSocketCloseInfo(
                code: .goingAway, reason: "client shutting down",
                error: AzError(.closed, "the I/O loop shut down"), initiatedLocally: true),
            deliver: deliver)
    }

    /// Reads until the socket has nothing more (or the connection ends), decoding as it goes.
    private func readAvailable() {
        let buffer = loop.readBuffer
        while true {
            pthread_mutex_lock(ioMutex)
            let result = socket.receive(into: buffer)
            pthread_mutex_unlock(ioMutex)
            switch result {
            case .wouldBlock:
                return
            case .failed(let code):
                teardown(WebSocketCloseInfo(
                    code: .abnormalClosure, reason: "",
                    error: AzError(CurlRuntime.kind(of: code), "\(CurlRuntime.describe(code)) on \(label)"),
                    initiatedLocally: false))
                return
            case .done(0):
                teardown(ending ?? WebSocketCloseInfo(
                    code: .abnormalClosure, reason: "",
                    error: AzError(.network, "the server closed the connection without a close handshake (\(label))"),
                    initiatedLocally: false))
                return
            case .done(let n):
                process(UnsafeRawBufferPointer(start: buffer.baseAddress, count: n))
                if finished || ending != nil || readPaused { return }
                // Plain TCP: a short read emptied the kernel buffer (epoll is level-triggered, so anything newer
                // wakes us). TLS: curl may hold decrypted bytes the kernel no longer shows, so read until EAGAIN.
                if !socket.isTLS && n < buffer.count { return }
            }
        }
    }

    /// Decodes bytes and acts on what they hold.
    private func process(_ bytes: UnsafeRawBufferPointer) {
        do throws(WebSocketProtocolError) {
            try decoder.decode(bytes) { inbound in self.handle(inbound) }
        } catch {
            logger.log(.warn, "websocket: \(label): \(error.description); closing with \(error.closeCode)")
            lock()
            let queueClose = phase == .open
            if queueClose {
                phase = .closing
                encoder.encodeClose(code: error.closeCode, reason: error.description, into: pending)
            }
            unlock()
            ending = WebSocketCloseInfo(
                code: error.closeCode, reason: error.description,
                error: AzError(.protocolViolation, "the server broke the WebSocket protocol: \(error.description)"),
                initiatedLocally: true)
            needsFlush = true
        }
        if ending != nil {
            flush()
            if !finished, let token { loop.setDeadline(token: token, atMs: Monotonic.now() + UInt64(limits.closeTimeoutMs)) }
        }
    }

    /// One decoded item. Returns false to stop decoding.
    private func handle(_ inbound: WebSocketInbound) -> Bool {
        switch inbound {
        case .text(let bytes):
            if deliverable(), let delegate { delegate.webSocket(self, didReceiveText: bytes) }
        case .binary(let bytes):
            if deliverable(), let delegate { delegate.webSocket(self, didReceiveBinary: bytes) }
        case .ping(let bytes):
            lock()
            if phase == .open { encoder.encode(.pong, payload: bytes, into: pending) }
            unlock()
            needsFlush = true
        case .pong:
            break
        case .close(let code, let reason):
            lock()
            let wasOpen = phase == .open
            if wasOpen {
                // Echo the server's code (section 5.5.1).
                phase = .closing
                encoder.encodeClose(code: code, reason: "", into: pending)
            }
            unlock()
            ending = WebSocketCloseInfo(
                code: code ?? .noStatusReceived, reason: String(decoding: reason, as: UTF8.self), error: nil,
                initiatedLocally: !wasOpen)
            needsFlush = true
            return false
        }
        return true
    }

    @inline(__always)
    private func deliverable() -> Bool {
        lock()
        defer { unlock() }
        return phase == .open
    }

    /// Writes what is queued, as far as the socket takes it; ends the connection once a pending end is written.
    private func flush() {
        needsFlush = false
        while true {
            if writing.isEmpty {
                lock()
                isScheduled = false
                if !pending.isEmpty { swap(&pending, &writing) }
                writingCount = writing.readableCount
                unlock()
                if writing.isEmpty { break }
            }
            let count = writing.readableCount
            switch ioSend(writing.readableBytes) {
            case .done(let n):
                writing.consume(n)
                if n < count {
                    watchWritable(true)
                    syncWritingCount()
                    return
                }
            case .wouldBlock:
                watchWritable(true)
                syncWritingCount()
                return
            case .failed(let code):
                teardown(WebSocketCloseInfo(
                    code: .abnormalClosure, reason: "",
                    error: AzError(CurlRuntime.kind(of: code), "\(CurlRuntime.describe(code)) on \(label)"),
                    initiatedLocally: false))
                return
            }
        }
        watchWritable(false)
        // Everything queued is written.
        if let ending {
            teardown(ending)
            return
        }
        if !awaitingServerClose {
            lock()
            let closing = phase == .closing
            unlock()
            if closing, let token {
                awaitingServerClose = true
                loop.setDeadline(token: token, atMs: Monotonic.now() + UInt64(limits.closeTimeoutMs))
            }
        }
    }

    @inline(__always)
    private func ioSend(_ bytes: UnsafeRawBufferPointer) -> CurlSocket.IOResult {
        pthread_mutex_lock(ioMutex)
        defer { pthread_mutex_unlock(ioMutex) }
        return socket.send(bytes)
    }

    private func syncWritingCount() {
        lock()
        writingCount = writing.readableCount
        unlock()
    }

    private func watchWritable(_ on: Bool) {
        guard on != watchingWritable else { return }
        watchingWritable = on
        updateInterest()
    }

    private func updateInterest() {
        guard let token else { return }
        let events = (readPaused ? 0 : EPOLLIN.rawValue) | (watchingWritable ? EPOLLOUT.rawValue : 0)
        loop.modify(token: token, fd: socket.fd, events: events)
    }

    /// Closes the socket and reports the end once.
    private func teardown(_ info: WebSocketCloseInfo, deliver: Bool = true) {
        guard !finished else { return }
        finished = true
        lock()
        phase = .closed
        directWrites = false
        pending.clear()
        writingCount = 0
        unlock()
        writing.clear()
        if let token { loop.deregister(token: token, fd: socket.fd) }
        socket.close()
        if let error = info.error {
            logger.log(.info, "websocket: \(label) ended: \(error.message)")
        } else {
            logger.log(.debug, "websocket: \(label) closed with \(info.code)")
        }
        let delegate = self.delegate
        self.delegate = nil
        if deliver { delegate?.webSocket(self, didClose: info) }
    }
}
