/// What a realtime session is for. Each kind has its own URL and session.update; the rest of the session
/// (sending, caller formats, coalescing, delivery, pull mode) is shared.
///
/// - `conversation`: speech in, speech out (`/openai/v1/realtime?model=DEPLOYMENT`, `RealtimeSessionConfig`).
/// - `transcription`: speech in, transcript out (`/openai/v1/realtime?intent=transcription`, no model in the URL:
///   the transcribing deployment is named in the session.update). No responses. GA only.
/// - `translation`: speech in, translated speech and transcripts out (`TranslationSessionConfig.path`, default
///   `/openai/v1/realtime/translations?model=DEPLOYMENT`). Audio goes as `session.input_audio_buffer.append`,
///   24 kHz PCM16; closing sends `session.close`. GA only.
public enum RealtimeSessionKind: Sendable, Equatable {
    case conversation
    case transcription(TranscriptionSessionConfig)
    case translation(TranslationSessionConfig)

    public var isConversation: Bool { if case .conversation = self { true } else { false } }
    public var isTranslation: Bool { if case .translation = self { true } else { false } }

    /// The kind's name in messages.
    public var name: String {
        switch self {
        case .conversation: "conversation"
        case .transcription: "transcription"
        case .translation: "translation"
        }
    }

    /// Checks what only this kind needs (the shared options are checked by `RealtimeSessionOptions.validate`).
    func validate(_ options: RealtimeSessionOptions) throws(AzError) {
        if case .conversation = self { return }
        // A transcription session reconnects with its configuration and the held audio (no conversation to
        // replay, no renewal before the cap); a translation session's state cannot be carried over.
        guard options.reconnectMaxAttempts == 0 || !isTranslation else {
            throw .invalidArgument(
                "reconnect_max_attempts is \(options.reconnectMaxAttempts); reconnect is for conversation and "
                    + "transcription sessions only: leave it 0 in a translation session")
        }
        switch self {
        case .conversation:
            return
        case .transcription(let t):
            guard !options.protocolKind.isPreview else {
                throw .invalidArgument(
                    "transcription sessions exist only in the GA realtime protocol: use AZAUDIO_REALTIME_GA")
            }
            try t.validate()
        case .translation(let t):
            guard !options.protocolKind.isPreview else {
                throw .invalidArgument(
                    "translation sessions exist only in the GA realtime protocol: use AZAUDIO_REALTIME_GA")
            }
            guard options.config.inputFormat == .pcm16 else {
                throw .invalidArgument(
                    "a translation session takes 24 kHz PCM16 input: leave input_audio_format at PCM16 "
                        + "(caller_input_format converts other audio)")
            }
            try t.validate()
        }
    }

    /// The WebSocket URL.
    func url(_ options: RealtimeSessionOptions, endpoint: ServiceEndpoint) -> ServiceURL {
        switch self {
        case .conversation:
            if let callID = options.callID { return SidebandCall.url(callID: callID, endpoint: endpoint) }
            return options.protocolKind.url(endpoint: endpoint, deployment: options.deployment)
        case .transcription:
            return endpoint.url(path: "/openai/v1/realtime", query: "intent=transcription", webSocket: true)
        case .translation(let t): return t.url(endpoint: endpoint, deployment: options.deployment)
        }
    }

    /// The session.update sent once the service announced the session.
    func updateEvent(_ options: RealtimeSessionOptions) -> String {
        switch self {
        case .conversation: return options.config.updateEvent(protocol: options.protocolKind)
        case .transcription(let t): return t.updateEvent(inputFormat: options.config.inputFormat)
        case .translation(let t): return t.updateEvent()
        }
    }

    /// Refuses a client call this kind has no event for.
    public func require(conversation what: String) throws(AzError) {
        guard isConversation else {
            throw AzError(.invalidState, "\(what) is not available in a \(name) session")
        }
    }
}
