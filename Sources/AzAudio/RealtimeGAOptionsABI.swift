import AzAudioCore
import CAzAudio

/// The typed GA settings of the C realtime options (appended for the 2026 service), and the refusal of
/// conversation-only options in transcription and translation sessions.
enum RealtimeGAOptionsABI {
    /// The GA settings of a conversation session (the shared noise_reduction and transcription_logprobs fields
    /// count here only for conversation sessions; the other kinds read them themselves).
    static func settings(_ o: azaudio_realtime_options) throws(AzError) -> RealtimeGASettings {
        var g = RealtimeGASettings()
        if o.session_kind == AZAUDIO_SESSION_CONVERSATION {
            g.noiseReduction = try RealtimeSessionKindOptions.noiseReduction(o.noise_reduction)
            guard o.transcription_logprobs == 0 || o.transcription_logprobs == 1 else {
                throw .invalidArgument("options->transcription_logprobs is \(o.transcription_logprobs); use 0 or 1")
            }
            g.includeLogprobs = o.transcription_logprobs == 1
        }
        guard o.idle_timeout_ms >= 0 else {
            throw .invalidArgument("options->idle_timeout_ms is \(o.idle_timeout_ms); use 5000 ... 30000 (0: not sent)")
        }
        g.idleTimeoutMs = o.idle_timeout_ms == 0 ? nil : Int(o.idle_timeout_ms)
        g.reasoningEffort = try optionalUTF8String(o.reasoning_effort, "options->reasoning_effort")
        switch o.truncation {
        case AZAUDIO_TRUNCATION_DEFAULT: g.truncation = nil
        case AZAUDIO_TRUNCATION_AUTO: g.truncation = .auto
        case AZAUDIO_TRUNCATION_DISABLED: g.truncation = .disabled
        case AZAUDIO_TRUNCATION_RETENTION_RATIO:
            guard o.truncation_post_instructions_tokens >= -1 else {
                throw .invalidArgument(
                    "options->truncation_post_instructions_tokens is \(o.truncation_post_instructions_tokens); "
                        + "use 0 or more (-1: not sent)")
            }
            g.truncation = .retentionRatio(
                o.truncation_retention_ratio,
                postInstructionsTokens: o.truncation_post_instructions_tokens < 0
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
        guard o.output_speed == 0 || o.output_speed.isFinite else {
            throw .invalidArgument("options->output_speed is not a number")
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

    /// A transcription or translation session has no responses, voice or tools: options that only a
    /// conversation uses are refused by name instead of being dropped silently.
    static func refuseConversationOnly(_ o: azaudio_realtime_options, kind: RealtimeSessionKind) throws(AzError) {
        if kind.isConversation { return }
        var set: [String] = []
        if o.instructions != nil { set.append("instructions") }
        if o.voice != nil { set.append("voice") }
        if o.tools_json != nil { set.append("tools_json") }
        if o.tool_choice != nil { set.append("tool_choice") }
        if o.text_only != 0 { set.append("text_only") }
        if o.temperature != 0 { set.append("temperature") }
        if o.max_output_tokens != 0 { set.append("max_output_tokens") }
        if o.output_audio_format != AZAUDIO_FORMAT_PCM16 { set.append("output_audio_format") }
        if o.idle_timeout_ms != 0 { set.append("idle_timeout_ms") }
        if o.reasoning_effort != nil { set.append("reasoning_effort") }
        if o.truncation != AZAUDIO_TRUNCATION_DEFAULT { set.append("truncation") }
        if o.output_speed != 0 { set.append("output_speed") }
        if o.parallel_tool_calls != -1 { set.append("parallel_tool_calls") }
        if o.call_id != nil { set.append("call_id") }
        if case .transcription = kind, o.input_transcription_deployment != nil {
            throw .invalidArgument(
                "options->input_transcription_deployment is not used by a transcription session: its transcribing "
                    + "deployment is options->deployment")
        }
        guard set.isEmpty else {
            throw .invalidArgument(
                "options->\(set.joined(separator: ", ")) \(set.count == 1 ? "is" : "are") for conversation sessions "
                    + "only; a \(kind.name) session has no responses, voice or tools: leave "
                    + "\(set.count == 1 ? "it" : "them") unset")
        }
    }
}
