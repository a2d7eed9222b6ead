/// Noise reduction of a session's input audio (applied by the service before turn detection).
public enum RealtimeNoiseReduction: Sendable, Equatable {
    case nearField
    case farField
    /// Sent as `null`: explicitly off.
    case off

    var json: String {
        switch self {
        case .nearField: return #"{"type":"near_field"}"#
        case .farField: return #"{"type":"far_field"}"#
        case .off: return "null"
        }
    }
}

/// The settings of a transcription-only session (`/openai/v1/realtime?intent=transcription`): which deployment
/// transcribes, in what language, with what prompt and latency, how turns are cut. Turned into the session.update
/// of `RealtimeTranscriptionSessionCreateRequestGA` (`{"type":"transcription","audio":{"input":{...}},"include"}`).
public struct TranscriptionSessionConfig: Sendable, Equatable {
    /// The transcribing deployment (on Azure a deployment name of whisper, gpt-4o-transcribe, ...), sent as `model`.
    public var deployment: String
    /// ISO-639-1 language, e.g. "en"; nil: detected.
    public var language: String?
    /// Guides the transcription (vocabulary, style); nil: none.
    public var prompt: String?
    /// Latency against accuracy, "minimal" ... "xhigh" (gpt-realtime-whisper only); nil: the service's.
    public var delay: String?
    /// nil: the service's default (not sent).
    public var noiseReduction: RealtimeNoiseReduction?
    /// How the audio is cut into items. `.none` (sent as null): continuous models (gpt-realtime-whisper,
    /// gpt-live-transcribe) or the caller commits. The create/interrupt response flags do not apply.
    public var turnDetection: RealtimeSessionConfig.TurnDetection = .serverVAD(
        threshold: nil, prefixPaddingMs: nil, silenceDurationMs: nil, createResponse: true, interruptResponse: true)
    /// Ask for the log probabilities of the transcript's tokens (`item.input_audio_transcription.logprobs`).
    public var includeLogprobs = false

    public static let delays = ["minimal", "low", "medium", "high", "xhigh"]

    public init(deployment: String) { self.deployment = deployment }

    /// Checks values the service would reject, before anything is sent.
    public func validate() throws(AzError) {
        guard !deployment.isEmpty else { throw .invalidArgument("the transcription deployment is empty") }
        if let language, language.isEmpty || language.count > 8 || !language.allSatisfy({ $0.isLetter || $0 == "-" }) {
            throw .invalidArgument(
                "transcription language '\(language.prefix(40))' is not a language code such as \"en\"")
        }
        if let delay, !Self.delays.contains(delay) {
            throw .invalidArgument(
                "transcription_delay '\(delay.prefix(40))' is not one of minimal, low, medium, high, xhigh")
        }
        var probe = RealtimeSessionConfig()
        probe.turnDetection = turnDetection
        try probe.validate(protocol: .ga)
    }

    /// The session.update event, with input audio in `format`.
    public func updateEvent(inputFormat format: AudioFormat) -> String {
        var t = [#""model":"# + JSONWriter.quote(deployment)]
        if let language { t.append(#""language":"# + JSONWriter.quote(language)) }
        if let prompt { t.append(#""prompt":"# + JSONWriter.quote(prompt)) }
        if let delay { t.append(#""delay":"# + JSONWriter.quote(delay)) }
        var input = [#""format":"# + format.gaFormatJSON, #""transcription":{"# + t.joined(separator: ",") + "}"]
        if let noiseReduction { input.append(#""noise_reduction":"# + noiseReduction.json) }
        input.append(#""turn_detection":"# + turnDetectionJSON())
        var s = [#""type":"transcription""#, #""audio":{"input":{"# + input.joined(separator: ",") + "}}"]
        if includeLogprobs { s.append(#""include":["item.input_audio_transcription.logprobs"]"#) }
        return #"{"type":"session.update","session":{"# + s.joined(separator: ",") + "}}"
    }

    /// Turn detection without the response flags (a transcription session makes no responses).
    func turnDetectionJSON() -> String {
        switch turnDetection {
        case .none: return "null"
        case .serverVAD(let threshold, let prefix, let silence, _, _):
            var t = [#""type":"server_vad""#]
            if let threshold { t.append(#""threshold":"# + JSONWriter.number(threshold)) }
            if let prefix { t.append(#""prefix_padding_ms":\#(prefix)"#) }
            if let silence { t.append(#""silence_duration_ms":\#(silence)"#) }
            return "{" + t.joined(separator: ",") + "}"
        case .semanticVAD(let eagerness, _, _):
            var t = [#""type":"semantic_vad""#]
            if let eagerness { t.append(#""eagerness":"# + JSONWriter.quote(eagerness)) }
            return "{" + t.joined(separator: ",") + "}"
        }
    }
}
