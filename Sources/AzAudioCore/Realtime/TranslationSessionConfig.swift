/// The settings of a translation session (`gpt-realtime-translate`): the language to speak, and optionally the
/// deployment that transcribes the input. Turned into the session.update of `RealtimeTranslationSessionUpdateRequest`
/// (`{"audio":{"output":{"language"},"input":{"transcription","noise_reduction"}}}`).
public struct TranslationSessionConfig: Sendable, Equatable {
    /// The target language (ISO-639-1, e.g. "es"). Required.
    public var targetLanguage: String
    /// The deployment that transcribes the input (gives input transcript deltas); nil: none.
    public var transcriptionDeployment: String?
    public var noiseReduction: RealtimeNoiseReduction?
    /// The WebSocket path under the endpoint, before `?model=DEPLOYMENT`. Azure documents none yet, so it is an
    /// option; the default is OpenAI's GA path under `/openai` as Azure serves the other GA realtime routes.
    public var path = TranslationSessionConfig.defaultPath

    public static let defaultPath = "/openai/v1/realtime/translations"

    public init(targetLanguage: String) { self.targetLanguage = targetLanguage }

    public func validate() throws(AzError) {
        let lang = targetLanguage
        guard !lang.isEmpty, lang.count <= 8, lang.allSatisfy({ $0.isLetter || $0 == "-" }) else {
            throw .invalidArgument("translation_language '\(lang.prefix(40))' is not a language code such as \"es\"")
        }
        if let t = transcriptionDeployment, t.isEmpty {
            throw .invalidArgument("the transcription deployment is empty")
        }
        guard path.hasPrefix("/"), !path.contains("?"), !path.contains("#"),
            !path.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F })
        else {
            throw .invalidArgument(
                "translation_path '\(path.prefix(80))' is not a URL path such as \(Self.defaultPath)")
        }
    }

    public func url(endpoint: ServiceEndpoint, deployment: String) -> ServiceURL {
        endpoint.url(path: path, query: "model=\(APIFamily.percentEncodePathSegment(deployment))", webSocket: true)
    }

    public func updateEvent() -> String {
        var input: [String] = []
        if let transcriptionDeployment {
            input.append(#""transcription":{"model":"# + JSONWriter.quote(transcriptionDeployment) + "}")
        }
        if let noiseReduction { input.append(#""noise_reduction":"# + noiseReduction.json) }
        return #"{"type":"session.update","session":{"audio":{"output":{"language":"# + JSONWriter.quote(targetLanguage)
            + "}" + (input.isEmpty ? "" : #","input":{"# + input.joined(separator: ",") + "}") + "}}}"
    }

    /// `session.input_audio_buffer.append` framing (the translation wire's name for the audio append).
    public static let appendHead: StaticString = #"{"type":"session.input_audio_buffer.append","audio":""#
    public static let close = #"{"type":"session.close"}"#
}
