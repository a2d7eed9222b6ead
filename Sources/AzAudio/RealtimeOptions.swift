import AzAudioCore
import CAzAudio

/// Turns the C realtime options into the engine's.
enum RealtimeOptions {
    /// The struct as 0.1.0 declared it (up to connect_timeout_ms): programs built then stay valid; the fields
    /// appended since take their defaults.
    static let minimumSize = MemoryLayout<azaudio_realtime_options>.offset(of: \.caller_input_format)!

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
        o.keepalive_ms = 15_000
        o.liveness_timeout_ms = 30_000
        o.reconnect_max_attempts = 0
        o.reconnect_max_total_ms = 60_000
        o.reconnect_backoff_ms = 250
        o.history_max_items = 200
        o.history_max_chars = 32_000
        o.renewal_margin_ms = 120_000
        o.session_max_ms = 1_800_000
        return o
    }

    static func read(_ pointer: UnsafePointer<azaudio_realtime_options>?) throws(AzError) -> azaudio_realtime_options {
        guard let pointer else { throw .invalidArgument("options is NULL") }
        guard let o = readOptions(pointer, defaults: defaults, minimumSize: minimumSize) else {
            throw .invalidArgument(
                "options->struct_size is \(UnsafeRawPointer(pointer).load(as: UInt32.self)); it must be at least "
                    + "\(minimumSize): fill the struct with azaudio_realtime_options_init()")
        }
        return o
    }

    static func engineOptions(_ o: azaudio_realtime_options) throws(AzError) -> RealtimeSessionOptions {
        guard let deployment = String(optionalCString: o.deployment) else {
            throw .invalidArgument("options->deployment is NULL: name the realtime deployment")
        }
        var options = RealtimeSessionOptions(deployment: deployment)
        switch o.protocol {
        case AZAUDIO_REALTIME_GA: options.protocolKind = .ga
        case AZAUDIO_REALTIME_PREVIEW:
            options.protocolKind = .preview(
                apiVersion: String(optionalCString: o.api_version) ?? RealtimeProtocol.defaultPreviewAPIVersion)
        default: throw .invalidArgument("options->protocol is \(o.protocol); use AZAUDIO_REALTIME_GA or _PREVIEW")
        }
        var c = RealtimeSessionConfig()
        c.instructions = String(optionalCString: o.instructions)
        c.voice = String(optionalCString: o.voice)
        c.inputFormat = try format(o.input_audio_format, "input_audio_format")
        c.outputFormat = try format(o.output_audio_format, "output_audio_format")
        c.transcriptionDeployment = String(optionalCString: o.input_transcription_deployment)
        c.transcriptionLanguage = String(optionalCString: o.input_transcription_language)
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
                eagerness: String(optionalCString: o.semantic_vad_eagerness), createResponse: create,
                interruptResponse: interrupt)
        case AZAUDIO_TURN_NONE: c.turnDetection = .none
        default: throw .invalidArgument("options->turn_detection is \(o.turn_detection); use an AZAUDIO_TURN_* value")
        }
        c.toolsJSON = String(optionalCString: o.tools_json)
        c.toolChoice = String(optionalCString: o.tool_choice)
        c.temperature = o.temperature == 0 ? nil : o.temperature
        guard o.max_output_tokens >= 0 else { throw .invalidArgument("options->max_output_tokens is negative") }
        c.maxOutputTokens = o.max_output_tokens == 0 ? nil : Int(o.max_output_tokens)
        c.textOnly = try flag(o.text_only, "text_only")
        options.config = c
        options.maxSendQueueBytes = Int(o.max_send_queue_bytes)
        options.maxEventQueue = Int(o.max_event_queue)
        options.connectTimeoutMs = o.connect_timeout_ms == 0 ? 30_000 : o.connect_timeout_ms
        options.callerInput = try callerFormat(o.caller_input_format, o.caller_input_rate, "caller_input")
        options.callerOutput = try callerFormat(o.caller_output_format, o.caller_output_rate, "caller_output")
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
        try options.validate()
        return options
    }

    private static func format(_ value: Int32, _ name: String) throws(AzError) -> RealtimeAudioFormat {
        switch value {
        case AZAUDIO_FORMAT_PCM16: return .pcm16
        case AZAUDIO_FORMAT_ULAW: return .g711Ulaw
        case AZAUDIO_FORMAT_ALAW: return .g711Alaw
        default:
            throw .invalidArgument(
                "options->\(name) is \(value); use AZAUDIO_FORMAT_PCM16, AZAUDIO_FORMAT_ULAW or AZAUDIO_FORMAT_ALAW")
        }
    }

    /// A caller-side format: nil for AZAUDIO_CALLER_FORMAT_SESSION; rate 0 is the format's session rate.
    private static func callerFormat(_ format: Int32, _ rate: UInt32, _ name: String) throws(AzError)
        -> AudioStreamFormat?
    {
        let kit: AudioFormat
        switch format {
        case AZAUDIO_CALLER_FORMAT_SESSION:
            guard rate == 0 else {
                throw .invalidArgument("options->\(name)_rate is \(rate) but \(name)_format is "
                    + "AZAUDIO_CALLER_FORMAT_SESSION: set the format too")
            }
            return nil
        case AZAUDIO_FORMAT_PCM16: kit = .pcm16
        case AZAUDIO_FORMAT_ULAW: kit = .ulaw
        case AZAUDIO_FORMAT_ALAW: kit = .alaw
        default:
            throw .invalidArgument("options->\(name)_format is \(format); use AZAUDIO_CALLER_FORMAT_SESSION, "
                + "AZAUDIO_FORMAT_PCM16, AZAUDIO_FORMAT_ULAW or AZAUDIO_FORMAT_ALAW")
        }
        let hz = rate == 0 ? (kit == .pcm16 ? 24000 : 8000) : Int(rate)
        guard Resampler.supportedRates.contains(hz) else {
            throw .invalidArgument("options->\(name)_rate is \(rate); use 8000, 16000, 24000 or 48000 (0: the session rate)")
        }
        return AudioStreamFormat(kit, rate: hz)
    }

    private static func flag(_ value: Int32, _ name: String) throws(AzError) -> Bool {
        guard value == 0 || value == 1 else { throw .invalidArgument("options->\(name) is \(value); use 0 or 1") }
        return value == 1
    }
}
