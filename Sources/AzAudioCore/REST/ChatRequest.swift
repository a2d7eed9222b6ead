/// The options of an audio chat completion, as the service names them.
public struct ChatOptions: Sendable {
    public var deployment: String
    public var model: String? = nil
    /// Ask for a spoken reply (modalities text and audio); false: text only.
    public var audioOutput = true
    public var voice = "alloy"
    /// wav, aac, mp3, flac, opus or pcm16; nil: wav, or pcm16 when streaming (what streamed audio needs).
    public var audioFormat: String? = nil
    public var maxCompletionTokens: Int? = nil
    public var temperature: Double? = nil
    public var stream = false

    public init(deployment: String) { self.deployment = deployment }

    /// The format actually requested.
    public var effectiveAudioFormat: String { audioFormat ?? (stream ? "pcm16" : "wav") }
}

/// Builds the JSON body of a chat completion. Audio is base64-encoded straight into the body bytes.
public enum ChatRequest {
    public static let audioFormats = ["wav", "aac", "mp3", "flac", "opus", "pcm16"]

    public static func body(
        _ conversation: ChatConversation, options o: ChatOptions, family: APIFamily
    )
        throws(AzError) -> [UInt8]
    {
        guard !o.deployment.isEmpty else { throw .invalidArgument("deployment is empty: give the chat deployment") }
        guard !conversation.messages.isEmpty else {
            throw .invalidArgument("the conversation has no messages: add at least one")
        }
        if o.audioOutput {
            guard audioFormats.contains(o.effectiveAudioFormat) else {
                throw .invalidArgument(
                    "audio format '\(o.effectiveAudioFormat.prefix(30))' is not one of "
                        + audioFormats.joined(separator: ", "))
            }
            guard !o.voice.isEmpty else { throw .invalidArgument("voice is empty") }
            // The service streams audio only as pcm16 and answers any other streamed format with a 400.
            guard !o.stream || o.effectiveAudioFormat == "pcm16" else {
                throw .invalidArgument(
                    "audio format '\(o.effectiveAudioFormat)' cannot be streamed: "
                        + "streamed chat audio is pcm16 (leave audio_format unset or set \"pcm16\", or turn stream off)"
                )
            }
        }
        if let t = o.temperature, !(t >= 0 && t <= 2) { throw .invalidArgument("temperature is \(t); use 0 to 2") }
        if let m = o.maxCompletionTokens, m < 1 { throw .invalidArgument("max_completion_tokens must be positive") }
        if let model = ModelCatalog.resolve(model: o.model, deployment: o.deployment), !model.family.canChatWithAudio {
            let hasAudio = conversation.messages.contains { m in
                m.audioID != nil || m.parts.contains { if case .inputAudio = $0 { return true } else { return false } }
            }
            if o.audioOutput || hasAudio {
                throw AzError(
                    .unsupported,
                    "\(model.origin) does not do audio chat completions (gpt-4o-audio-preview and "
                        + "gpt-4o-mini-audio-preview do); if the deployment serves another model, name it in options.model"
                )
            }
        }
        var out: [UInt8] = []
        func put(_ s: String) { out.append(contentsOf: s.utf8) }
        put("{")
        if family.sendsModelInBody { put("\"model\":\(JSONWriter.quote(o.deployment)),") }
        put("\"messages\":[")
        for (i, message) in conversation.messages.enumerated() {
            if i > 0 { put(",") }
            put("{\"role\":\(JSONWriter.quote(message.role))")
            if let id = message.audioID {
                put(",\"audio\":{\"id\":\(JSONWriter.quote(id))}")
            }
            let onlyText =
                message.parts.count == 1 && { if case .text = message.parts[0] { return true } else { return false } }()
            if onlyText, case .text(let text) = message.parts[0] {
                put(",\"content\":\(JSONWriter.quote(text))")
            } else if !message.parts.isEmpty {
                put(",\"content\":[")
                for (j, part) in message.parts.enumerated() {
                    if j > 0 { put(",") }
                    switch part {
                    case .text(let text):
                        put("{\"type\":\"text\",\"text\":\(JSONWriter.quote(text))}")
                    case .inputAudio(let bytes, let format):
                        put("{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"")
                        bytes.withUnsafeBytes { Base64.encode($0, appendingTo: &out) }
                        put("\",\"format\":\(JSONWriter.quote(format))}}")
                    }
                }
                put("]")
            } else if message.audioID == nil {
                put(",\"content\":\"\"")
            }
            put("}")
        }
        put("]")
        if o.audioOutput {
            put(",\"modalities\":[\"text\",\"audio\"]")
            put(
                ",\"audio\":{\"voice\":\(JSONWriter.quote(o.voice)),\"format\":\(JSONWriter.quote(o.effectiveAudioFormat))}"
            )
        } else {
            put(",\"modalities\":[\"text\"]")
        }
        if let m = o.maxCompletionTokens { put(",\"max_completion_tokens\":\(m)") }
        if let t = o.temperature { put(",\"temperature\":\(JSONWriter.number(t))") }
        if o.stream { put(",\"stream\":true,\"stream_options\":{\"include_usage\":true}") }
        put("}")
        return out
    }
}
