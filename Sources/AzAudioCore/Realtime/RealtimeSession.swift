/// A realtime session: one WebSocket on a shared event loop, the session handshake, sending, and delivery of
/// decoded events either to a handler on the loop thread or to a bounded queue that any thread pulls from.
///
/// The work is split in parts with one job each, each with its state behind its own typed lock:
/// - `RealtimeLink` (with `RealtimeSetup`): the connection and the setup phase; connect waits on it;
/// - `RealtimeSender`: caller audio converted and coalesced, client events in order (`InputCoalescer`);
/// - `RealtimeInbound`: bookkeeping on received events, barge-in (`BargeInTracker`), reply audio conversion;
/// - `RealtimeDelivery`: the handler or the pull queue (`RealtimePullQueue`).
/// This class wires them together and is the connection's delegate.
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
public final class RealtimeSession: WebSocketConnectionDelegate, @unchecked Sendable {
    /// Takes the event over (`consuming`): delivery hands each event on without copying it.
    public typealias Handler = (consuming RealtimeEvent) -> Void

    public let options: RealtimeSessionOptions
    private let logger: Logger
    let link: RealtimeLink
    private let sender: RealtimeSender
    private let inbound: RealtimeInbound
    let delivery: RealtimeDelivery
    /// Set by `openInBackground` (RealtimeAsyncConnect.swift): reports the outcome once.
    let backgroundConnect = Locked<RealtimeBackgroundConnect?>(nil)
    /// The loop whose tickers send held audio and check liveness (set once connected).
    private let tickLoop = Locked<EventLoop?>(nil)
    private let liveness: RealtimeLiveness
    /// Set by `prepare` (the dialer needs the client).
    private var dialer: RealtimeDialer?
    private var reconnector: RealtimeReconnector?
    private var renewer: RealtimeRenewer?
    /// Loop thread only (every connection of a session is on its dialer's one loop): the ids of the last audio
    /// delta, reused by the next one's decoding. No runtime exclusivity check: its one access (`didReceiveText`'s
    /// inout to the static `decode`, which has no way to reach this session) cannot overlap another.
    @exclusivity(unchecked) private var recentIDs = AudioDeltaScanner.RecentIDs()

    private init(options: RealtimeSessionOptions, handler: Handler?, logger: Logger) {
        self.options = options
        self.logger = logger
        let link = RealtimeLink(wireInput: options.config.inputFormat)
        self.link = link
        sender = RealtimeSender(options: options, link: link, logger: logger)
        inbound = RealtimeInbound(options: options, logger: logger)
        liveness = RealtimeLiveness(link: link, options: options, logger: logger)
        delivery = RealtimeDelivery(handler: handler, maxEventQueue: options.maxEventQueue, logger: logger) {
            [unowned link] in link.connection
        }
    }

    // MARK: Connecting

    /// Opens a session and returns once the service confirmed its settings (session.updated), or throws.
    /// `handler` nil selects pull mode.
    public static func connect(
        client: ServiceClient, loop: EventLoop, options: RealtimeSessionOptions, handler: Handler?
    ) throws(AzError) -> RealtimeSession {
        let session = try prepare(client: client, loop: loop, options: options, handler: handler)
        try session.open()
        return session
    }

    /// A session that is not connected yet: the options are checked and its parts made; `open()` (or
    /// `openInBackground`, RealtimeAsyncConnect.swift) connects it. `handler` nil selects pull mode.
    public static func prepare(
        client: ServiceClient, loop: EventLoop, options: RealtimeSessionOptions, handler: Handler?
    ) throws(AzError) -> RealtimeSession {
        try options.validate()
        let dialer = try RealtimeDialer(client: client, loop: loop, options: options)
        let session = RealtimeSession(options: options, handler: handler, logger: dialer.configuration.logger)
        session.dialer = dialer
        session.reconnector = RealtimeReconnector(
            options: options, dialer: dialer, link: session.link,
            sender: session.sender, inbound: session.inbound, delivery: session.delivery, logger: session.logger)
        session.renewer = RealtimeRenewer(
            options: options, dialer: dialer, link: session.link, sender: session.sender, inbound: session.inbound,
            delivery: session.delivery, reconnector: session.reconnector!, session: session, logger: session.logger)
        return session
    }

    /// Connects a prepared session: dials, waits for the service to confirm the settings, starts the tickers.
    /// Blocks the calling thread; throws `.cancelled` when `close()` came first.
    func open() throws(AzError) {
        guard let dialer else { throw AzError(.internal, "the session was not prepared") }
        let options = self.options
        let deadline = monotonicSeconds() + Double(options.connectTimeoutMs) / 1000
        let dialStarted = Monotonic.now()
        let connection: WebSocketConnection
        do throws(AzError) {
            connection = try dialer.dial(delegate: self)
        } catch {
            throw options.protocolKind.suggestingGA(error)
        }
        let handshakeMs = Int(Monotonic.now() - dialStarted)
        let closing = sender.exclusively { (sendsStopped) in
            link.state.withLock { (state) -> Bool in
                if !state.closing { state.setConnection(connection, sendsStopped) }
                return state.closing
            }
        }
        if closing {
            connection.close(code: .normalClosure, reason: "")
            throw RealtimeSession.closedBeforeReady
        }
        logger.log(.info, "realtime: connected to \(dialer.url.redacted), waiting for the session")
        do throws(AzError) {
            try link.waitUntilReady(deadline: deadline, connectTimeoutMs: options.connectTimeoutMs)
        } catch {
            throw options.protocolKind.suggestingGA(error)
        }
        inbound.connected(handshakeMs: handshakeMs, readyMs: Int(Monotonic.now() - dialStarted))
        let loop = dialer.loop
        tickLoop.withLock { $0 = loop }
        if sender.coalesces {
            // Held audio never waits much beyond the hold time: the ticker looks twice per hold time.
            loop.addTicker(sender, intervalMs: max(5, options.inputCoalesceMs / 2))
        }
        // (Weak to the renewer, not to the session: a weak reference moves its target's reference count to a side
        // table, and the session is retained on every frame.)
        liveness.onTick = { [weak renewer] in renewer?.check() }
        if liveness.isActive || options.reconnectMaxAttempts > 0 {
            loop.addTicker(liveness, intervalMs: liveness.intervalMs)
        }
        // A close() that came while the tickers were added (possible with openInBackground) stops them again.
        if link.state.withLock({ $0.closing }) { stopTicking() }
    }

    static let closedBeforeReady = AzError(.cancelled, "the session was closed before it was ready")

    // MARK: Sending

    /// Queues caller audio: in `options.callerInput` if set (converted to the session's input format on the way;
    /// passed through unchanged when it is that format), else in the session's input format.
    ///
    /// With conversion, `.busy` is decided before the audio enters the converter, so audio refused as busy was not
    /// consumed and may be sent again.
    public func sendAudio(_ audio: UnsafeRawBufferPointer) throws(AzError) { try sender.sendAudio(audio) }

    /// input_audio_buffer.commit, after the audio the input resampler still holds back (its last few ms).
    public func commit() throws(AzError) {
        if options.kind.isTranslation {
            throw AzError(.invalidState, "a translation session has no input buffer to commit")
        }
        try sender.commit()
    }

    /// input_audio_buffer.clear; the input resampler's held-back audio is dropped too.
    public func clear() throws(AzError) {
        if options.kind.isTranslation {
            throw AzError(.invalidState, "a translation session has no input buffer to clear")
        }
        try sender.clear()
    }

    /// Queues a client event (a JSON object with a "type").
    public func send(json: String) throws(AzError) { try sender.send(json: json) }

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
    /// Returns the position sent. An item whose audio came from an earlier session is cut as text instead
    /// (`RealtimeInbound.cutIfReplayed`).
    @discardableResult
    public func truncate(itemID: String, contentIndex: Int, audioEndMs: Int) throws(AzError) -> Int {
        try options.kind.require(conversation: "truncating a reply item")
        let position = try inbound.truncatePosition(itemID: itemID, audioEndMs: audioEndMs)
        if let cut = inbound.cutIfReplayed(itemID: itemID, contentIndex: contentIndex, audioEndMs: position) {
            for json in cut.events { try send(json: json) }
            reconnector?.deliverOnLoop(cut.notice)
            return position
        }
        try send(json: RealtimeClientEvents.truncate(itemID: itemID, contentIndex: contentIndex, audioEndMs: position))
        return position
    }

    /// Milliseconds of reply audio received so far for an item.
    public func receivedAudioMs(itemID: String) -> Int { inbound.receivedAudioMs(itemID: itemID) }

    /// The host has played `ms` of the item's audio in all: the position barge-in truncates at. Reports below an
    /// earlier one are ignored. Throws `.invalidArgument` when no audio of the item was received, `.invalidState` in
    /// a transcription or translation session (no reply items, no barge-in).
    public func audioPlayed(itemID: String, ms: Int) throws(AzError) {
        try options.kind.require(conversation: "reporting played reply audio")
        try inbound.audioPlayed(itemID: itemID, ms: ms)
    }

    /// Milliseconds of the item's audio the host reported played.
    public func playedAudioMs(itemID: String) -> Int { inbound.playedAudioMs(itemID: itemID) }

    /// Starts the close handshake; a `closed` event follows.
    public func close() {
        let (connection, ready, settingUp) = link.state.withLock { (state) in
            state.closing = true
            // A connect still in flight (openInBackground) ends here: the waiting connect wakes and gives up.
            let settingUp = state.setup.cancelSetup(RealtimeSession.closedBeforeReady)
            return (state.connection, state.readyConnection, settingUp)
        }
        // A connect in the background is reported now: cancelled, or (ready, not yet reported) connected. One
        // that failed on its own is left to its thread, which reports the failure.
        if settingUp {
            link.state.broadcast()
            reportBackgroundConnect(RealtimeSession.closedBeforeReady, closing: true)
        } else if ready != nil {
            reportBackgroundConnect(nil, closing: true)
        }
        renewer?.abandonStandby()
        if let ready { sender.flushBeforeClose(on: ready) }
        stopTicking()
        // A translation session ends with session.close: the service sends what is left, session.closed, and closes.
        if options.kind.isTranslation, let ready, (try? ready.send(text: TranslationSessionConfig.close)) != nil {
            return
        }
        connection?.close(code: .normalClosure, reason: "")
    }

    /// Stops delivery to the handler. When it returns, the handler is not running (unless called from inside it)
    /// and will not run again.
    public func detach() { delivery.detach() }

    // MARK: Pull mode

    /// The next event, waiting up to `timeoutMs` (negative: forever). nil on timeout. Throws `.closed` once the
    /// closed event was taken, `.invalidState` in callback mode.
    public func nextEvent(timeoutMs: Int) throws(AzError) -> RealtimeEvent? {
        try delivery.nextEvent(timeoutMs: timeoutMs)
    }

    /// Speech end (or response start) to first reply audio over the session so far: count, median, p95 (ms;
    /// -1 without any).
    public var latencySummary: (count: Int, medianMs: Int, p95Ms: Int) { inbound.latencySummary }

    /// The same to the first audible reply audio (`TurnLatency`, `AudibleGate`).
    public var audibleLatencySummary: (count: Int, medianMs: Int, p95Ms: Int) { inbound.audibleLatencySummary }

    /// Pull mode in batches: up to `limit` events (at least 1), waiting up to `timeoutMs` for the first one; empty on
    /// timeout (see `RealtimeDelivery.takeEvents`).
    public func takeEvents(upTo limit: Int, timeoutMs: Int) throws(AzError) -> [RealtimeEvent] {
        try delivery.takeEvents(upTo: limit, timeoutMs: timeoutMs)
    }

    /// Events waiting in pull mode.
    public var queuedEventCount: Int { delivery.queuedEventCount }

    /// Pull mode: a file descriptor readable exactly while events wait to be taken (for an event loop). It belongs
    /// to the session and stays open until the session is freed.
    public func eventFD() throws(AzError) -> Int32 { try delivery.eventFD() }

    // MARK: WebSocketConnectionDelegate (loop thread)

    public func webSocket(_ connection: WebSocketConnection, didReceiveText text: UnsafeRawBufferPointer) {
        var event = Self.decode(text, logger: logger, recent: &recentIDs)
        let (phase, wireInput, retired) = link.state.withLock { (state) in
            if event.kind == .speechStarted { state.voicedInputPending = false }  // (renewal: the service heard it)
            return (state.setup.phase, state.wireInput, state.isRetired(connection))
        }
        if retired { return }  // the session a renewal switched away from
        var confirmedInput: AudioFormat?
        let verdict = inbound.receive(&event, phase: phase, wireInput: wireInput, confirmedInput: &confirmedInput)
        if let confirmedInput { link.state.withLock { $0.wireInput = confirmedInput } }
        let reaction: BargeInReaction
        var extra: RealtimeEvent?
        switch verdict {
        case .drop:
            return
        case .setupFailed(let error):
            // Only during setup: the session is not opened (connect closes it).
            link.update { $0.setup.fail(error) }
            return
        case .deliverAsIs:
            if phase.isReady, !inbound.convertsOutput(event) {
                // The common case (every audio delta of a ready session): one event, delivered as it is (handed
                // over, not copied).
                delivery.deliver(consume event)
                return
            }
            reaction = BargeInReaction()
        case .deliver(let made, let after):
            reaction = made
            extra = after
        }
        var events = inbound.events(for: event, reaction: reaction, connection: connection)
        if let extra { events.append(extra) }
        switch link.state.withLock({ $0.setup.admit(events, trigger: event) }) {
        case .deliver(let now):
            delivery.deliver(now)
        case .sendConfiguration:
            sendSessionUpdate(connection)
        case .resumed(let sessionID):
            reconnector?.resumed(on: connection, sessionID: sessionID)
        case .becameReady(let early):
            delivery.deliver(early)
            link.state.broadcast()
        case .none:
            link.state.broadcast()  // (a setup rejected by the service wakes connect)
        }
        if event.kind == .responseDone { renewer?.check() }  // a turn boundary: a renewal may switch now
    }

    public func webSocket(_ connection: WebSocketConnection, didClose info: WebSocketCloseInfo) {
        var reason = info.reason
        if reason.isEmpty, let error = info.error { reason = error.message }
        logger.log(.info, "realtime: connection closed (\(info.code.rawValue)\(reason.isEmpty ? "" : ": " + reason))")
        var wasReady = false
        var stale = false
        var renewed = false
        let mayReconnect = reconnector?.isEnabled == true && ReconnectPolicy.mayReconnect(after: info)
        // (Under the sender's lock: the link's connection may change; a send under way ends first.)
        sender.exclusively { (sendsStopped) in
            link.update { state in
                if let index = state.retired.firstIndex(of: ObjectIdentifier(connection)) {
                    state.retired.remove(at: index)  // switched away from by a renewal: its end is no news
                    stale = true
                    return
                }
                if state.renewing, state.connection === connection {
                    // The renewal closed it on purpose: the new session opens now.
                    state.renewing = false
                    state.setConnection(nil, sendsStopped)
                    renewed = true
                    return
                }
                // A reconnect attempt that was given up on (its successor may already be on the link).
                stale = state.setup.resuming && state.connection !== connection && state.connection != nil
                if !stale { wasReady = state.setup.connectionEnded(info) }
                // A reconnect follows: from now on the caller's input is held for the next session, not refused.
                if wasReady, mayReconnect, !state.closing { state.holdsInput = true }
            }
        }
        if renewed {
            reconnector?.renewalClosed(delegate: self)
            return
        }
        guard !stale else { return }
        if wasReady, renewer?.promoteStandby(after: info, reason: reason) == true { return }
        if wasReady { renewer?.abandonStandby() }
        if wasReady, reconnector?.connectionLost(info, reason: reason, delegate: self) == true { return }
        if wasReady {
            stopTicking()
            delivery.deliver(.closed(code: Int(info.code.rawValue), reason: reason))
        }
    }

    // MARK: Internals

    private static func decode(
        _ text: UnsafeRawBufferPointer, logger: Logger, recent: inout AudioDeltaScanner.RecentIDs
    ) -> RealtimeEvent {
        do throws(AzError) {
            return try RealtimeEventDecoder.decode(text, recent: &recent)
        } catch {
            logger.log(.warn, "realtime: \(error.message)")
            var event = RealtimeEvent.localError(code: "malformed_server_event", message: error.message)
            event.json =
                #"{"type":"error","error":{"type":"client_error","code":"malformed_server_event","message":"#
                + JSONWriter.quote(error.message) + #","raw":"#
                + JSONWriter.quote(String(decoding: text.prefix(4096), as: UTF8.self)) + "}}"
            return event
        }
    }

    private func sendSessionUpdate(_ connection: WebSocketConnection) {
        let update = options.kind.updateEvent(options)
        do throws(AzError) {
            try connection.send(text: update)
        } catch {
            link.update { $0.setup.fail(error) }
        }
    }

    private func stopTicking() {
        guard let loop = tickLoop.withLock({ $0 }) else { return }
        loop.removeTicker(sender)
        loop.removeTicker(liveness)
    }
}
