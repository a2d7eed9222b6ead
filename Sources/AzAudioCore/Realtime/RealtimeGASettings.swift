/// The typed settings the GA realtime protocol added for conversation sessions (schema
/// `RealtimeSessionCreateRequestGA`): noise reduction, the idle timeout of server VAD, reasoning effort, context
/// truncation, output speed, input transcription log probabilities and parallel tool calls. nil fields are not sent,
/// so the service's defaults apply. Noise reduction is also in the preview protocol
/// (`input_audio_noise_reduction`); the rest is GA only.
public struct RealtimeGASettings: Sendable, Equatable {
    /// How the service drops old context when the conversation outgrows the model's window.
    public enum Truncation: Sendable, Equatable {
        case auto
        case disabled
        /// Keep this fraction (0 ... 1) of the post-instruction tokens; optionally cap those tokens.
        case retentionRatio(Double, postInstructionsTokens: Int?)
    }

    public var noiseReduction: RealtimeNoiseReduction?
    /// Server VAD only: silence after a reply that makes the service commit and answer (5000 ... 30000 ms).
    public var idleTimeoutMs: Int?
    /// "minimal", "low", "medium", "high" or "xhigh" (reasoning models such as gpt-realtime-2).
    public var reasoningEffort: String?
    public var truncation: Truncation?
    /// Output speech speed, 0.25 ... 1.5 (1 is normal; changes apply between turns).
    public var speed: Double?
    /// Ask for the log probabilities of the input transcription (needs input transcription).
    public var includeLogprobs = false
    public var parallelToolCalls: Bool?

    public static let reasoningEfforts = ["minimal", "low", "medium", "high", "xhigh"]
    public static let idleTimeoutRange = 5000...30000
    public static let speedRange = 0.25...1.5

    public init() {}

    /// True when nothing but (possibly) noise reduction is set: what the preview protocol can carry.
    var onlyPreviewFields: Bool {
        idleTimeoutMs == nil && reasoningEffort == nil && truncation == nil && speed == nil && !includeLogprobs
            && parallelToolCalls == nil
    }

    /// The C names of the GA-only fields that are set (for messages).
    var setGAOnlyFieldNames: [String] {
        var names: [String] = []
        if idleTimeoutMs != nil { names.append("idle_timeout_ms") }
        if reasoningEffort != nil { names.append("reasoning_effort") }
        if truncation != nil { names.append("truncation") }
        if speed != nil { names.append("output_speed") }
        if includeLogprobs { names.append("transcription_logprobs") }
        if parallelToolCalls != nil { names.append("parallel_tool_calls") }
        return names
    }

    /// Checks values the service would reject, before anything is sent.
    func validate(
        protocol kind: RealtimeProtocol, turnDetection: RealtimeSessionConfig.TurnDetection, transcribes: Bool
    ) throws(AzError) {
        if kind.isPreview, let first = setGAOnlyFieldNames.first {
            throw .invalidArgument(
                "\(first) is part of the GA realtime protocol only: use AZAUDIO_REALTIME_GA or leave it unset")
        }
        if let idle = idleTimeoutMs {
            guard Self.idleTimeoutRange.contains(idle) else {
                throw .invalidArgument("idle_timeout_ms \(idle) is outside 5000 ... 30000 (0: not sent)")
            }
            guard case .serverVAD = turnDetection else {
                throw .invalidArgument("idle_timeout_ms needs server VAD turn detection (AZAUDIO_TURN_SERVER_VAD)")
            }
        }
        if let effort = reasoningEffort, !Self.reasoningEfforts.contains(effort) {
            throw .invalidArgument(
                "reasoning_effort '\(effort.prefix(40))' is not one of minimal, low, medium, high, xhigh")
        }
        if case .retentionRatio(let ratio, let tokens)? = truncation {
            guard ratio.isFinite, (0...1).contains(ratio) else {
                throw .invalidArgument(
                    "truncation_retention_ratio \(ratio) is outside 0 ... 1 (needed with AZAUDIO_TRUNCATION_RETENTION_RATIO)"
                )
            }
            if let tokens, tokens < 0 {
                throw .invalidArgument("truncation_post_instructions_tokens must not be negative (-1: not sent)")
            }
        }
        if let speed {
            guard speed.isFinite, Self.speedRange.contains(speed) else {
                throw .invalidArgument("output_speed \(speed) is outside 0.25 ... 1.5 (0: not sent)")
            }
        }
        if includeLogprobs, !transcribes {
            throw .invalidArgument(
                "transcription_logprobs asks for input transcription log probabilities: "
                    + "set input_transcription_deployment too")
        }
    }

    /// The top-level session fields of the GA session.update (`reasoning`, `truncation`, ...).
    var sessionFields: [String] {
        var s: [String] = []
        if let reasoningEffort { s.append(#""reasoning":{"effort":"# + JSONWriter.quote(reasoningEffort) + "}") }
        if let truncation { s.append(#""truncation":"# + Self.json(truncation)) }
        if includeLogprobs { s.append(#""include":["item.input_audio_transcription.logprobs"]"#) }
        if let parallelToolCalls { s.append(#""parallel_tool_calls":\#(parallelToolCalls)"#) }
        return s
    }

    static func json(_ truncation: Truncation) -> String {
        switch truncation {
        case .auto: return #""auto""#
        case .disabled: return #""disabled""#
        case .retentionRatio(let ratio, let tokens):
            var t = #"{"type":"retention_ratio","retention_ratio":"# + JSONWriter.number(ratio)
            if let tokens { t += #","token_limits":{"post_instructions":\#(tokens)}"# }
            return t + "}"
        }
    }

    /// A voice as the GA session takes it: a name, or a custom voice id ("voice_...") as `{"id": ...}`.
    static func gaVoiceJSON(_ voice: String) -> String {
        voice.hasPrefix("voice_") ? #"{"id":"# + JSONWriter.quote(voice) + "}" : JSONWriter.quote(voice)
    }
}
