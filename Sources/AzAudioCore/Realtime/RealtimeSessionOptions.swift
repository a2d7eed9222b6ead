/// Everything needed to open a realtime session.
public struct RealtimeSessionOptions: Sendable {
    public var deployment: String
    public var protocolKind: RealtimeProtocol = .ga
    public var config = RealtimeSessionConfig()
    /// Conversation (default), transcription-only or translation (see `RealtimeSessionKind`).
    public var kind = RealtimeSessionKind.conversation
    /// Bound on outgoing bytes queued but not yet written.
    public var maxSendQueueBytes = 1 << 20
    /// Pull mode: bound on events waiting to be taken (reading pauses when reached).
    public var maxEventQueue = 4096
    /// How long connect waits for the session to be ready.
    public var connectTimeoutMs: UInt32 = 30_000
    /// What `sendAudio` takes when it is not the session's input format: converted on the way (nil: the session's
    /// input format, sent as is).
    public var callerInput: AudioStreamFormat?
    /// What audio deltas carry when it is not the session's output format (nil: the session's output format).
    public var callerOutput: AudioStreamFormat?
    /// Barge-in at the played position when the user starts speaking (see `BargeInTracker`).
    public var bargeIn = true
    /// Input coalescing: hold input audio until this many ms wait, then send them as one append (0: off; see
    /// `InputCoalescer`).
    public var inputCoalesceMs: UInt32 = 0
    /// Liveness: a WebSocket ping when nothing arrived for this many ms (0: no pings).
    public var keepaliveMs: UInt32 = 15_000
    /// Liveness: the connection is taken for dead when nothing at all arrived for this many ms (0: never).
    public var livenessTimeoutMs: UInt32 = 30_000
    /// Reconnect after a lost connection: at most this many attempts per outage (0: off, the session closes).
    public var reconnectMaxAttempts: UInt32 = 0
    /// Reconnect: give up when an outage lasted this long.
    public var reconnectMaxTotalMs: UInt32 = 60_000
    /// Reconnect: the first wait; doubled per attempt (up to 8 s) with jitter (50-100 %).
    public var reconnectBackoffMs: UInt32 = 250
    /// Renewal before the service's session cap (needs `reconnectMaxAttempts` > 0): this long before the cap, at
    /// the first turn boundary, the session moves to a new one (0: off).
    public var renewalMarginMs: UInt32 = 120_000
    /// The cap when session.created has no `expires_at` (0: none known, no renewal).
    public var sessionMaxMs: UInt32 = 1_800_000
    /// After a reconnect or renewal that cut a response off, ask the new session for it again (response.create,
    /// right after the conversation replay, before the held input).
    public var reaskInterrupted = false
    /// The conversation mirror's budget (items and characters), see `ConversationMirror`.
    public var historyMaxItems = 200
    public var historyMaxCharacters = 32_000
    /// A sideband session: controls the SIP call with this id (`/openai/v1/realtime?call_id=...`) instead of opening
    /// a session of its own (see `SidebandCall`). nil: an ordinary session.
    public var callID: String?
    /// The most `inputCoalesceMs` accepts.
    public static let maxInputCoalesceMs: UInt32 = 1000

    public init(deployment: String) { self.deployment = deployment }

    public func validate() throws(AzError) {
        try kind.refuseConversationOnly(config, callID: callID)
        guard !deployment.isEmpty || callID != nil else { throw .invalidArgument("deployment is empty") }
        guard maxSendQueueBytes >= 4096 else { throw .invalidArgument("max_send_queue_bytes must be at least 4096") }
        guard maxEventQueue >= 16 else { throw .invalidArgument("max_event_queue must be at least 16") }
        if case .preview(let version) = protocolKind, !APIFamily.isDated(version) {
            throw .invalidArgument("api_version '\(version)' is not a dated version such as 2025-04-01-preview")
        }
        guard inputCoalesceMs <= Self.maxInputCoalesceMs else {
            throw .invalidArgument(
                "input_audio_coalesce_ms is \(inputCoalesceMs); it must be 0..\(Self.maxInputCoalesceMs)")
        }
        guard livenessTimeoutMs == 0 || livenessTimeoutMs >= 100 else {
            throw .invalidArgument("liveness_timeout_ms is \(livenessTimeoutMs); it must be 0 (off) or at least 100")
        }
        guard historyMaxItems >= 1, historyMaxCharacters >= 1 else {
            throw .invalidArgument("history_max_items and history_max_chars must be at least 1")
        }
        try config.validate(protocol: protocolKind)
        try kind.validate(self)
        try SidebandCall.validate(self)
        try callerInput?.validate("caller_input")
        try callerOutput?.validate("caller_output")
    }
}
