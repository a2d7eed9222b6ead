/// Which audio-to-text operation a request is for.
public enum AudioTextTask: Sendable {
    case transcription
    case translation

    public var operation: String { self == .transcription ? "audio/transcriptions" : "audio/translations" }
    var noun: String { self == .transcription ? "transcription" : "translation" }
}

/// Where the audio of a transcription or translation comes from.
public enum AudioInput {
    /// A file on disk, streamed from it while uploading.
    case file(path: String)
    /// Bytes in memory; `filename` (with a real extension) tells the service the format.
    case memory([UInt8], filename: String)
    /// Audio still being produced: `read` fills the buffer and returns how many bytes it wrote (0 at the end).
    /// The length is unknown, so the upload uses chunked encoding and cannot be retried once started.
    case reader(filename: String, read: (UnsafeMutableRawBufferPointer) throws(AzError) -> Int)
}

/// The options of a transcription or translation, as the service names them.
public struct AudioTextOptions: Sendable {
    public var deployment: String
    /// The model behind the deployment, for local checks; nil: guessed from the deployment's name.
    public var model: String? = nil
    public var language: String? = nil
    public var prompt: String? = nil
    public var responseFormat: String? = nil
    public var temperature: Double? = nil
    public var wordTimestamps = false
    public var segmentTimestamps = false
    public var includeLogprobs = false
    /// "auto" or a JSON object such as {"type":"server_vad","threshold":0.5}.
    public var chunkingStrategy: String? = nil
    public var stream = false

    public init(deployment: String) { self.deployment = deployment }
}

/// A validated request, ready to send.
public struct PreparedAudioTextRequest {
    public var body: MultipartFormBody
    public var format: TranscriptFormat
    public var stream: Bool
    public var model: KnownModel?
}

/// Checks a transcription or translation before anything is sent and builds its multipart body.
public enum AudioTextRequest {
    /// The service's limit on the request body, in bytes (answered with 413 above it).
    public static let maxBodyBytes: Int64 = 26_214_400

    public static func prepare(
        _ task: AudioTextTask, input: AudioInput, options o: AudioTextOptions, family: APIFamily
    ) throws(AzError) -> PreparedAudioTextRequest {
        guard !o.deployment.isEmpty else {
            throw .invalidArgument("deployment is empty: give the name of the \(task.noun) deployment")
        }
        let format = try TranscriptFormat.parse(o.responseFormat)
        let model = ModelCatalog.resolve(model: o.model, deployment: o.deployment)
        try checkGeneral(task, o, format: format)
        if let model { try checkModel(task, o, format: format, model: model) }

        // The audio: name, type and content, checked before the fields are assembled.
        let filename: String
        let content: MultipartFormBody.FileContent
        switch input {
        case .file(let path):
            filename = AudioFileType.baseName(path)
            _ = try AudioFileType.uploadContentType(forFilename: filename)
            let file = try AudioFile(path: path)
            guard file.size > 0 else { throw AzError(.invalidArgument, "the audio file '\(path)' is empty") }
            content = .file(file)
        case .memory(let bytes, let name):
            filename = AudioFileType.baseName(name)
            _ = try AudioFileType.uploadContentType(forFilename: filename)
            guard !bytes.isEmpty else { throw AzError(.invalidArgument, "the audio buffer is empty") }
            content = .memory(bytes)
        case .reader(let name, let read):
            filename = AudioFileType.baseName(name)
            _ = try AudioFileType.uploadContentType(forFilename: filename)
            content = .reader(read)
        }
        let contentType = try AudioFileType.uploadContentType(forFilename: filename)

        var form = MultipartFormBuilder()
        if family.sendsModelInBody { form.addField("model", o.deployment) }
        if let language = o.language, !language.isEmpty { form.addField("language", language) }
        if let prompt = o.prompt, !prompt.isEmpty { form.addField("prompt", prompt) }
        if o.responseFormat != nil { form.addField("response_format", format.rawValue) }
        if let t = o.temperature { form.addField("temperature", JSONWriter.number(t)) }
        if o.wordTimestamps { form.addField("timestamp_granularities[]", "word") }
        if o.segmentTimestamps { form.addField("timestamp_granularities[]", "segment") }
        if o.includeLogprobs { form.addField("include[]", "logprobs") }
        if let chunking = o.chunkingStrategy, !chunking.isEmpty { form.addField("chunking_strategy", chunking) }
        if o.stream { form.addField("stream", "true") }
        form.addFile("file", filename: filename, contentType: contentType, content: content)
        let body = form.build(limit: maxBodyBytes)
        if let length = body.length, length > maxBodyBytes {
            throw AzError(.payloadTooLarge,
                "the request body would be \(length) bytes, over the service's limit of \(maxBodyBytes) bytes "
                    + "(25 MB): split or compress the audio (e.g. to mp3 or a lower sample rate)")
        }
        return PreparedAudioTextRequest(body: body, format: format, stream: o.stream, model: model)
    }

    private static func checkGeneral(_ task: AudioTextTask, _ o: AudioTextOptions, format: TranscriptFormat)
        throws(AzError)
    {
        if let t = o.temperature, !(t >= 0 && t <= 1) {
            throw .invalidArgument("temperature is \(t); it must be from 0 to 1")
        }
        if task == .translation {
            if o.language != nil { throw .invalidArgument("translation takes no language: its output is English") }
            if o.wordTimestamps || o.segmentTimestamps {
                throw .invalidArgument("translation does not take timestamp granularities")
            }
            if o.includeLogprobs { throw .invalidArgument("translation does not take include logprobs") }
            if o.chunkingStrategy != nil { throw .invalidArgument("translation does not take a chunking strategy") }
            if o.stream { throw .invalidArgument("translation does not stream") }
        }
        if (o.wordTimestamps || o.segmentTimestamps) && format != .verboseJSON {
            throw .invalidArgument(
                "timestamp granularities need response_format verbose_json (it is \(format.rawValue))")
        }
        if o.includeLogprobs && format != .json {
            throw .invalidArgument("include logprobs needs response_format json (it is \(format.rawValue))")
        }
        if o.stream && !(format == .json || format == .text) {
            throw .invalidArgument("streaming needs response_format json or text (it is \(format.rawValue))")
        }
        if let chunking = o.chunkingStrategy, !chunking.isEmpty, chunking != "auto" {
            guard let json = try? JSONParser.parse(chunking), json["type"]?.stringValue == "server_vad" else {
                throw .invalidArgument(
                    "chunking_strategy must be \"auto\" or a JSON object such as {\"type\":\"server_vad\"}")
            }
        }
    }

    private static func checkModel(
        _ task: AudioTextTask, _ o: AudioTextOptions, format: TranscriptFormat, model: KnownModel
    ) throws(AzError) {
        let can = task == .transcription ? model.family.canTranscribe : model.family.canTranslate
        guard can else {
            throw AzError(.unsupported,
                "\(model.origin) does not do \(task.noun)"
                    + (task == .translation ? ": only whisper translates" : "")
                    + "; if the deployment serves another model, name it in options.model")
        }
        switch model.family {
        case .gpt4oTranscribe:
            if format != .json && format != .text {
                throw AzError(.unsupported,
                    "\(model.origin) supports response_format json and text only, not \(format.rawValue)")
            }
            if o.wordTimestamps || o.segmentTimestamps {
                throw AzError(.unsupported, "\(model.origin) does not support timestamp granularities")
            }
        case .whisper:
            if o.includeLogprobs {
                throw AzError(.unsupported, "\(model.origin) does not support include logprobs "
                    + "(only gpt-4o-transcribe and gpt-4o-mini-transcribe do)")
            }
            if o.stream {
                throw AzError(.unsupported, "\(model.origin) does not stream transcriptions "
                    + "(only gpt-4o-transcribe and gpt-4o-mini-transcribe do)")
            }
        default: break
        }
    }
}
