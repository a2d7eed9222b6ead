/// The options of a text-to-speech request, as the service names them.
public struct SpeechOptions: Sendable {
    public var deployment: String
    /// The model behind the deployment, for local checks; nil: guessed from the deployment's name.
    public var model: String? = nil
    public var voice: String = "alloy"
    /// mp3 (the service's default), opus, aac, flac, wav or pcm; nil: not sent.
    public var responseFormat: String? = nil
    /// 0.25 to 4.0; nil: not sent (the service uses 1.0).
    public var speed: Double? = nil
    public var instructions: String? = nil
    /// "audio" or "sse"; nil: not sent (audio).
    public var streamFormat: String? = nil

    public init(deployment: String) { self.deployment = deployment }
}

/// Checks a speech request before anything is sent and builds its JSON body.
public enum SpeechRequest {
    /// The longest input and instructions, in characters (Unicode scalars).
    public static let maxInputCharacters = 4096
    public static let formats = ["mp3", "opus", "aac", "flac", "wav", "pcm"]

    public static func body(text: String, options o: SpeechOptions, family: APIFamily) throws(AzError) -> [UInt8] {
        guard !o.deployment.isEmpty else { throw .invalidArgument("deployment is empty: give the speech deployment") }
        guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw AzError(.invalidArgument, "the text to speak is empty")
        }
        let count = text.unicodeScalars.count
        guard count <= maxInputCharacters else {
            throw AzError(
                .payloadTooLarge,
                "the text to speak is \(count) characters; the service accepts at most \(maxInputCharacters): "
                    + "split it and speak the parts one after another")
        }
        guard !o.voice.isEmpty else { throw .invalidArgument("voice is empty") }
        if let format = o.responseFormat, !formats.contains(format) {
            throw .invalidArgument(
                "response_format '\(format.prefix(30))' is not one of \(formats.joined(separator: ", "))")
        }
        if let speed = o.speed, !(speed >= 0.25 && speed <= 4.0) {
            throw .invalidArgument("speed is \(speed); it must be from 0.25 to 4.0")
        }
        if let instructions = o.instructions, instructions.unicodeScalars.count > maxInputCharacters {
            throw AzError(
                .payloadTooLarge,
                "instructions are \(instructions.unicodeScalars.count) characters; at most \(maxInputCharacters)")
        }
        if let streamFormat = o.streamFormat, streamFormat != "audio" && streamFormat != "sse" {
            throw .invalidArgument("stream_format '\(streamFormat.prefix(30))' is not audio or sse")
        }
        if let model = ModelCatalog.resolve(model: o.model, deployment: o.deployment) {
            guard model.family.canSpeak else {
                throw AzError(
                    .unsupported,
                    "\(model.origin) does not do text to speech; if the deployment serves another model, name it "
                        + "in options.model")
            }
            if model.family == .tts {
                if let instructions = o.instructions, !instructions.isEmpty {
                    throw AzError(
                        .unsupported,
                        "\(model.origin) does not support instructions (gpt-4o-mini-tts does)")
                }
                if o.streamFormat == "sse" {
                    throw AzError(
                        .unsupported,
                        "\(model.origin) does not support stream_format sse (gpt-4o-mini-tts does)")
                }
            }
        }
        var members: [String: JSONValue] = ["input": .string(text), "voice": .string(o.voice)]
        if family.sendsModelInBody { members["model"] = .string(o.deployment) }
        if let format = o.responseFormat { members["response_format"] = .string(format) }
        if let speed = o.speed { members["speed"] = .number(speed) }
        if let instructions = o.instructions, !instructions.isEmpty { members["instructions"] = .string(instructions) }
        if let streamFormat = o.streamFormat { members["stream_format"] = .string(streamFormat) }
        return Array(JSONWriter.serialize(.object(members)).utf8)
    }
}
