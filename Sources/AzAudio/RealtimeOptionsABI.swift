import AzAudioCore
import CAzAudio

/// Turns the C realtime options into the engine's.
enum RealtimeOptionsABI: SizedStructABI {
    static let typeName = "azaudio_realtime_options"
    /// 0.1.0 declared the fields up to connect_timeout_ms: programs built then stay valid; the fields appended since
    /// take their defaults.
    static let firstReleaseSize = end(of: \azaudio_realtime_options.connect_timeout_ms)

    static var defaults: azaudio_realtime_options {
        var o = azaudio_realtime_options()
        o.struct_size = UInt32(MemoryLayout<azaudio_realtime_options>.size)
        o.protocol = AZAUDIO_REALTIME_GA
        o.input_audio_format = AZAUDIO_FORMAT_PCM16
        o.output_audio_format = AZAUDIO_FORMAT_PCM16
        o.turn_detection = AZAUDIO_TURN_SERVER_VAD
        o.vad_threshold = -1
        o.vad_prefix_padding_ms = -1
        o.vad_silence_duration_ms = -1
        o.vad_create_response = 1
        o.vad_interrupt_response = 1
        o.max_send_queue_bytes = 1 << 20
        o.max_event_queue = 4096
        o.connect_timeout_ms = 30_000
        o.caller_input_format = AZAUDIO_CALLER_FORMAT_SESSION
        o.caller_input_rate = 0
        o.caller_output_format = AZAUDIO_CALLER_FORMAT_SESSION
        o.caller_output_rate = 0
        o.barge_in = 1
        o.input_audio_coalesce_ms = 0
        o.caller_input_channels = 0
        o.caller_output_channels = 0
        o.keepalive_ms = 15_000
        o.liveness_timeout_ms = 30_000
        o.reconnect_max_attempts = 0
        o.reconnect_max_total_ms = 60_000
        o.reconnect_backoff_ms = 250
        o.history_max_items = 200
        o.history_max_chars = 32_000
        o.renewal_margin_ms = 120_000
        o.session_max_ms = 1_800_000
        o.truncation_retention_ratio = -1
        o.truncation_post_instructions_tokens = -1
        o.parallel_tool_calls = -1
        return o
    }

    static func engineOptions(_ o: azaudio_realtime_options) throws(AzError) -> RealtimeSessionOptions {
        let sideband = o.call_id != nil
        guard let deployment = try optionalUTF8String(o.deployment, "options->deployment") ?? (sideband ? "" : nil)
        else {
            throw .invalidArgument("options->deployment is NULL: name the realtime deployment")
        }
        var options = RealtimeSessionOptions(deployment: deployment)
        switch o.protocol {
        case AZAUDIO_REALTIME_GA: options.protocolKind = .ga
        case AZAUDIO_REALTIME_PREVIEW:
            options.protocolKind = .preview(
                apiVersion: try optionalUTF8String(o.api_version, "options->api_version")
                    ?? RealtimeProtocol.defaultPreviewAPIVersion)
        default: throw .invalidArgument("options->protocol is \(o.protocol); use AZAUDIO_REALTIME_GA or _PREVIEW")
        }
        var c = RealtimeSessionConfig()
        c.instructions = try optionalUTF8String(o.instructions, "options->instructions")
        c.voice = try optionalUTF8String(o.voice, "options->voice")
        c.inputFormat = try format(o.input_audio_format, "input_audio_format")
        c.outputFormat = try format(o.output_audio_format, "output_audio_format")
        c.transcriptionDeployment = try optionalUTF8String(
            o.input_transcription_deployment, "options->input_transcription_deployment")
        c.transcriptionLanguage = try optionalUTF8String(
            o.input_transcription_language, "options->input_transcription_language")
        let create = try flag(o.vad_create_response, "vad_create_response")
        let interrupt = try flag(o.vad_interrupt_response, "vad_interrupt_response")
        switch o.turn_detection {
        case AZAUDIO_TURN_SERVER_VAD:
            c.turnDetection = .serverVAD(
                threshold: o.vad_threshold < 0 ? nil : o.vad_threshold,
                prefixPaddingMs: o.vad_prefix_padding_ms < 0 ? nil : Int(o.vad_prefix_padding_ms),
                silenceDurationMs: o.vad_silence_duration_ms < 0 ? nil : Int(o.vad_silence_duration_ms),
                createResponse: create, interruptResponse: interrupt)
        case AZAUDIO_TURN_SEMANTIC_VAD:
            c.turnDetection = .semanticVAD(
                eagerness: try optionalUTF8String(o.semantic_vad_eagerness, "options->semantic_vad_eagerness"),
                createResponse: create,
                interruptResponse: interrupt)
        case AZAUDIO_TURN_NONE: c.turnDetection = .none
        default: throw .invalidArgument("options->turn_detection is \(o.turn_detection); use an AZAUDIO_TURN_* value")
        }
        c.toolsJSON = try optionalUTF8String(o.tools_json, "options->tools_json")
        c.toolChoice = try optionalUTF8String(o.tool_choice, "options->tool_choice")
        c.temperature = o.temperature == 0 ? nil : o.temperature
        c.maxOutputTokens = o.max_output_tokens == 0 ? nil : Int(o.max_output_tokens)
        c.textOnly = try flag(o.text_only, "text_only")
        c.ga = try RealtimeGAOptionsABI.settings(o)
        options.callID = try optionalUTF8String(o.call_id, "options->call_id")
        c.omitsAudioFormats = options.callID != nil
        options.config = c
        options.maxSendQueueBytes = Int(o.max_send_queue_bytes)
        options.maxEventQueue = Int(o.max_event_queue)
        options.connectTimeoutMs = o.connect_timeout_ms == 0 ? 30_000 : o.connect_timeout_ms
        options.callerInput = try callerFormat(
            o.caller_input_format, o.caller_input_rate, o.caller_input_channels,
            "caller_input")
        options.callerOutput = try callerFormat(
            o.caller_output_format, o.caller_output_rate,
            o.caller_output_channels, "caller_output")
        options.bargeIn = try flag(o.barge_in, "barge_in")
        options.inputCoalesceMs = o.input_audio_coalesce_ms
        options.keepaliveMs = o.keepalive_ms
        options.livenessTimeoutMs = o.liveness_timeout_ms
        options.reconnectMaxAttempts = o.reconnect_max_attempts
        options.reconnectMaxTotalMs = o.reconnect_max_total_ms
        options.reconnectBackoffMs = o.reconnect_backoff_ms
        options.historyMaxItems = Int(o.history_max_items)
        options.historyMaxCharacters = Int(o.history_max_chars)
        options.renewalMarginMs = o.renewal_margin_ms
        options.sessionMaxMs = o.session_max_ms
        options.reaskInterrupted = try flag(o.reask_interrupted_response, "reask_interrupted_response")
        options.kind = try RealtimeSessionKindOptions.kind(o, deployment: deployment, turnDetection: c.turnDetection)
        if !options.kind.isConversation { options.bargeIn = false }  // no responses to cut
        if sideband { options.bargeIn = false }  // the server plays out
        try options.validate()
        return options
    }

    private static func format(_ value: Int32, _ name: String) throws(AzError) -> AudioFormat {
        guard let format = WAVInfoABI.formats[value], format == .pcm16 || format == .ulaw || format == .alaw else {
            throw .invalidArgument(
                "options->\(name) is \(value); use AZAUDIO_FORMAT_PCM16, AZAUDIO_FORMAT_ULAW or AZAUDIO_FORMAT_ALAW")
        }
        return format
    }

    /// A caller-side format: nil for AZAUDIO_CALLER_FORMAT_SESSION; rate 0 is the format's session rate, channels
    /// 0 mono (the header's "not set" values).
    private static func callerFormat(
        _ format: Int32, _ rate: UInt32, _ channels: UInt32, _ name: String
    )
        throws(AzError) -> AudioStreamFormat?
    {
        if format == AZAUDIO_CALLER_FORMAT_SESSION {
            guard rate == 0, channels == 0 else {
                let field = rate != 0 ? "rate is \(rate)" : "channels is \(channels)"
                throw .invalidArgument(
                    "options->\(name)_\(field) but \(name)_format is "
                        + "AZAUDIO_CALLER_FORMAT_SESSION: set the format too")
            }
            return nil
        }
        guard let kit = WAVInfoABI.formats[format], kit == .pcm16 || kit == .ulaw || kit == .alaw else {
            throw .invalidArgument(
                "options->\(name)_format is \(format); use AZAUDIO_CALLER_FORMAT_SESSION, "
                    + "AZAUDIO_FORMAT_PCM16, AZAUDIO_FORMAT_ULAW or AZAUDIO_FORMAT_ALAW")
        }
        // Rate and channels are checked by the engine (AudioStreamFormat.validate).
        let hz = rate == 0 ? (kit == .pcm16 ? 24000 : 8000) : Int(rate)
        return AudioStreamFormat(kit, rate: hz, channels: max(Int(channels), 1))
    }

    private static func flag(_ value: Int32, _ name: String) throws(AzError) -> Bool {
        guard value == 0 || value == 1 else { throw .invalidArgument("options->\(name) is \(value); use 0 or 1") }
        return value == 1
    }
}
