import AzAudioCore
import CAzAudio

/// The typed GA settings of the C realtime options (appended for the 2026 service), decoded from their C encoding
/// (the documented "not sent" values 0 and -1 become nil). Their ranges, and which session kinds take them, are the
/// engine's to check (`RealtimeGASettings.validate`, `RealtimeSessionKind.refuseConversationOnly`).
enum RealtimeGAOptionsABI {
    /// The GA settings of a conversation session (the shared noise_reduction and transcription_logprobs fields
    /// count here only for conversation sessions; the other kinds read them themselves).
    static func settings(_ o: azaudio_realtime_options) throws(AzError) -> RealtimeGASettings {
        var g = RealtimeGASettings()
        if o.session_kind == AZAUDIO_SESSION_CONVERSATION {
            g.noiseReduction = try RealtimeSessionKindOptions.noiseReduction(o.noise_reduction)
            g.includeLogprobs = try includeLogprobs(o)
        }
        g.idleTimeoutMs = o.idle_timeout_ms == 0 ? nil : Int(o.idle_timeout_ms)
        g.reasoningEffort = try optionalUTF8String(o.reasoning_effort, "options->reasoning_effort")
        switch o.truncation {
        case AZAUDIO_TRUNCATION_DEFAULT: g.truncation = nil
        case AZAUDIO_TRUNCATION_AUTO: g.truncation = .auto
        case AZAUDIO_TRUNCATION_DISABLED: g.truncation = .disabled
        case AZAUDIO_TRUNCATION_RETENTION_RATIO:
            g.truncation = .retentionRatio(
                o.truncation_retention_ratio,
                postInstructionsTokens: o.truncation_post_instructions_tokens == -1
                    ? nil : Int(o.truncation_post_instructions_tokens))
        default:
            throw .invalidArgument("options->truncation is \(o.truncation); use an AZAUDIO_TRUNCATION_* value")
        }
        if o.truncation != AZAUDIO_TRUNCATION_RETENTION_RATIO,
            o.truncation_retention_ratio != -1 || o.truncation_post_instructions_tokens != -1
        {
            throw .invalidArgument(
                "options->truncation_retention_ratio / _post_instructions_tokens are set but truncation is not "
                    + "AZAUDIO_TRUNCATION_RETENTION_RATIO")
        }
        g.speed = o.output_speed == 0 ? nil : o.output_speed
        switch o.parallel_tool_calls {
        case -1: g.parallelToolCalls = nil
        case 0, 1: g.parallelToolCalls = o.parallel_tool_calls == 1
        default:
            throw .invalidArgument(
                "options->parallel_tool_calls is \(o.parallel_tool_calls); use 0, 1 or -1 (not sent)")
        }
        return g
    }

    /// transcription_logprobs: 0 or 1 (read by conversation and transcription sessions).
    static func includeLogprobs(_ o: azaudio_realtime_options) throws(AzError) -> Bool {
        guard o.transcription_logprobs == 0 || o.transcription_logprobs == 1 else {
            throw .invalidArgument("options->transcription_logprobs is \(o.transcription_logprobs); use 0 or 1")
        }
        return o.transcription_logprobs == 1
    }
}
