/// The audio models libazaudio knows, so that options a model does not support fail locally with a clear message.
///
/// Azure deployment names are arbitrary, so a model is only "known" when the caller names it in the options'
/// `model` field or the deployment is named after it (e.g. `whisper`, `tts-hd`, `gpt-4o-mini-tts-2025-03-20`).
/// Anything else is left for the service to judge.
public enum ModelFamily: String, Sendable, Equatable {
    case whisper
    case gpt4oTranscribe = "gpt-4o-transcribe"
    /// gpt-4o-transcribe-diarize: speaker labels (diarized_json), known speakers; no prompt, logprobs or timestamps.
    case diarize = "gpt-4o-transcribe-diarize"
    /// gpt-transcribe: json and text, plus candidate `languages` and `keywords`.
    case gptTranscribe = "gpt-transcribe"
    case tts
    case gpt4oMiniTTS = "gpt-4o-mini-tts"
    case audioChat = "audio-chat"
    case realtime
    /// Transcription-only realtime models (gpt-realtime-whisper, gpt-live-transcribe): no REST, no conversation.
    case realtimeTranscribe = "realtime-transcribe"
    /// gpt-realtime-translate: realtime translation sessions only.
    case realtimeTranslate = "realtime-translate"

    public var canTranscribe: Bool { [.whisper, .gpt4oTranscribe, .diarize, .gptTranscribe].contains(self) }
    public var canTranslate: Bool { self == .whisper }
    public var canSpeak: Bool { self == .tts || self == .gpt4oMiniTTS }
    public var canChatWithAudio: Bool { self == .audioChat }
}

/// A model identified by name, with where the name came from (for messages).
public struct KnownModel: Sendable, Equatable {
    public var name: String
    public var family: ModelFamily
    /// "model 'x'" or "deployment 'x' (named after model y)".
    public var origin: String
}

public enum ModelCatalog {
    static let families: [String: ModelFamily] = [
        "whisper": .whisper, "gpt-4o-transcribe": .gpt4oTranscribe, "gpt-4o-mini-transcribe": .gpt4oTranscribe,
        "gpt-4o-transcribe-diarize": .diarize, "gpt-transcribe": .gptTranscribe,
        "tts": .tts, "tts-hd": .tts, "gpt-4o-mini-tts": .gpt4oMiniTTS,
        "gpt-4o-audio-preview": .audioChat, "gpt-4o-mini-audio-preview": .audioChat,
        "gpt-audio": .audioChat, "gpt-audio-mini": .audioChat,
        "gpt-4o-realtime-preview": .realtime, "gpt-4o-mini-realtime-preview": .realtime, "gpt-realtime": .realtime,
        "gpt-realtime-mini": .realtime, "gpt-realtime-1.5": .realtime, "gpt-realtime-2": .realtime,
        "gpt-realtime-whisper": .realtimeTranscribe, "gpt-live-transcribe": .realtimeTranscribe,
        "gpt-realtime-translate": .realtimeTranslate,
    ]
    /// The service's built-in voices (realtime and speech); a custom voice is given by its id instead.
    public static let voices = [
        "alloy", "ash", "ballad", "cedar", "coral", "echo", "fable", "marin", "nova", "onyx", "sage", "shimmer",
        "verse",
    ]
    static let aliases = ["whisper-1": "whisper", "tts-1": "tts", "tts-1-hd": "tts-hd"]

    /// The family of a model name (case-insensitive; a `-YYYY-MM-DD` suffix and OpenAI spellings accepted).
    public static func family(of name: String) -> (canonical: String, family: ModelFamily)? {
        var base = name.lowercased()
        let bytes = Array(base.utf8)
        if bytes.count > 11 {
            let tail = bytes.suffix(11)
            let pattern = Array("-dddd-dd-dd".utf8)
            if zip(tail, pattern).allSatisfy({ p in
                p.1 == UInt8(ascii: "d") ? (p.0 >= 0x30 && p.0 <= 0x39) : p.0 == p.1
            }) {
                base = String(decoding: bytes.dropLast(11), as: UTF8.self)
            }
        }
        base = aliases[base] ?? base
        guard let family = families[base] else { return nil }
        return (base, family)
    }

    /// The model behind a call: the explicit `model` if given (known or not), else the deployment's name if it is a
    /// model's name. nil when unknown.
    public static func resolve(model: String?, deployment: String) -> KnownModel? {
        if let model, !model.isEmpty {
            guard let found = family(of: model) else { return nil }
            return KnownModel(name: found.canonical, family: found.family, origin: "model '\(model)'")
        }
        guard let found = family(of: deployment) else { return nil }
        return KnownModel(
            name: found.canonical, family: found.family,
            origin: "deployment '\(deployment)' (named after the model \(found.canonical))")
    }
}
