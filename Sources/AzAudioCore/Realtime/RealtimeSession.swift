import Glibc

/// A realtime session: one WebSocket on a shared event loop, the session handshake, sending, and delivery of
/// decoded events either to a handler on the loop thread or to a bounded queue that any thread pulls from.
///
/// Threads: `send*`, `truncate`, `close`, `nextEvent` and `detach` are safe from any thread, including from the
/// handler. The handler runs on the loop thread, one event at a time, in order.
public final class RealtimeSession: WebSocketConnectionDelegate, @unchecked Sendable {
    public typealias Handler = (RealtimeEvent) -> Void

    private enum Phase {
        case awaitingCreated
        case awaitingUpdated
        case ready
        case failed(AzError)
        case closed
    }

    public let options: RealtimeSessionOptions
    private let logger: Logger
    private var connection: WebSocketConnection?

    // Session state, under `mutex`; `condition` signals phase changes and queued events.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var phase = Phase.awaitingCreated
    /// Pull mode: events not yet taken (`queueHead` is the next one).
    private var queue: [RealtimeEvent] = []
    private var queueHead = 0
    private var closedTaken = false
    /// Reading is paused because the pull queue reached `maxEventQueue`.
    private var readingPaused = false
    /// Events that arrived before the session was ready; delivered once it is.
    private var early: [RealtimeEvent] = []
    /// Reply audio received per item, in bytes, to clamp truncation to what really arrived.
    private var audioBytesByItem: [String: Int] = [:]
    /// Function names by item id and call id (preview events omit the name where GA has it).
    private var functionNames: [String: String] = [:]

    // Delivery to the handler, under the recursive `deliveryMutex` so `detach` waits for a running handler
    // unless it is called from inside it.
    private let deliveryMutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var handler: Handler?
    private let pullMode: Bool

    // Outgoing audio events are built in one reused buffer.
    private let sendMutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var appendBuffer: [UInt8] = []

    private init(options: RealtimeSessionOptions, handler: Handler?, logger: Logger) {
        self.options = options
        self.handler = handler
        self.pullMode = handler == nil
        self.logger = logger
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, &attr)
        pthread_condattr_destroy(&attr)
        var recursive = pthread_mutexattr_t()
        pthread_mutexattr_init(&recursive)
        pthread_mutexattr_settype(&recursive, Int32(PTHREAD_MUTEX_RECURSIVE))
        deliveryMutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(deliveryMutex, &recursive)
        pthread_mutexattr_destroy(&recursive)
        sendMutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(sendMutex, nil)
    }

    deinit {
        for m in [mutex, deliveryMutex, sendMutex] {
            pthread_mutex_destroy(m)
            m.deallocate()
        }
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    // MARK: Connecting

    /// Opens a session and returns once the service confirmed its settings (session.updated), or throws.
    /// `handler` nil selects pull mode.
    public static func connect(
        client: ServiceClient, loop: EventLoop, options: RealtimeSessionOptions, handler: Handler?
    ) throws(AzError) -> RealtimeSession {
        try options.validate()
        let configuration = client.configuration
        let url = try WebSocketURL(options.protocolKind.url(endpoint: configuration.endpoint, deployment: options.deployment))
        var limits = WebSocketLimits()
        limits.maxQueuedBytes = options.maxSendQueueBytes
        var settings = configuration.transport
        settings.connectTimeoutMs = min(settings.connectTimeoutMs, options.connectTimeoutMs)
        let session = RealtimeSession(options: options, handler: handler, logger: configuration.logger)
        let deadline = monotonicSeconds() + Double(options.connectTimeoutMs) / 1000
        var refresh = false
        while true {
            let auth = try configuration.credential.header(refresh: refresh)
            do throws(AzError) {
                let connection = try WebSocketConnection.connect(
                    url: url, headers: [(name: auth.name, value: auth.value)], settings: settings, loop: loop,
                    delegate: session, limits: limits, logger: configuration.logger)
                session.lock()
                session.connection = connection
                session.unlock()
                break
            } catch {
                if error.httpStatus == 401, configuration.credential.canRefresh, !refresh {
                    refresh = true
                    continue
                }
                throw error
            }
        }
        configuration.logger.log(.info, "realtime: connected to \(url.redactedDescription), waiting for the session")
        try session.waitUntilReady(deadline: deadline)
        return session
    }

    private func waitUntilReady(deadline: Double) throws(AzError) {
        lock()
        while true {
            switch phase {
            case .ready:
                unlock()
                return
            case .failed(let error):
                unlock()
                connection?.close(code: .normalClosure, reason: "")
                throw error
            case .closed:
                unlock()
                throw AzError(.closed, "the server closed the connection before the session was ready")
            case .awaitingCreated, .awaitingUpdated:
                if !wait(untilMonotonic: deadline) {
                    let waitingFor = if case .awaitingCreated = phase { "session.created" } else { "session.updated" }
                    phase = .failed(AzError(.timeout, "no \(waitingFor) within connect_timeout_ms (\(options.connectTimeoutMs) ms)"))
                }
            }
        }
    }

    // MARK: Sending

    private func liveConnection() throws(AzError) -> WebSocketConnection {
        lock()
        defer { unlock() }
        guard let connection, case .ready = phase else {
            throw AzError(.closed, "the session is closed")
        }
        return connection
    }

    /// Queues caller audio in the session's input format.
    public func sendAudio(_ audio: UnsafeRawBufferPointer) throws(AzError) {
        guard !audio.isEmpty else { throw .invalidArgument("audio is empty") }
        if options.config.inputFormat == .pcm16, audio.count % 2 != 0 {
            throw .invalidArgument("PCM16 audio must be whole 16-bit samples (got \(audio.count) bytes)")
        }
        let connection = try liveConnection()
        pthread_mutex_lock(sendMutex)
        defer { pthread_mutex_unlock(sendMutex) }
        RealtimeClientEvents.appendAudio(audio, into: &appendBuffer)
        let result = appendBuffer.withUnsafeBytes { bytes in
            Result { () throws(AzError) in try connection.send(text: bytes) }
        }
        try result.get()
    }

    /// Queues a client event (a JSON object with a "type").
    public func send(json: String) throws(AzError) {
        try liveConnection().send(text: json)
    }

    /// Checks a caller-supplied event before sending it.
    public func sendChecked(json: String) throws(AzError) {
        let value: JSONValue
        do throws(JSONParseError) { value = try JSONParser.parse(json) } catch {
            throw .invalidArgument("event_json is not valid JSON: \(error)")
        }
        guard value["type"]?.stringValue != nil else { throw .invalidArgument("event_json has no \"type\"") }
        try send(json: json)
    }

    /// Sends conversation.item.truncate at `audioEndMs`, clamped to the reply audio received for the item.
    /// Returns the position sent.
    @discardableResult
    public func truncate(itemID: String, contentIndex: Int, audioEndMs: Int) throws(AzError) -> Int {
        lock()
        let received = audioBytesByItem[itemID]
        unlock()
        guard let received, received > 0 else {
            throw .invalidArgument("no audio of item '\(itemID)' was received: nothing to truncate")
        }
        let receivedMs = received / options.config.outputFormat.bytesPerMillisecond
        let position = max(0, min(audioEndMs, receivedMs))
        try send(json: RealtimeClientEvents.truncate(itemID: itemID, contentIndex: contentIndex, audioEndMs: position))
        return position
    }

    /// Milliseconds of reply audio received so far for an item.
    public func receivedAudioMs(itemID: String) -> Int {
        lock()
        defer { unlock() }
        return (audioBytesByItem[itemID] ?? 0) / options.config.outputFormat.bytesPerMillisecond
    }

    /// Starts the close handshake; a `closed` event follows.
    public func close() {
        lock()
        let connection = self.connection
        unlock()
        connection?.close(code: .normalClosure, reason: "")
    }

    /// Stops delivery to the handler. When it returns, the handler is not running (unless called from inside it)
    /// and will not run again.
    public func detach() {
        pthread_mutex_lock(deliveryMutex)
        handler = nil
        pthread_mutex_unlock(deliveryMutex)
    }

    // MARK: Pull mode

    /// The next event, waiting up to `timeoutMs` (negative: forever). nil on timeout. Throws `.closed` once the
    /// closed event was taken, `.invalidState` in callback mode.
    public func nextEvent(timeoutMs: Int) throws(AzError) -> RealtimeEvent? {
        guard pullMode else {
            throw AzError(.invalidState, "this session delivers events to its callback; next_event is for sessions without one")
        }
        let deadline = timeoutMs < 0 ? nil : monotonicSeconds() + Double(timeoutMs) / 1000
        lock()
        defer { unlock() }
        while true {
            if queueHead < queue.count {
                let event = queue[queueHead]
                queueHead += 1
                if queueHead > 1024 && queueHead * 2 > queue.count {
                    queue.removeFirst(queueHead)
                    queueHead = 0
                }
                if event.kind == .closed { closedTaken = true }
                if readingPaused && queue.count - queueHead <= options.maxEventQueue / 2 {
                    readingPaused = false
                    logger.log(.debug, "realtime: the caller caught up; reading resumed")
                    connection?.resumeReading()
                }
                return event
            }
            if closedTaken { throw AzError(.closed, "the session is closed and every event was taken") }
            if let deadline {
                if !wait(untilMonotonic: deadline) { return nil }
            } else {
                pthread_cond_wait(condition, mutex)
            }
        }
    }

    /// Events waiting in pull mode.
    public var queuedEventCount: Int {
        lock()
        defer { unlock() }
        return queue.count - queueHead
    }

    // MARK: WebSocketConnectionDelegate (loop thread)

    public func webSocket(_ connection: WebSocketConnection, didReceiveText text: UnsafeRawBufferPointer) {
        var event: RealtimeEvent
        do throws(AzError) {
            event = try RealtimeEventDecoder.decode(text)
        } catch {
            logger.log(.warn, "realtime: \(error.message)")
            event = RealtimeEvent.localError(code: "malformed_server_event", message: error.message)
            event.json = #"{"type":"error","error":{"type":"client_error","code":"malformed_server_event","message":"#
                + JSONWriter.quote(error.message) + #","raw":"# + JSONWriter.quote(String(decoding: text.prefix(4096), as: UTF8.self)) + "}}"
        }
        lock()
        track(&event)
        let deliverNow: [RealtimeEvent]
        switch phase {
        case .awaitingCreated:
            early.append(event)
            deliverNow = []
            if event.kind == .sessionCreated {
                phase = .awaitingUpdated
                unlock()
                sendSessionUpdate(connection)
                return
            }
            if event.kind == .error && !event.isLocal { fail(with: event) }
        case .awaitingUpdated:
            early.append(event)
            deliverNow = []
            if event.kind == .sessionUpdated {
                phase = .ready
                let pending = early
                early = []
                unlock()
                deliver(pending)
                lock()
                pthread_cond_broadcast(condition)
                unlock()
                return
            }
            if event.kind == .error && !event.isLocal { fail(with: event) }
        case .ready:
            deliverNow = [event]
        case .failed, .closed:
            deliverNow = []
        }
        unlock()
        deliver(deliverNow)
    }

    public func webSocket(_ connection: WebSocketConnection, didClose info: WebSocketCloseInfo) {
        var reason = info.reason
        if reason.isEmpty, let error = info.error { reason = error.message }
        let event = RealtimeEvent.closed(code: Int(info.code.rawValue), reason: reason)
        logger.log(.info, "realtime: session closed (\(info.code.rawValue)\(reason.isEmpty ? "" : ": " + reason))")
        lock()
        let wasReady: Bool
        switch phase {
        case .ready:
            wasReady = true
        case .awaitingCreated, .awaitingUpdated:
            wasReady = false
            let message = info.error?.message ?? "the server closed the connection (\(info.code.rawValue)\(reason.isEmpty ? "" : ": " + reason))"
            phase = .failed(AzError(info.error?.kind ?? .closed, message + " before the session was ready"))
        case .failed, .closed:
            wasReady = false
        }
        if wasReady { phase = .closed }
        pthread_cond_broadcast(condition)
        unlock()
        if wasReady { deliver([event]) }
    }

    // MARK: Internals

    private func sendSessionUpdate(_ connection: WebSocketConnection) {
        let update = options.config.updateEvent(protocol: options.protocolKind)
        do throws(AzError) {
            try connection.send(text: update)
        } catch {
            lock()
            phase = .failed(error)
            pthread_cond_broadcast(condition)
            unlock()
        }
    }

    /// Under `mutex`: the service rejected the session during setup.
    private func fail(with event: RealtimeEvent) {
        var message = "the service rejected the session settings: \(event.text)"
        if !event.errorParam.isEmpty { message += " (param \(event.errorParam))" }
        phase = .failed(AzError(.badRequest, message, serviceCode: event.errorCode, rawBody: event.json))
        pthread_cond_broadcast(condition)
    }

    /// Under `mutex`: bookkeeping on every event (audio received per item, function names).
    private func track(_ event: inout RealtimeEvent) {
        switch event.kind {
        case .audioDelta:
            audioBytesByItem[event.itemID, default: 0] += event.audio.count
        case .outputItemAdded, .outputItemDone:
            if !event.name.isEmpty {
                if !event.itemID.isEmpty { functionNames[event.itemID] = event.name }
                if !event.callID.isEmpty { functionNames[event.callID] = event.name }
            }
        case .functionCall:
            if event.name.isEmpty { event.name = functionNames[event.itemID] ?? functionNames[event.callID] ?? "" }
        case .itemDeleted:
            audioBytesByItem[event.itemID] = nil
        default:
            break
        }
    }

    private func deliver(_ events: [RealtimeEvent]) {
        guard !events.isEmpty else { return }
        if pullMode {
            lock()
            queue.append(contentsOf: events)
            pthread_cond_broadcast(condition)
            let pause = !readingPaused && queue.count - queueHead >= options.maxEventQueue
            if pause { readingPaused = true }
            let connection = self.connection
            unlock()
            // The queue is full: stop reading until the caller catches up (nothing is dropped).
            if pause {
                logger.log(.debug, "realtime: \(options.maxEventQueue) events wait to be taken; reading paused")
                connection?.pauseReading()
            }
            return
        }
        pthread_mutex_lock(deliveryMutex)
        defer { pthread_mutex_unlock(deliveryMutex) }
        for event in events {
            guard let handler else { return }
            handler(event)
        }
    }

    @inline(__always) private func lock() { pthread_mutex_lock(mutex) }
    @inline(__always) private func unlock() { pthread_mutex_unlock(mutex) }

    /// Under `mutex`: waits for a signal until `deadline` (monotonic seconds). Returns false on timeout.
    private func wait(untilMonotonic deadline: Double) -> Bool {
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
