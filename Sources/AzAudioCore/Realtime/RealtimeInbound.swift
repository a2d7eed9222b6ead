/// The receiving half of a realtime session, after decoding: bookkeeping on every server event (reply audio per
/// item, the running response, function names), the formats a session.updated confirms, barge-in, and the
/// conversion of reply audio to the caller's output format.
///
/// Its bookkeeping is under one lock, taken once per event on the loop thread and by the host's `played` /
/// `truncate` calls from any thread. The output converter is loop-thread only.
final class RealtimeInbound: @unchecked Sendable {
    struct State {
        /// Reply audio received and played per item, the running response: truncation clamping and barge-in.
        var playback: BargeInTracker
        /// The session's output format as the service confirmed it (initially as asked).
        var wireOutput: AudioFormat
        /// Numbers the event ids of the library's own barge-in events.
        var bargeInCount = 0
        /// Function names by item id and call id (preview events omit the name where GA has it).
        var functionNames: [String: String] = [:]
        /// The conversation so far, for a replay into a new session.
        var mirror: ConversationMirror
        /// When to renew the session before its cap.
        var renewal: RenewalPlan
        /// What a make-before-break standby was given of the conversation (nil: no standby).
        var ledger: ReplayLedger?
        /// Per-turn latency figures.
        var latency = TurnLatency()
        /// Connect timing (ms): the WebSocket handshake, and connect to session ready.
        var handshakeMs = -1, readyMs = -1
        /// Responses made outside the conversation: their events are marked and not mirrored.
        var outOfBand = OutOfBandResponses()
        /// Items the library deleted to create again in place (catch-up, a cut of replayed text): their
        /// conversation.item.deleted does not remove them from the mirror or the barge-in bookkeeping.
        var replacing: Set<String> = []
    }

    /// What to do with one received event.
    enum Verdict {
        /// Not for the app (audio of a cut item still in flight; our barge-in cancel crossing the response's end).
        case drop
        /// The session.updated of the setup confirmed other formats than asked for: the setup fails.
        case setupFailed(AzError)
        /// Deliver the event; when `reaction` is not empty or the event's audio is converted, through `events`.
        /// `after`: a library event to deliver right after it (turn latency).
        indirect case deliver(BargeInReaction, after: RealtimeEvent?)
        /// `deliver` with no reaction and nothing after (every audio delta): a verdict with nothing to copy.
        case deliverAsIs
    }

    /// Event ids of the library's barge-in events start with this.
    static let bargeInEventPrefix = "azaudio_barge_in_"

    let options: RealtimeSessionOptions  // (internal: the continuity half in RealtimeInbound+Continuity.swift)
    private let logger: Logger
    let state: Locked<State>
    /// The service answers each turn its VAD ends (create_response): between a speech stop and the response's
    /// start the turn is still under way (no renewal switch).
    private let autoResponds: Bool

    // Loop thread only: wire output to caller output, and the item whose audio it is converting.
    private var outputConverter: AudioStreamConverter?, outputItem: String?

    init(options: RealtimeSessionOptions, logger: Logger) {
        self.options = options
        self.logger = logger
        var (interrupts, autoResponds) = (false, false)
        switch options.config.turnDetection {
        case .serverVAD(_, _, _, let respond, let interrupt), .semanticVAD(_, let respond, let interrupt):
            interrupts = interrupt
            autoResponds = respond
        case .none: interrupts = false
        }
        self.autoResponds = autoResponds
        let playback = BargeInTracker(
            wireBytesPerMs: options.config.outputFormat.sessionStream.bytesPerMillisecond, serverInterrupts: interrupts)
        state = Locked(
            State(
                playback: playback, wireOutput: options.config.outputFormat,
                mirror: ConversationMirror(
                    maxItems: options.historyMaxItems, maxCharacters: options.historyMaxCharacters),
                renewal: RenewalPlan(  // (a conversation's: other kinds reconnect only)
                    marginMs: options.reconnectMaxAttempts > 0 && options.kind.isConversation
                        ? UInt64(options.renewalMarginMs) : 0,
                    fallbackMaxMs: UInt64(options.sessionMaxMs))))
    }

    // MARK: Loop thread

    /// Bookkeeping for one event, and what to do with it. `phase` is the session's phase as the event arrived;
    /// `confirmedInput` receives the input format a session.updated confirmed when it differs from `wireInput`.
    func receive(
        _ event: inout RealtimeEvent, phase: RealtimeSessionPhase, wireInput: AudioFormat,
        confirmedInput: inout AudioFormat?
    ) -> Verdict {
        state.withLock { state in
            Self.track(&event, state: &state, autoResponds: autoResponds)
            if event.kind == .sessionUpdated {
                let followed = follow(
                    ConfirmedSession(eventJSON: event.json), duringSetup: phase.isAwaitingUpdated,
                    wireInput: wireInput, state: &state)
                switch followed {
                case .failure(let error): return .setupFailed(error)
                case .success(let input): confirmedInput = input
                }
            }
            if event.kind == .audioDelta, state.playback.shouldDrop(itemID: event.itemID, responseID: event.responseID)
            {
                return .drop  // in flight when the item was cut: the host already flushed it
            }
            if event.kind == .error, event.errorCode == "response_cancel_not_active",
                event.eventID.hasPrefix(Self.bargeInEventPrefix)
            {
                return .drop  // our barge-in cancel crossed the response's end: nothing was left to cancel
            }
            // Only these make a reaction or a second event: every audio delta returns here, with nothing built.
            guard event.kind == .speechStarted || event.kind == .responseDone else { return .deliverAsIs }
            var reaction = BargeInReaction()
            if phase.isReady, event.kind == .speechStarted, options.bargeIn {
                reaction = bargeIn(after: event, state: &state)
            }
            var after: RealtimeEvent?
            if event.kind == .responseDone, let figures = state.latency.responseDone(event.responseID) {
                after = .turnLatency(
                    figures, handshakeMs: state.handshakeMs, readyMs: state.readyMs,
                    summary: state.latency.summary, audible: state.latency.audibleSummary)
                after?.outOfBand = event.outOfBand
            }
            return reaction.isEmpty && after == nil ? .deliverAsIs : .deliver(reaction, after: after)
        }
    }

    /// Connect timing, for the latency events.
    func connected(handshakeMs: Int, readyMs: Int) {
        state.withLock {
            $0.handshakeMs = handshakeMs
            $0.readyMs = readyMs
        }
    }

    /// Count, median and p95 of speech end (or response start) to first reply audio over the session.
    var latencySummary: (count: Int, medianMs: Int, p95Ms: Int) { state.withLock { $0.latency.summary } }

    /// The same to the first audible reply audio.
    var audibleLatencySummary: (count: Int, medianMs: Int, p95Ms: Int) {
        state.withLock { $0.latency.audibleSummary }
    }

    /// True when `events(for:)` may change `event` (reply audio while the caller asked for another output format).
    func convertsOutput(_ event: RealtimeEvent) -> Bool {
        options.callerOutput != nil && (event.kind == .audioDelta || event.kind == .audioDone)
    }

    /// The events to deliver for `event`: its audio converted to the caller's output format (preceded at an
    /// item's audio end by a delta with what the resampler still held), then the barge-in's flush, with the
    /// barge-in's client events sent (non-blocking).
    func events(for event: RealtimeEvent, reaction: BargeInReaction, connection: WebSocketConnection) -> [RealtimeEvent]
    {
        convertOutput(event) + reaction.events(connection: connection, logger: logger)
    }

    private func convertOutput(_ event: RealtimeEvent) -> [RealtimeEvent] {
        guard let caller = options.callerOutput, event.kind == .audioDelta || event.kind == .audioDone else {
            return [event]
        }
        let wire = state.withLock { $0.wireOutput.sessionStream }
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
            event.audio = converter.convert(event.audio.buffer) { (bytes: UnsafeRawBufferPointer) -> ByteBlock in
                ByteBlock.copying(bytes)
            }
            return [event]
        }
        // Audio done: emit the held-back tail of this item's stream.
        guard outputItem == event.itemID else { return [event] }
        outputItem = nil
        let tail = converter.flush { (bytes: UnsafeRawBufferPointer) -> ByteBlock in ByteBlock.copying(bytes) }
        guard tail.count > 0 else { return [event] }
        return [.audioTail(of: event, audio: tail, protocol: options.protocolKind), event]
    }

    // MARK: Any thread

    /// The position to truncate an item at: `audioEndMs` clamped to the reply audio received. Throws
    /// `.invalidArgument` when none was received.
    func truncatePosition(itemID: String, audioEndMs: Int) throws(AzError) -> Int {
        let (received, receivedMs) = state.withLock {
            ($0.playback.receivedBytes(itemID: itemID) ?? 0, $0.playback.receivedMs(itemID: itemID))
        }
        guard received > 0 else {
            throw .invalidArgument("no audio of item '\(itemID)' was received: nothing to truncate")
        }
        return max(0, min(audioEndMs, receivedMs))
    }

    /// When the item's audio came from an earlier session (before a renewal or reconnect), a truncate at
    /// `audioEndMs` cannot cut it: the events that cut its replayed text instead, and the item_truncated event to
    /// deliver (`State.cutReplayed`). nil for an item of the current session.
    func cutIfReplayed(itemID: String, contentIndex: Int, audioEndMs: Int) -> (events: [String], notice: RealtimeEvent)?
    {
        state.withLock { state in
            guard state.playback.isReplayed(itemID: itemID) else { return nil }
            let cut = BargeInDecision.Truncation(itemID: itemID, contentIndex: contentIndex, audioEndMs: audioEndMs)
            return state.cutReplayed(cut, protocol: options.protocolKind)
        }
    }

    func receivedAudioMs(itemID: String) -> Int { state.withLock { $0.playback.receivedMs(itemID: itemID) } }

    /// See `RealtimeSession.audioPlayed`.
    func audioPlayed(itemID: String, ms: Int) throws(AzError) {
        guard ms >= 0 else { throw .invalidArgument("played ms is negative") }
        let known = state.withLock { (state) -> Bool in
            if ms > 0 { state.latency.played(itemID: itemID, atMs: Monotonic.now()) }
            return state.playback.played(itemID: itemID, ms: ms)
        }
        guard known else {
            throw .invalidArgument("no audio of item '\(itemID)' was received: give the item_id of its audio events")
        }
    }

    func playedAudioMs(itemID: String) -> Int { state.withLock { $0.playback.playedMs(itemID: itemID) } }

    // MARK: Under the lock

    /// Bookkeeping on every event (audio received per item, responses, function names).
    private static func track(_ event: inout RealtimeEvent, state: inout State, autoResponds: Bool) {
        state.outOfBand.mark(&event)
        if event.kind == .itemDeleted, state.replacing.remove(event.itemID) != nil { return }  // created again
        switch event.kind {
        case .audioDelta:
            state.playback.audioReceived(
                itemID: event.itemID, responseID: event.responseID,
                contentIndex: event.contentIndex, bytes: event.audio.count)
        case .responseCreated:
            state.playback.responseCreated(event.responseID)
        case .responseDone:
            state.playback.responseDone(event.responseID)
        case .outputItemAdded, .outputItemDone:
            if !event.name.isEmpty {
                if !event.itemID.isEmpty { state.functionNames[event.itemID] = event.name }
                if !event.callID.isEmpty { state.functionNames[event.callID] = event.name }
            }
        case .functionCall:
            if event.name.isEmpty {
                event.name = state.functionNames[event.itemID] ?? state.functionNames[event.callID] ?? ""
            }
        case .itemDeleted:
            state.playback.itemDeleted(event.itemID)
        default:
            break
        }
        mirror(event, state: &state)
        switch event.kind {
        case .sessionCreated:
            let expiresAt = (try? JSONParser.parse(event.json))?["session"]?["expires_at"]?.doubleValue
            state.renewal.sessionCreated(expiresAt: expiresAt, wallNow: RenewalPlan.wallNow, nowMs: Monotonic.now())
        case .speechStarted: state.renewal.speech(started: true)
        case .speechStopped:
            state.renewal.speech(started: autoResponds)  // (with an automatic response: until it starts)
            state.latency.speechStopped(atMs: Monotonic.now())
        case .responseCreated:
            state.renewal.speech(started: false)
            state.latency.responseCreated(event.responseID, atMs: Monotonic.now())
        case .audioDelta:
            let now = Monotonic.now()
            state.latency.audioReceived(itemID: event.itemID, responseID: event.responseID, atMs: now)
            if state.latency.awaitsAudible {  // (until the reply's first audible window)
                state.latency.audioLevel(event.audio.buffer, format: state.wireOutput, atMs: now)
            }
        default: break
        }
    }

    /// Feeds the conversation mirror.
    private static func mirror(_ event: RealtimeEvent, state: inout State) {
        guard !event.outOfBand else { return }  // not part of the conversation
        switch event.kind {
        case .itemCreated, .itemDone, .outputItemDone:
            if let item = (try? JSONParser.parse(event.json))?["item"] { state.mirror.itemReported(item) }
        case .inputTranscriptionCompleted, .audioTranscriptDone, .textDone:
            if !event.text.isEmpty { state.mirror.textKnown(itemID: event.itemID, text: event.text) }
        case .itemTruncated:
            state.mirror.truncated(
                itemID: event.itemID, audioEndMs: Int(event.audioMs),
                receivedMs: state.playback.receivedMs(itemID: event.itemID))
        case .itemDeleted:
            state.mirror.deleted(itemID: event.itemID)
        default:
            break
        }
    }

    /// Follows the formats and turn detection a session.updated confirms. During setup, fails if the formats are
    /// not the ones asked for. Succeeds with the new input format when it changed.
    private func follow(
        _ confirmed: ConfirmedSession, duringSetup: Bool, wireInput: AudioFormat,
        state: inout State
    ) -> Result<AudioFormat?, AzError> {
        if duringSetup, options.callID == nil {  // (a sideband session's formats are the call's)
            do throws(AzError) {
                try confirmed.check(input: options.config.inputFormat, output: options.config.outputFormat)
            } catch {
                logger.log(.error, "realtime: \(error.message)")
                return .failure(error)
            }
            if case .absent = confirmed.output, options.kind.isConversation {  // (other kinds have no output format)
                logger.log(
                    .warn, "realtime: session.updated does not state the audio formats; assuming the ones asked for")
            }
        }
        var newInput: AudioFormat?
        if case .known(let format) = confirmed.input, format != wireInput {
            logger.log(.info, "realtime: the session's input audio is now \(format.previewName)")
            newInput = format
        }
        if case .known(let format) = confirmed.output, format != state.wireOutput {
            logger.log(.info, "realtime: the session's output audio is now \(format.previewName)")
            state.wireOutput = format
            state.playback.wireBytesPerMs = format.sessionStream.bytesPerMillisecond
        }
        if let interrupts = confirmed.serverInterrupts { state.playback.serverInterrupts = interrupts }
        return .success(newInput)
    }

    /// The user started speaking. Decides the barge-in and resets the output conversion if audio is flushed.
    private func bargeIn(after event: RealtimeEvent, state: inout State) -> BargeInReaction {
        let decision = state.playback.speechStarted()
        var reaction = BargeInReaction()
        guard !decision.isEmpty else { return reaction }
        state.bargeInCount += 1
        let tag = Self.bargeInEventPrefix + String(state.bargeInCount)
        if let id = decision.cancelResponseID {
            reaction.outgoing.append(RealtimeClientEvents.cancelResponse(id, eventID: tag + "_cancel"))
        }
        if let cut = decision.rewrite {
            (reaction.outgoing, reaction.notice) = state.cutReplayed(cut, protocol: options.protocolKind)
        }
        if let cut = decision.truncate {
            reaction.outgoing.append(
                RealtimeClientEvents.truncate(
                    itemID: cut.itemID, contentIndex: cut.contentIndex, audioEndMs: cut.audioEndMs,
                    eventID: tag + "_truncate"))
        }
        if let flush = decision.flush {
            reaction.flush = .playbackFlush(
                itemID: flush.itemID, responseID: decision.cancelResponseID ?? "",
                audioMs: flush.audioEndMs, truncated: decision.truncate != nil || decision.rewrite != nil,
                cancelled: decision.cancelResponseID != nil)
            if outputItem == flush.itemID {
                outputConverter?.reset()
                outputItem = nil
            }
        }
        logger.log(
            .info,
            "realtime: barge-in at \(event.audioMs) ms of input: "
                + (decision.flush.map { "flush item \($0.itemID) at \($0.audioEndMs) ms played" } ?? "no audio to flush")
                + (decision.truncate == nil ? ", no truncate" : ", truncate sent")
                + (decision.cancelResponseID == nil ? "" : ", response cancelled"))
        return reaction
    }
}

extension RealtimeSessionPhase {
    var isAwaitingUpdated: Bool { if case .awaitingUpdated = self { true } else { false } }
}
