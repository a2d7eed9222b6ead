import AzAudioCore
import CAzAudio

/// The session-kind fields of the C realtime options (appended for the 2026 service).
enum RealtimeSessionKindOptions {
    /// `turnDetection`: read from the shared turn_detection / vad_* fields.
    static func kind(
        _ o: azaudio_realtime_options, deployment: String,
        turnDetection: RealtimeSessionConfig.TurnDetection
    ) throws(AzError) -> RealtimeSessionKind {
        let noise = try noiseReduction(o.noise_reduction)
        switch o.session_kind {
        case AZAUDIO_SESSION_CONVERSATION:
            return .conversation
        case AZAUDIO_SESSION_TRANSCRIPTION:
            var t = TranscriptionSessionConfig(deployment: deployment)
            t.language = try optionalUTF8String(o.input_transcription_language, "options->input_transcription_language")
            t.prompt = try optionalUTF8String(o.transcription_prompt, "options->transcription_prompt")
            t.delay = try optionalUTF8String(o.transcription_delay, "options->transcription_delay")
            t.noiseReduction = noise
            t.turnDetection = turnDetection
            t.includeLogprobs = try RealtimeGAOptionsABI.includeLogprobs(o)
            return .transcription(t)
        case AZAUDIO_SESSION_TRANSLATION:
            guard let language = try optionalUTF8String(o.translation_language, "options->translation_language") else {
                throw .invalidArgument("options->translation_language is NULL: name the language to translate into")
            }
            var t = TranslationSessionConfig(targetLanguage: language)
            t.transcriptionDeployment = try optionalUTF8String(
                o.input_transcription_deployment, "options->input_transcription_deployment")
            t.noiseReduction = noise
            if let path = try optionalUTF8String(o.translation_path, "options->translation_path") { t.path = path }
            return .translation(t)
        default:
            throw .invalidArgument("options->session_kind is \(o.session_kind); use an AZAUDIO_SESSION_* value")
        }
    }

    static func noiseReduction(_ value: Int32) throws(AzError) -> RealtimeNoiseReduction? {
        switch value {
        case AZAUDIO_NOISE_REDUCTION_DEFAULT: return nil
        case AZAUDIO_NOISE_REDUCTION_NEAR_FIELD: return .nearField
        case AZAUDIO_NOISE_REDUCTION_FAR_FIELD: return .farField
        case AZAUDIO_NOISE_REDUCTION_OFF: return .off
        default: throw .invalidArgument("options->noise_reduction is \(value); use an AZAUDIO_NOISE_REDUCTION_* value")
        }
    }
}
