import Glibc

/// A realtime session: one WebSocket on a shared event loop, the session handshake, sending, and delivery of
/// decoded events either to a handler on the loop thread or to a bounded queue that any thread pulls from.
///
/// Audio formats: with `options.callerInput` / `callerOutput` set, sent audio is converted from the caller's format
/// to the session's and received audio back (`AudioStreamConverter`, state kept per session). The formats the
/// service confirms in session.updated are checked against the ones asked for (a mismatch fails `connect`) and
/// followed afterwards (a later session.update that changes them changes what the conversions read and write).
///
/// Barge-in: with `options.bargeIn`, a speech start during a response, or while its audio is not all played,
/// cancels the response (unless the server does), truncates the item at the position the host reported played
/// (`audioPlayed`), clamped to the audio received, and delivers a `playbackFlush` event right after the speech
/// start. All of it happens on the loop thread as the speech start is read, without blocking.
///
/// Input coalescing: with `options.inputCoalesceMs`, input audio is held (`InputCoalescer`) and sent as one
/// append once that much waits; other client events and close send it first; the loop's ticker sends audio that
/// waited that long when the caller stopped sending.
///
/// Threads: `send*`, `truncate`, `audioPlayed`, `close`, `nextEvent` and `detach` are safe from any thread,
/// including from the handler. The handler runs on the loop thread, one event at a time, in order.
public final class RealtimeSession: WebSocketConnectionDelegate, EventLoopTicker, @unchecked Sendable {
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
    /// Reply audio received and played per item, the running response: truncation clamping and barge-in.
    private var playback: BargeInTracker
    /// The session's audio formats as the service confirmed them (initially as asked).
    private var wireInput: RealtimeAudioFormat
    private var wireOutput: RealtimeAudioFormat
    /// Numbers the event ids of the library's own barge-in events.
    private var bargeInCount = 0
    /// Function names by item id and call id (preview events omit the name where GA has it).
    private var functionNames: [String: String] = [:]

    // Delivery to the handler, under the recursive `deliveryMutex` so `detach` waits for a running handler
    // unless it is called from inside it.
    private let deliveryMutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var handler: Handler?
    private let pullMode: Bool

    // Outgoing audio events are built in one reused buffer.
    private let sendMutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// Caller input to wire input, under `sendMutex` (nil until needed).
    private var inputConverter: AudioStreamConverter?
    /// Held input audio, under `sendMutex` (nil: coalescing off).
    private var coalescer: InputCoalescer?
    /// The loop whose ticker sends held audio (coalescing only; under `mutex`).
    private var tickLoop: EventLoop?

    // Loop thread only: wire output to caller output, and the item whose audio it is converting.
    private var outputConverter: AudioStreamConverter?
    private var outputItem: String?

    private init(options: RealtimeSessionOptions, handler: Handler?, logger: Logger) {
        self.options = options
        self.handler = handler
        self.pullMode = handler == nil
        self.logger = logger
        if options.inputCoalesceMs > 0 { coalescer = InputCoalescer(holdMs: Int(options.inputCoalesceMs)) }
        wireInput = options.config.inputFormat
        wireOutput = options.config.outputFormat
        var interrupts = false
        switch options.config.turnDetection {
        case .serverVAD(_, _, _, _, let interrupt), .semanticVAD(_, _, let interrupt): interrupts = interrupt
        case .none: interrupts = false
        }
        playback = BargeInTracker(wireBytesPerMs: options.config.outputFormat.bytesPerMillisecond, serverInterrupts: interrupts)
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
        if options.inputCoalesceMs > 0 {
            // Held audio never waits much beyond the hold time: the ticker looks twice per hold time.
            session.lock()
            session.tickLoop = loop
            session.unlock()
            loop.addTicker(session, intervalMs: max(5, options.inputCoalesceMs / 2))
        }
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

    /// Under `mutex`: the connection while the session is ready, else nil.
    private var readyConnection: WebSocketConnection? {
        if case .ready = phase { connection } else { nil }
    }

    private static let closedError = AzError(.closed, "the session is closed")

    private func liveConnection() throws(AzError) -> WebSocketConnection {
        lock()
        defer { unlock() }
        guard let connection = readyConnection else { throw Self.closedError }
        return connection
    }

    /// Queues caller audio: in `options.callerInput` if set (converted to the session's input format on the way;
    /// passed through unchanged when it is that format), else in the session's input format.
    ///
    /// With conversion, `.busy` is decided before the audio enters the converter, so audio refused as busy was not
    /// consumed and may be sent again.
    public func sendAudio(_ audio: UnsafeRawBufferPointer) throws(AzError) {
        guard !audio.isEmpty else { throw .invalidArgument("audio is empty") }
        lock()  // once per call: the wire format and the connection together
        let wire = wireInput.stream
        let live = readyConnection
        unlock()
        let caller = options.callerInput ?? wire
        if caller.format == .pcm16, audio.count % 2 != 0 {
            throw .invalidArgument("PCM16 audio must be whole 16-bit samples (got \(audio.count) bytes)")
        }
        guard let connection = live else { throw Self.closedError }
        pthread_mutex_lock(sendMutex)
        defer { pthread_mutex_unlock(sendMutex) }
        guard caller != wire else {
            try queueAppend(audio, wire: wire, on: connection)
            return
        }
        let converter = try inputConverter(from: caller, to: wire)
        // Refuse before converting, so the converter's state only ever advances for audio that is sent.
        let held = coalescer?.held.count ?? 0
        let bound = WebSocketFrameEncoder.frameSize(
            payloadCount: 64 + Base64.encodedLength(held + converter.maxOutputBytes(forInput: audio.count)))
        let queued = connection.queuedBytes
        if queued > 0 && queued + bound > options.maxSendQueueBytes {
            throw AzError(.busy, "the send queue is full (\(queued) bytes waiting, limit \(options.maxSendQueueBytes))")
        }
        try converter.convert(audio) { (converted: UnsafeRawBufferPointer) throws(AzError) in
            if !converted.isEmpty { try queueAppend(converted, wire: wire, on: connection) }
        }
    }

    /// Under `sendMutex`: wire-format audio to send now, or to hold while coalescing. Audio refused (busy, closed)
    /// is not held.
    private func queueAppend(_ audio: UnsafeRawBufferPointer, wire: AudioStreamFormat, on connection: WebSocketConnection)
        throws(AzError)
    {
        guard var held = coalescer else { return try sendAppend(audio, on: connection) }
        coalescer = nil  // (moved out while it changes, so the array is not copied)
        defer { coalescer = held }
        let bytesPerMs = wire.bytesPerMillisecond
        guard held.reachesThreshold(adding: audio.count, bytesPerMs: bytesPerMs) else {
            held.hold(audio, nowMs: Monotonic.now())
            return
        }
        if held.isEmpty { return try sendAppend(audio, on: connection) }
        let before = held.held.count
        held.hold(audio, nowMs: Monotonic.now())
        do throws(AzError) {
            try sendHeld(held, on: connection)
            held.clear()
        } catch {
            held.keepFirst(before)
            throw error
        }
    }

    /// Under `sendMutex`: one append of everything `held` holds.
    private func sendHeld(_ held: InputCoalescer, on connection: WebSocketConnection) throws(AzError) {
        let result = held.held.withUnsafeBytes { bytes in
            Result { () throws(AzError) in try sendAppend(bytes, on: connection) }
        }
        try result.get()
    }

    /// Under `sendMutex`: sends the held audio, if any (before another client event, so events keep their order).
    private func flushHeld(on connection: WebSocketConnection) throws(AzError) {
        guard var held = coalescer, !held.isEmpty else { return }
        coalescer = nil
        defer { coalescer = held }
        try sendHeld(held, on: connection)
        held.clear()
    }

    /// Loop thread, coalescing only: sends held audio that waited the hold time (the caller stopped sending).
    public func tick() {
        guard pthread_mutex_trylock(sendMutex) == 0 else { return }  // a sender is at it: it sends or holds
        defer { pthread_mutex_unlock(sendMutex) }
        guard let held = coalescer, held.isDue(nowMs: Monotonic.now()) else { return }
        lock()
        let live = readyConnection
        unlock()
        guard let live else { return }
        do throws(AzError) {
            try flushHeld(on: live)
        } catch {
            // Busy: try again on the next tick. Anything else ends the session anyway.
            if error.kind != .busy { coalescer?.clear() }
            logger.log(.debug, "realtime: held input audio not sent yet: \(error.message)")
        }
    }

    /// Under `sendMutex`: one input_audio_buffer.append of wire-format audio.
    private func sendAppend(_ audio: UnsafeRawBufferPointer, on connection: WebSocketConnection) throws(AzError) {
        try connection.send(textCount: RealtimeClientEvents.appendAudioCount(audio.count)) { out in
            RealtimeClientEvents.writeAppendAudio(audio, into: out)
        }
    }

    /// Under `sendMutex`: the converter from the caller's input format to the current wire format.
    private func inputConverter(from caller: AudioStreamFormat, to wire: AudioStreamFormat) throws(AzError)
        -> AudioStreamConverter
    {
        if let existing = inputConverter, existing.from == caller, existing.to == wire { return existing }
        guard let made = AudioStreamConverter(from: caller, to: wire) else {
            throw AzError(.unsupported, "cannot convert \(caller) to \(wire)")
        }
        inputConverter = made
        return made
    }

    /// input_audio_buffer.commit, after the audio the input resampler still holds back (its last few ms).
    public func commit() throws(AzError) {
        let connection = try liveConnection()
        pthread_mutex_lock(sendMutex)
        defer { pthread_mutex_unlock(sendMutex) }
        if let converter = inputConverter {
            try converter.flush { (tail: UnsafeRawBufferPointer) throws(AzError) in
                if !tail.isEmpty { try queueAppend(tail, wire: converter.to, on: connection) }
            }
        }
        try flushHeld(on: connection)
        try connection.send(text: RealtimeClientEvents.commit)
    }

    /// input_audio_buffer.clear; the input resampler's held-back audio is dropped too.
    public func clear() throws(AzError) {
        let connection = try liveConnection()
        pthread_mutex_lock(sendMutex)
        defer { pthread_mutex_unlock(sendMutex) }
        inputConverter?.reset()
        coalescer?.clear()
        try connection.send(text: RealtimeClientEvents.clear)
    }

    /// Queues a client event (a JSON object with a "type").
    public func send(json: String) throws(AzError) {
        let connection = try liveConnection()
        pthread_mutex_lock(sendMutex)
        defer { pthread_mutex_unlock(sendMutex) }
        try flushHeld(on: connection)
        try connection.send(text: json)
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
        let received = playback.receivedBytes(itemID: itemID) ?? 0
        let receivedMs = playback.receivedMs(itemID: itemID)
        unlock()
        guard received > 0 else {
            throw .invalidArgument("no audio of item '\(itemID)' was received: nothing to truncate")
        }
        let position = max(0, min(audioEndMs, receivedMs))
        try send(json: RealtimeClientEvents.truncate(itemID: itemID, contentIndex: contentIndex, audioEndMs: position))
        return position
    }

    /// Milliseconds of reply audio received so far for an item.
    public func receivedAudioMs(itemID: String) -> Int {
        lock()
        defer { unlock() }
        return playback.receivedMs(itemID: itemID)
    }

    /// The host has played `ms` of the item's audio in all: the position barge-in truncates at. Reports below an
    /// earlier one are ignored. Throws `.invalidArgument` when no audio of the item was received.
    public func audioPlayed(itemID: String, ms: Int) throws(AzError) {
        guard ms >= 0 else { throw .invalidArgument("played ms is negative") }
        lock()
        let known = playback.played(itemID: itemID, ms: ms)
        unlock()
        guard known else {
            throw .invalidArgument("no audio of item '\(itemID)' was received: give the item_id of its audio events")
        }
    }

    /// Milliseconds of the item's audio the host reported played.
    public func playedAudioMs(itemID: String) -> Int {
        lock()
        defer { unlock() }
        return playback.playedMs(itemID: itemID)
    }

    /// Starts the close handshake; a `closed` event follows.
    public func close() {
        lock()
        let connection = self.connection
        let ready = readyConnection
        let tickLoop = self.tickLoop
        unlock()
        if let ready, coalescer != nil {
            // The audio the caller handed over goes out before the close (best effort: a full queue drops it).
            pthread_mutex_lock(sendMutex)
            try? flushHeld(on: ready)
            pthread_mutex_unlock(sendMutex)
        }
        tickLoop?.removeTicker(self)
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
        if event.kind == .sessionUpdated, let error = followConfirmedSession(event) {
            // Only during setup: the session is not opened (connect closes it).
            phase = .failed(error)
            pthread_cond_broadcast(condition)
            unlock()
            return
        }
        var reaction = BargeInReaction()
        if case .ready = phase, event.kind == .speechStarted, options.bargeIn {
            reaction = bargeIn(after: event)
        }
        if event.kind == .audioDelta, playback.shouldDrop(itemID: event.itemID, responseID: event.responseID) {
            unlock()
            return  // in flight when the item was cut: the host already flushed it
        }
        if event.kind == .error, event.errorCode == "response_cancel_not_active",
            event.eventID.hasPrefix(Self.bargeInEventPrefix)
        {
            unlock()
            return  // our barge-in cancel crossed the response's end: nothing was left to cancel
        }
        if case .ready = phase, reaction.isEmpty, !convertsOutput(event) {
            // The common case (every audio delta of a ready session): one event, delivered as it is.
            unlock()
            deliver(event)
            return
        }
        unlock()
        var events = convertOutput(event)
        events += reaction.events(connection: connection, logger: logger)
        lock()
        let deliverNow: [RealtimeEvent]
        switch phase {
        case .awaitingCreated:
            early += events
            deliverNow = []
            if event.kind == .sessionCreated {
                phase = .awaitingUpdated
                unlock()
                sendSessionUpdate(connection)
                return
            }
            if event.kind == .error && !event.isLocal { fail(with: event) }
        case .awaitingUpdated:
            early += events
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
            deliverNow = events
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
        lock()
        let tickLoop = self.tickLoop
        unlock()
        tickLoop?.removeTicker(self)
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

    /// Under `mutex`: bookkeeping on every event (audio received per item, responses, function names).
    private func track(_ event: inout RealtimeEvent) {
        switch event.kind {
        case .audioDelta:
            playback.audioReceived(itemID: event.itemID, responseID: event.responseID,
                contentIndex: event.contentIndex, bytes: event.audio.count)
        case .responseCreated:
            playback.responseCreated(event.responseID)
        case .responseDone:
            playback.responseDone(event.responseID)
        case .outputItemAdded, .outputItemDone:
            if !event.name.isEmpty {
                if !event.itemID.isEmpty { functionNames[event.itemID] = event.name }
                if !event.callID.isEmpty { functionNames[event.callID] = event.name }
            }
        case .functionCall:
            if event.name.isEmpty { event.name = functionNames[event.itemID] ?? functionNames[event.callID] ?? "" }
        case .itemDeleted:
            playback.itemDeleted(event.itemID)
        default:
            break
        }
    }

    /// Under `mutex`: follows the formats and turn detection a session.updated confirms. During setup, returns the
    /// error if the formats are not the ones asked for.
    private func followConfirmedSession(_ event: RealtimeEvent) -> AzError? {
        let confirmed = ConfirmedSession(eventJSON: event.json)
        if case .awaitingUpdated = phase {
            do throws(AzError) {
                try confirmed.check(input: options.config.inputFormat, output: options.config.outputFormat)
            } catch {
                logger.log(.error, "realtime: \(error.message)")
                return error
            }
            if case .absent = confirmed.output {
                logger.log(.warn, "realtime: session.updated does not state the audio formats; assuming the ones asked for")
            }
        }
        if case .known(let format) = confirmed.input, format != wireInput {
            logger.log(.info, "realtime: the session's input audio is now \(format.previewName)")
            wireInput = format
        }
        if case .known(let format) = confirmed.output, format != wireOutput {
            logger.log(.info, "realtime: the session's output audio is now \(format.previewName)")
            wireOutput = format
            playback.wireBytesPerMs = format.bytesPerMillisecond
        }
        if let interrupts = confirmed.serverInterrupts { playback.serverInterrupts = interrupts }
        return nil
    }

    /// Event ids of the library's barge-in events start with this.
    static let bargeInEventPrefix = "azaudio_barge_in_"

    /// What a barge-in sends and delivers, decided under `mutex`, carried out after it.
    private struct BargeInReaction {
        var outgoing: [String] = []
        var flush: RealtimeEvent?

        var isEmpty: Bool { outgoing.isEmpty && flush == nil }

        /// Sends the events (loop thread, non-blocking) and returns the flush event to deliver; a send that fails
        /// becomes a local error event after it.
        func events(connection: WebSocketConnection, logger: Logger) -> [RealtimeEvent] {
            var made: [RealtimeEvent] = []
            if let flush { made.append(flush) }
            for json in outgoing {
                do throws(AzError) {
                    try connection.send(text: json)
                } catch {
                    logger.log(.warn, "realtime: barge-in could not send its event: \(error.message)")
                    made.append(.localError(code: "barge_in_failed", message: "barge-in could not send \(json): \(error.message)"))
                }
            }
            return made
        }
    }

    /// Under `mutex`: the user started speaking. Decides the barge-in and resets the output conversion if audio
    /// is flushed.
    private func bargeIn(after event: RealtimeEvent) -> BargeInReaction {
        let decision = playback.speechStarted()
        var reaction = BargeInReaction()
        guard !decision.isEmpty else { return reaction }
        bargeInCount += 1
        let tag = Self.bargeInEventPrefix + String(bargeInCount)
        if let id = decision.cancelResponseID {
            reaction.outgoing.append(RealtimeClientEvents.cancelResponse(id, eventID: tag + "_cancel"))
        }
        if let cut = decision.truncate {
            reaction.outgoing.append(RealtimeClientEvents.truncate(
                itemID: cut.itemID, contentIndex: cut.contentIndex, audioEndMs: cut.audioEndMs, eventID: tag + "_truncate"))
        }
        if let flush = decision.flush {
            reaction.flush = .playbackFlush(itemID: flush.itemID, responseID: decision.cancelResponseID ?? "",
                audioMs: flush.audioEndMs, truncated: decision.truncate != nil, cancelled: decision.cancelResponseID != nil)
            if outputItem == flush.itemID {
                outputConverter?.reset()
                outputItem = nil
            }
        }
        logger.log(.info, "realtime: barge-in at \(event.audioMs) ms of input: "
            + (decision.flush.map { "flush item \($0.itemID) at \($0.audioEndMs) ms played" } ?? "no audio to flush")
            + (decision.truncate == nil ? ", no truncate" : ", truncate sent")
            + (decision.cancelResponseID == nil ? "" : ", response cancelled"))
        return reaction
    }

    /// Loop thread: converts reply audio to the caller's output format. Returns the events to deliver: the event
    /// itself, preceded at an item's audio end by a delta with what the resampler still held.
    /// True when `convertOutput` may change `event` (reply audio while the caller asked for another output format).
    private func convertsOutput(_ event: RealtimeEvent) -> Bool {
        options.callerOutput != nil && (event.kind == .audioDelta || event.kind == .audioDone)
    }

    private func convertOutput(_ event: RealtimeEvent) -> [RealtimeEvent] {
        guard let caller = options.callerOutput, event.kind == .audioDelta || event.kind == .audioDone else {
            return [event]
        }
        lock()
        let wire = wireOutput.stream
        unlock()
        guard caller != wire else { return [event] }
        if outputConverter == nil || outputConverter?.from != wire || outputConverter?.to != caller {
            outputConverter = AudioStreamConverter(from: wire, to: caller)
            outputItem = nil
        }
        guard let converter = outputConverter else { return [event] }
        var event = event
        if event.kind == .audioDelta {
            if outputItem != event.itemID {
                converter.reset()
                outputItem = event.itemID
            }
            event.audio = converter.convert(event.audio.buffer) { (bytes: UnsafeRawBufferPointer) -> AudioBytes in
                AudioBytes.copying(bytes)
            }
            return [event]
        }
        // Audio done: emit the held-back tail of this item's stream.
        guard outputItem == event.itemID else { return [event] }
        outputItem = nil
        let tail = converter.flush { (bytes: UnsafeRawBufferPointer) -> AudioBytes in AudioBytes.copying(bytes) }
        guard tail.count > 0 else { return [event] }
        return [.audioTail(of: event, audio: tail, protocol: options.protocolKind), event]
    }

    private func deliver(_ events: [RealtimeEvent]) {
        for event in events { deliver(event) }
    }

    /// Hands one event to the handler (loop thread) or the pull queue. A full pull queue stops reading until the
    /// caller catches up: nothing is dropped.
    private func deliver(_ event: RealtimeEvent) {
        if pullMode {
            lock()
            queue.append(event)
            pthread_cond_broadcast(condition)
            let pause = !readingPaused && queue.count - queueHead >= options.maxEventQueue
            if pause { readingPaused = true }
            let connection = self.connection
            unlock()
            if pause {
                logger.log(.debug, "realtime: \(options.maxEventQueue) events wait to be taken; reading paused")
                connection?.pauseReading()
            }
            return
        }
        pthread_mutex_lock(deliveryMutex)
        defer { pthread_mutex_unlock(deliveryMutex) }
        handler?(event)
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
