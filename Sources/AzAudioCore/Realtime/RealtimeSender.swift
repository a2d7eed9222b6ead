/// The sending half of a realtime session: caller audio converted to the session's input format, held and sent
/// as one append while coalescing (`InputCoalescer`), and every other client event in order after the held audio.
///
/// Its state (the input converter and the held audio) is under one lock, held for a whole send so converter
/// state and the order of appends match the order of calls. The link's lock is taken inside it, never the other
/// way round.
///
/// As an `EventLoopTicker` (coalescing only) it sends audio that waited the hold time once the caller stopped
/// sending; the ticker never waits for the lock.
final class RealtimeSender: EventLoopTicker, @unchecked Sendable {
    struct State {
        /// Caller input to wire input (nil until needed).
        var inputConverter: AudioStreamConverter?
        /// Held input audio (nil: coalescing off).
        var coalescer: InputCoalescer?
        /// The append event's name: input_audio_buffer.append, or session.input_audio_buffer.append (translation).
        var translation = false
        /// During a reconnect: what the caller sent, in order (wire-format audio and client events), for the new
        /// session; bounded by `maxSendQueueBytes`.
        var heldForSwitch: [Outgoing] = []
        var heldForSwitchBytes = 0
    }

    enum Outgoing {
        case audio([UInt8])
        case text(String)
    }

    /// Proof that the sender's lock is held, so no send is under way: only the sender makes one, inside its lock,
    /// and it cannot be copied or kept. The link's connection changes only with it (`RealtimeLink.State
    /// .setConnection`), which is what lets `sendAudio` use the link's connection without retaining it.
    struct SendsStopped: ~Copyable {
        fileprivate init() {}
    }

    private let options: RealtimeSessionOptions
    private let link: RealtimeLink
    private let logger: Logger
    private let state: Locked<State>

    init(options: RealtimeSessionOptions, link: RealtimeLink, logger: Logger) {
        self.options = options
        self.link = link
        self.logger = logger
        var initial = State()
        if options.inputCoalesceMs > 0 { initial.coalescer = InputCoalescer(holdMs: Int(options.inputCoalesceMs)) }
        initial.translation = options.kind.isTranslation
        state = Locked(initial)
    }

    /// True when input audio may be held (coalescing on).
    var coalesces: Bool { options.inputCoalesceMs > 0 }

    /// Renewal on: sent PCM16 audio is looked at for speech the service may not have reported yet.
    private var watchesVoice: Bool { options.reconnectMaxAttempts > 0 && options.renewalMarginMs > 0 }

    /// A peak of PCM16 caller audio at or above this (about -36 dBFS, below the service's default VAD level) may
    /// be speech.
    static let voicedPeak: Int16 = 520

    /// Whether caller audio in `format` reaches `voicedPeak`. Only PCM16 is looked at (other formats: false).
    static func soundsVoiced(_ audio: UnsafeRawBufferPointer, format: AudioFormat) -> Bool {
        guard format == .pcm16 else { return false }
        var peak: Int32 = 0
        let count = audio.count / 2
        for index in 0..<count {
            let sample = Int32(Int16(littleEndian: audio.loadUnaligned(fromByteOffset: index * 2, as: Int16.self)))
            peak = max(peak, sample < 0 ? -sample : sample)
            if peak >= Int32(voicedPeak) { return true }
        }
        return false
    }

    /// See `RealtimeSession.sendAudio`.
    func sendAudio(_ audio: UnsafeRawBufferPointer) throws(AzError) {
        guard !audio.isEmpty else { throw .invalidArgument("audio is empty") }
        try state.withLock { (state) throws(AzError) in
            // The link under the sender's lock: a reconnect releases held audio under it, so none overtakes it.
            let voiced =
                watchesVoice
                && Self.soundsVoiced(audio, format: options.callerInput?.format ?? options.config.inputFormat)
            // The connection is borrowed, not retained: the link keeps its reference while the sender's lock is
            // held (it changes only under this lock, `SendsStopped`), and a retain per frame would make its
            // reference count's cache line travel between this thread and the I/O thread.
            let (wireFormat, live, holds) = link.state.withLock { (state) in
                if voiced { state.voicedInputPending = true }
                return (state.wireInput, state.readyConnection.map { Unmanaged.passUnretained($0) }, state.holdsInput)
            }
            let wire = wireFormat.sessionStream
            let caller = options.callerInput ?? wire
            if caller.format == .pcm16, audio.count % 2 != 0 {
                throw .invalidArgument("PCM16 audio must be whole 16-bit samples (got \(audio.count) bytes)")
            }
            guard let live else {
                guard holds else { throw link.notReadyError() }
                try holdForSwitch(audio, caller: caller, wire: wire, state: &state)
                return
            }
            let result = live._withUnsafeGuaranteedRef { connection in
                Result { () throws(AzError) in
                    try send(audio, caller: caller, wire: wire, on: connection, state: &state)
                }
            }
            try result.get()
        }
    }

    /// Under the sender's lock: caller audio sent (or held while coalescing) on the ready connection.
    private func send(
        _ audio: UnsafeRawBufferPointer, caller: AudioStreamFormat, wire: AudioStreamFormat,
        on connection: WebSocketConnection, state: inout State
    ) throws(AzError) {
        guard caller != wire else {
            try Self.queueAppend(audio, wire: wire, on: connection, state: &state)
            return
        }
        let converter = try Self.inputConverter(from: caller, to: wire, state: &state)
        // Refuse before converting, so the converter's state only ever advances for audio that is sent.
        let held = state.coalescer?.held.count ?? 0
        let bound = WebSocketFrameEncoder.frameSize(
            payloadCount: 64 + Base64.encodedLength(held + converter.maxOutputBytes(forInput: audio.count)))
        let queued = connection.queuedBytes
        if queued > 0 && queued + bound > options.maxSendQueueBytes {
            throw AzError(
                .busy, "the send queue is full (\(queued) bytes waiting, limit \(options.maxSendQueueBytes))")
        }
        try converter.convert(audio) { (converted: UnsafeRawBufferPointer) throws(AzError) in
            if !converted.isEmpty { try Self.queueAppend(converted, wire: wire, on: connection, state: &state) }
        }
    }

    /// During a reconnect: keeps the caller's audio (converted to wire format) for the new session.
    private func holdForSwitch(
        _ audio: UnsafeRawBufferPointer, caller: AudioStreamFormat, wire: AudioStreamFormat,
        state: inout State
    ) throws(AzError) {
        var bytes: [UInt8] = []
        if caller == wire {
            bytes = Array(audio)
        } else {
            let converter = try Self.inputConverter(from: caller, to: wire, state: &state)
            converter.convert(audio) { (converted: UnsafeRawBufferPointer) in bytes.append(contentsOf: converted) }
        }
        guard state.heldForSwitchBytes + bytes.count <= options.maxSendQueueBytes else {
            throw AzError(
                .busy,
                "reconnecting: \(state.heldForSwitchBytes) bytes of audio wait for the new session "
                    + "(limit \(options.maxSendQueueBytes))")
        }
        state.heldForSwitchBytes += bytes.count
        state.heldForSwitch.append(.audio(bytes))
    }

    /// A client event: the connection to send it on now, or nil when it was held for the new session during a
    /// reconnect. Throws `.closed` otherwise.
    private func connectionOrHold(_ json: String, state: inout State) throws(AzError) -> WebSocketConnection? {
        let (live, holds) = link.state.withLock { ($0.readyConnection, $0.holdsInput) }
        if let live { return live }
        guard holds else { throw link.notReadyError() }
        state.heldForSwitch.append(.text(json))
        return nil
    }

    /// Reconnect, on the loop thread once the new session confirmed its configuration: sends `first` (the
    /// conversation replay), then what the caller sent meanwhile, in order, and marks the session ready, all under
    /// the sender's lock, so nothing the caller sends overtakes it. Returns how many replay events went out.
    func release(on connection: WebSocketConnection, first: [String]) -> Result<Int, AzError> {
        state.withLock { state in
            var sent = 0
            do throws(AzError) {
                for json in first {
                    try connection.send(text: json)
                    sent += 1
                }
                try Self.flushHeld(on: connection, state: &state)  // coalesced before the loss: older
                for outgoing in state.heldForSwitch {
                    switch outgoing {
                    case .audio(let bytes):
                        let result = bytes.withUnsafeBytes { raw in
                            Result { () throws(AzError) in
                                try Self.sendAppend(raw, on: connection, translation: state.translation)
                            }
                        }
                        try result.get()
                    case .text(let json):
                        try connection.send(text: json)
                    }
                }
            } catch {
                return .failure(error)
            }
            state.heldForSwitch = []
            state.heldForSwitchBytes = 0
            link.update {
                $0.setup.becomeReady()
                $0.holdsInput = false
            }
            return .success(sent)
        }
    }

    /// Make-before-break renewal, on the loop thread: under the sender's lock (no send is under way and none starts),
    /// `swap` either calls the switch off (nil: nothing changes, nothing is sent) or moves the link to `connection`
    /// and gives the events to send first (the conversation's catch-up); they and the coalesced audio go out on it,
    /// so the caller's next audio follows them. Returns how many of those went out, and how long the caller's
    /// input waited for the lock's release (ns, measured from the lock's taking); nil when called off.
    func switchOver(
        to connection: WebSocketConnection, swap: (borrowing SendsStopped) -> [String]?
    ) -> (
        Result<Int, AzError>, heldNs: UInt64
    )? {
        state.withLock { state in
            let started = Monotonic.nowNs()
            guard let first = swap(SendsStopped()) else { return nil }
            var sent = 0
            do throws(AzError) {
                for json in first {
                    try connection.send(text: json)
                    sent += 1
                }
                try Self.flushHeld(on: connection, state: &state)
            } catch {
                return (.failure(error), Monotonic.nowNs() &- started)
            }
            return (.success(sent), Monotonic.nowNs() &- started)
        }
    }

    /// Runs `body` under the sender's lock: no send is under way on any connection meanwhile (what changing the
    /// link's connection needs: `SendsStopped`).
    func exclusively<T>(_ body: (borrowing SendsStopped) -> T) -> T { state.withLock { _ in body(SendsStopped()) } }

    /// The reconnect gave up: held input is dropped.
    func dropHeld() {
        state.withLock { state in
            state.heldForSwitch = []
            state.heldForSwitchBytes = 0
            state.coalescer?.clear()
        }
    }

    /// input_audio_buffer.commit, after the audio the input resampler still holds back and the held audio.
    func commit() throws(AzError) {
        try state.withLock { (state) throws(AzError) in
            guard let connection = try connectionOrHold(RealtimeClientEvents.commit, state: &state) else { return }
            if let converter = state.inputConverter {
                try converter.flush { (tail: UnsafeRawBufferPointer) throws(AzError) in
                    if !tail.isEmpty { try Self.queueAppend(tail, wire: converter.to, on: connection, state: &state) }
                }
            }
            try Self.flushHeld(on: connection, state: &state)
            try connection.send(text: RealtimeClientEvents.commit)
        }
    }

    /// input_audio_buffer.clear; the input resampler's held-back audio and the held audio are dropped too.
    func clear() throws(AzError) {
        let connection = try link.readyConnection()
        try state.withLock { (state) throws(AzError) in
            state.inputConverter?.reset()
            state.coalescer?.clear()
            try connection.send(text: RealtimeClientEvents.clear)
        }
    }

    /// A client event, after the held audio.
    func send(json: String) throws(AzError) {
        try state.withLock { (state) throws(AzError) in
            guard let connection = try connectionOrHold(json, state: &state) else { return }
            try Self.flushHeld(on: connection, state: &state)
            try connection.send(text: json)
        }
    }

    /// Before a close: the audio the caller handed over goes out first (best effort: a full queue drops it).
    func flushBeforeClose(on connection: WebSocketConnection) {
        state.withLock { state in
            guard state.coalescer != nil else { return }
            try? Self.flushHeld(on: connection, state: &state)
        }
    }

    /// Loop thread, coalescing only: sends held audio that waited the hold time (the caller stopped sending).
    func tick() {
        // The log line is written after the lock: the app's log callback is never called under the sender's lock
        // (a binding's callback may take its own lock, e.g. Python's GIL, that a sending thread holds).
        let failure = state.withLockIfAvailable { (state) -> AzError? in  // a sender at it sends or holds
            guard let held = state.coalescer, held.isDue(nowMs: Monotonic.now()) else { return nil }
            guard let live = link.state.withLock({ $0.readyConnection }) else { return nil }
            do throws(AzError) {
                try Self.flushHeld(on: live, state: &state)
                return nil
            } catch {
                // Busy: try again on the next tick. Anything else ends the session anyway.
                if error.kind != .busy { state.coalescer?.clear() }
                return error
            }
        }
        if let error = failure ?? nil {
            logger.log(.debug, "realtime: held input audio not sent yet: \(error.message)")
        }
    }

    // MARK: Under the lock

    /// Wire-format audio to send now, or to hold while coalescing. Audio refused (busy, closed) is not held.
    private static func queueAppend(
        _ audio: UnsafeRawBufferPointer, wire: AudioStreamFormat, on connection: WebSocketConnection, state: inout State
    ) throws(AzError) {
        guard var held = state.coalescer else {
            return try sendAppend(audio, on: connection, translation: state.translation)
        }
        state.coalescer = nil  // (moved out while it changes, so the array is not copied)
        defer { state.coalescer = held }
        let bytesPerMs = wire.bytesPerMillisecond
        guard held.reachesThreshold(adding: audio.count, bytesPerMs: bytesPerMs) else {
            held.hold(audio, nowMs: Monotonic.now())
            return
        }
        if held.isEmpty { return try sendAppend(audio, on: connection, translation: state.translation) }
        let before = held.held.count
        held.hold(audio, nowMs: Monotonic.now())
        do throws(AzError) {
            try sendHeld(held, on: connection, translation: state.translation)
            held.clear()
        } catch {
            held.keepFirst(before)
            throw error
        }
    }

    /// One append of everything `held` holds.
    private static func sendHeld(
        _ held: InputCoalescer, on connection: WebSocketConnection, translation: Bool
    ) throws(AzError) {
        let result = held.held.withUnsafeBytes { bytes in
            Result { () throws(AzError) in try sendAppend(bytes, on: connection, translation: translation) }
        }
        try result.get()
    }

    /// Sends the held audio, if any (before another client event, so events keep their order).
    private static func flushHeld(on connection: WebSocketConnection, state: inout State) throws(AzError) {
        guard var held = state.coalescer, !held.isEmpty else { return }
        state.coalescer = nil
        defer { state.coalescer = held }
        try sendHeld(held, on: connection, translation: state.translation)
        held.clear()
    }

    /// One input_audio_buffer.append (session.input_audio_buffer.append for translation) of wire-format audio.
    private static func sendAppend(
        _ audio: UnsafeRawBufferPointer, on connection: WebSocketConnection,
        translation: Bool
    ) throws(AzError) {
        let head = translation ? TranslationSessionConfig.appendHead : RealtimeClientEvents.appendHead
        try connection.send(textCount: RealtimeClientEvents.appendAudioCount(audio.count, head: head)) { out in
            RealtimeClientEvents.writeAppendAudio(audio, into: out, head: head)
        }
    }

    /// The converter from the caller's input format to the current wire format.
    private static func inputConverter(
        from caller: AudioStreamFormat, to wire: AudioStreamFormat, state: inout State
    )
        throws(AzError) -> AudioStreamConverter
    {
        if let existing = state.inputConverter, existing.from == caller, existing.to == wire { return existing }
        guard let made = AudioStreamConverter(from: caller, to: wire) else {
            throw AzError(.unsupported, "cannot convert \(caller) to \(wire)")
        }
        state.inputConverter = made
        return made
    }
}
