import CCurl
import Glibc
import Synchronization

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
///
/// This file holds the state and the any-thread API; `WebSocketConnection+Loop.swift` the loop thread's half
/// (reading, decoding, writing, the close handshake). The state is module-internal only so the two files share
/// it: the members under `mutex` and the loop-only ones are marked as such, and nothing outside the two files
/// touches them.
public final class WebSocketConnection: EventLoopChannel, @unchecked Sendable {
    /// Where the connection is, as senders see it.
    enum Phase: UInt8 {
        /// Sends are accepted.
        case open
        /// A close frame is queued (ours or our echo); sends fail with `.closed`.
        case closing
        /// The socket is gone.
        case closed
    }

    public let loop: EventLoop
    public let limits: WebSocketLimits
    let logger: Logger
    let socket: CurlSocket
    let label: String

    // Shared with sending threads, under `mutex`.
    let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// Written only under `mutex`; stored atomically so the loop can ask whether a message is still deliverable
    /// without taking the lock a sender holds across its direct write (a wait there costs two futex calls and a
    /// context switch per frame).
    var phase: Phase {
        get { Phase(rawValue: phaseStorage.load(ordering: .acquiring)) ?? .closed }
        set { phaseStorage.store(newValue.rawValue, ordering: .releasing) }
    }
    private let phaseStorage = Atomic<UInt8>(Phase.open.rawValue)
    var pending = ByteBuffer(capacity: 8 * 1024)
    /// (No runtime exclusivity check: every access is under `mutex`, which a nested access on the same thread would
    /// deadlock on first; the check's runtime call cost about a tenth of a realtime frame's send.)
    @exclusivity(unchecked) var encoder = WebSocketFrameEncoder()
    /// Bytes in the loop's write buffer not yet sent (mirrored for the queue bound).
    var writingCount = 0
    /// True while this connection sits in the loop's schedule list.
    var isScheduled = false
    /// `resumeReading` was called; the loop turns reading back on at its next turn.
    var resumeRequested = false
    /// Set once the loop registered the socket: senders may then write straight to it (see `send`).
    var directWrites = false

    /// Serialises every call into the curl handle (curl allows a handle on several threads, one at a time): the
    /// loop holds it only around a single send call, or a recv call over TLS (plain TCP reads the fd without it);
    /// senders only `trylock` it, so nobody ever waits long.
    let ioMutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    // Loop thread only.
    var writing = ByteBuffer(capacity: 8 * 1024)
    var decoder: WebSocketFrameDecoder
    var token: UInt64?
    var watchingWritable = false
    /// Reading is paused (backpressure from a slow consumer); the kernel buffer and TCP flow control hold the rest.
    var readPaused = false
    /// Receives the messages and the end. Set before `start` or on the loop thread (a renewal's switch, the
    /// teardown), never elsewhere.
    var delegate: WebSocketConnectionDelegate? {
        get { delegateHolder?.takeUnretainedValue().target }
        set {
            let old = delegateHolder
            delegateHolder = newValue.map { Unmanaged.passRetained(DelegateHolder($0)) }
            guard let old else { return }
            // A delegate call may replace or clear its own delegate (a renewal switches the standby's connection to
            // the session; a failure inside the call tears the connection down): the holder being called stays
            // retained until the call returns. Only the first change during a call can drop that holder.
            if delivering && heldDuringCall == nil { heldDuringCall = old } else { old.release() }
        }
    }
    /// The delegate in a holder retained by hand, so that the loop calls it through a borrowed reference
    /// (`deliver`): no retain and release per message. Lifetime rule: `delegate`'s setter releases a holder only
    /// when no call into it is under way (else `heldDuringCall` keeps it until the call returns), and every write
    /// happens on the loop thread or before `start`, never during a call on another thread.
    @exclusivity(unchecked) var delegateHolder: Unmanaged<DelegateHolder>? = nil
    /// A message is being delivered to the delegate (loop thread).
    @exclusivity(unchecked) var delivering = false
    /// The holder a delegate call replaced or cleared, released when the call returns.
    @exclusivity(unchecked) var heldDuringCall: Unmanaged<DelegateHolder>? = nil
    var leftover: [UInt8]
    /// Set once we know how the connection ends; it ends when the queued bytes (our close frame) are written.
    var ending: WebSocketCloseInfo?
    /// Our close frame is written and we wait for the server's (until a deadline).
    var awaitingServerClose = false
    var localCloseCode = WebSocketCloseCode.normalClosure
    var needsFlush = false
    var finished = false
    /// When bytes last arrived (monotonic ms; the start at first): liveness checks read it. No runtime exclusivity
    /// check (it cost one per read from the socket): every access is a plain load or store of the number.
    @exclusivity(unchecked) public internal(set) var lastReceivedMs = Monotonic.now()

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
        self.delegateHolder = Unmanaged.passRetained(DelegateHolder(delegate))
        self.label = label
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        ioMutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(ioMutex, nil)
    }

    deinit {
        delegateHolder?.release()
        heldDuringCall?.release()
        socket.close()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        pthread_mutex_destroy(ioMutex)
        ioMutex.deallocate()
    }

    /// Connects, upgrades (blocking the calling thread, bounded by `settings.connectTimeoutMs`) and starts the
    /// connection on `loop`. Throws as `WebSocketConnector.connect` does, or `.closed` when the loop has stopped.
    public static func connect(
        url: ServiceURL, headers: [(name: String, value: String)], settings: TransportSettings, loop: EventLoop,
        delegate: WebSocketConnectionDelegate, limits: WebSocketLimits = WebSocketLimits(), logger: Logger = .disabled
    ) throws(AzError) -> WebSocketConnection {
        let upgraded = try WebSocketConnector.connect(
            url: url, headers: headers, settings: settings, limits: limits, logger: logger)
        let connection = WebSocketConnection(
            upgraded: upgraded, loop: loop, delegate: delegate, limits: limits, logger: logger,
            label: url.redacted)
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
    public func sendPing(
        _ payload: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) throws(AzError) {
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

    @inline(__always) func lock() { pthread_mutex_lock(mutex) }
    @inline(__always) func unlock() { pthread_mutex_unlock(mutex) }
}

/// A connection's delegate, immutable: a call through a borrowed holder reads `target` without retaining it.
final class DelegateHolder {
    let target: any WebSocketConnectionDelegate

    init(_ target: any WebSocketConnectionDelegate) { self.target = target }
}
