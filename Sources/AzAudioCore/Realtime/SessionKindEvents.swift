/// The events of transcription and translation sessions: their wire names, and the fields they carry beyond the
/// common ones (`RealtimeEventExtras`).
///
/// - `conversation.item.input_audio_transcription.segment {item_id, content_index, id, speaker, start, end, text}`:
///   a diarized piece of the caller's speech (`.inputTranscriptionSegment`; text, speaker, start/end seconds).
/// - `session.input_transcript.delta {delta}`: part of the transcript of what the speaker said
///   (`.translationInputTranscriptDelta`).
/// - `session.output_transcript.delta {delta}`: part of the translation's text (`.translationOutputTranscriptDelta`).
/// - `session.output_audio.delta {delta, sample_rate, channels, format, elapsed_ms}`: translated speech
///   (`.translationAudioDelta`; audio decoded, `audioMs` = elapsed_ms, format in the extras).
/// - `session.closed`: the service ended the session after `session.close` (`.sessionClosed`).
extension RealtimeEventKind {
    static let sessionKindWireTypes: [String: RealtimeEventKind] = [
        "conversation.item.input_audio_transcription.segment": .inputTranscriptionSegment,
        "session.input_transcript.delta": .translationInputTranscriptDelta,
        "session.output_transcript.delta": .translationOutputTranscriptDelta,
        "session.output_audio.delta": .translationAudioDelta,
        "session.closed": .sessionClosed,
    ]
}

/// Fields only some events carry; nil on the others (so common events stay small).
public final class RealtimeEventExtras: Sendable {
    /// A segment's speaker ("" when the model gives none).
    public let speaker: String
    /// A segment's start and end in seconds of the input (-1 when absent).
    public let start: Double
    public let end: Double
    /// Translated audio: sample rate (Hz), channels and the wire's format name ("pcm16").
    public let sampleRate: Int
    public let channels: Int
    public let format: String
    /// rate_limits.updated: the budgets by name ("requests", "tokens").
    public let rateLimits: [RealtimeRateLimit]
    /// input_audio_buffer.timeout_triggered: where the silent stretch began (ms of input; -1 when absent).
    public let audioStartMs: Int64
    /// input_audio_buffer.dtmf_event_received: when the service received the key (unix seconds; -1 when absent).
    public let receivedAt: Int64

    public init(
        speaker: String = "", start: Double = -1, end: Double = -1, sampleRate: Int = 0, channels: Int = 0,
        format: String = "", rateLimits: [RealtimeRateLimit] = [], audioStartMs: Int64 = -1, receivedAt: Int64 = -1
    ) {
        self.rateLimits = rateLimits
        self.audioStartMs = audioStartMs
        self.receivedAt = receivedAt
        self.speaker = speaker
        self.start = start
        self.end = end
        self.sampleRate = sampleRate
        self.channels = channels
        self.format = format
    }
}

extension RealtimeEventDecoder {
    /// Reads the fields of the session-kind events (the other kinds are left as they are).
    static func decodeSessionKindFields(_ e: inout RealtimeEvent, _ value: JSONValue) throws(AzError) {
        switch e.kind {
        case .inputTranscriptionSegment:
            e.text = value["text"]?.stringValue ?? ""
            e.extras = RealtimeEventExtras(
                speaker: value["speaker"]?.stringValue ?? "",
                start: value["start"]?.doubleValue ?? -1, end: value["end"]?.doubleValue ?? -1)
        case .translationInputTranscriptDelta, .translationOutputTranscriptDelta:
            e.text = value["delta"]?.stringValue ?? ""
        case .translationAudioDelta:
            e.audio = try audioDelta(value, type: e.type)
            e.audioMs = Int64(value["elapsed_ms"]?.intValue ?? -1)
            e.extras = RealtimeEventExtras(
                sampleRate: value["sample_rate"]?.intValue ?? 24000,
                channels: value["channels"]?.intValue ?? 1, format: value["format"]?.stringValue ?? "pcm16")
        default:
            break
        }
    }
}
