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
    /// Up to 4 speakers the diarizing model labels by name (gpt-4o-transcribe-diarize).
    public var knownSpeakers: [KnownSpeaker] = []
    /// Candidate languages (ISO-639-1) and words or phrases to guide recognition (gpt-transcribe).
    public var languages: [String] = []
    public var keywords: [String] = []

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
        try DiarizeChunkingRule.check(input, options: o, model: model)

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
        for language in o.languages { form.addField("languages[]", language) }
        for keyword in o.keywords { form.addField("keywords[]", keyword) }
        for (index, speaker) in o.knownSpeakers.enumerated() {
            form.addField("known_speaker_names[]", speaker.name)
            form.addField("known_speaker_references[]", try speaker.dataURL(index: index))
        }
        if o.stream { form.addField("stream", "true") }
        form.addFile("file", filename: filename, contentType: contentType, content: content)
        let body = form.build(limit: maxBodyBytes)
        if let length = body.length, length > maxBodyBytes {
            throw AzError(
                .payloadTooLarge,
                "the request body would be \(length) bytes, over the service's limit of \(maxBodyBytes) bytes "
                    + "(25 MB): split or compress the audio (e.g. to mp3 or a lower sample rate)")
        }
        return PreparedAudioTextRequest(body: body, format: format, stream: o.stream, model: model)
    }

    private static func checkGeneral(
        _ task: AudioTextTask, _ o: AudioTextOptions, format: TranscriptFormat
    )
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
            if format == .diarizedJSON { throw .invalidArgument("translation does not answer diarized_json") }
        }
        if (o.wordTimestamps || o.segmentTimestamps) && format != .verboseJSON {
            throw .invalidArgument(
                "timestamp granularities need response_format verbose_json (it is \(format.rawValue))")
        }
        if o.includeLogprobs && format != .json {
            throw .invalidArgument("include logprobs needs response_format json (it is \(format.rawValue))")
        }
        if o.stream && !(format == .json || format == .text || format == .diarizedJSON) {
            throw .invalidArgument(
                "streaming needs response_format json, text or diarized_json (it is \(format.rawValue))")
        }
        try checkLists(task, o, format: format)
        if let chunking = o.chunkingStrategy, !chunking.isEmpty, chunking != "auto" {
            guard let json = try? JSONParser.parse(chunking), json["type"]?.stringValue == "server_vad" else {
                throw .invalidArgument(
                    "chunking_strategy must be \"auto\" or a JSON object such as {\"type\":\"server_vad\"}")
            }
        }
    }

    /// Known speakers, languages and keywords: counts, names and emptiness (clips are checked when encoded).
    private static func checkLists(
        _ task: AudioTextTask, _ o: AudioTextOptions, format: TranscriptFormat
    )
        throws(AzError)
    {
        if task == .translation && !(o.knownSpeakers.isEmpty && o.languages.isEmpty && o.keywords.isEmpty) {
            throw .invalidArgument("translation takes no known speakers, languages or keywords")
        }
        if o.knownSpeakers.count > KnownSpeaker.maxSpeakers {
            throw .invalidArgument(
                "\(o.knownSpeakers.count) known speakers given; the service takes at most \(KnownSpeaker.maxSpeakers)")
        }
        if !o.knownSpeakers.isEmpty && format != .diarizedJSON {
            throw .invalidArgument(
                "known speakers need response_format diarized_json (it is \(format.rawValue)): "
                    + "only it labels segments with speakers")
        }
        var seen = Set<String>()
        for (index, speaker) in o.knownSpeakers.enumerated() {
            guard !speaker.name.isEmpty else { throw .invalidArgument("known speaker \(index + 1) has an empty name") }
            guard seen.insert(speaker.name).inserted else {
                throw .invalidArgument("the known speaker name '\(speaker.name.prefix(40))' is given twice")
            }
        }
        if o.language != nil && !o.languages.isEmpty {
            throw .invalidArgument("give either language or languages, not both")
        }
        for language in o.languages where !isLanguageCode(language) {
            throw .invalidArgument("languages entry '\(language.prefix(20))' is not an ISO-639-1 code such as \"en\"")
        }
        for keyword in o.keywords where keyword.isEmpty { throw .invalidArgument("a keyword is empty") }
    }

    static func isLanguageCode(_ s: String) -> Bool {
        s.utf8.count == 2 && s.utf8.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
    }

    private static func checkModel(
        _ task: AudioTextTask, _ o: AudioTextOptions, format: TranscriptFormat, model: KnownModel
    ) throws(AzError) {
        let can = task == .transcription ? model.family.canTranscribe : model.family.canTranslate
        guard can else {
            throw AzError(
                .unsupported,
                "\(model.origin) does not do \(task.noun)"
                    + (task == .translation ? ": only whisper translates" : "")
                    + "; if the deployment serves another model, name it in options.model")
        }
        if format == .diarizedJSON && model.family != .diarize {
            throw AzError(
                .unsupported,
                "\(model.origin) does not answer diarized_json "
                    + "(only gpt-4o-transcribe-diarize labels speakers)")
        }
        if !o.knownSpeakers.isEmpty && model.family != .diarize {
            throw AzError(
                .unsupported,
                "\(model.origin) does not take known speakers "
                    + "(only gpt-4o-transcribe-diarize does)")
        }
        if (!o.languages.isEmpty || !o.keywords.isEmpty) && model.family != .gptTranscribe {
            throw AzError(
                .unsupported,
                "\(model.origin) does not take languages or keywords "
                    + "(only gpt-transcribe does)")
        }
        switch model.family {
        case .diarize:
            if o.wordTimestamps || o.segmentTimestamps {
                throw AzError(
                    .unsupported,
                    "\(model.origin) does not take timestamp granularities: "
                        + "diarized_json segments carry start and end")
            }
            if ![.json, .text, .diarizedJSON].contains(format) {
                throw AzError(
                    .unsupported,
                    "\(model.origin) answers json, text or diarized_json, not \(format.rawValue)"
                        + (format == .verboseJSON
                            ? ": use diarized_json for segments with timestamps and speakers" : ""))
            }
            if let prompt = o.prompt, !prompt.isEmpty {
                throw AzError(.unsupported, "\(model.origin) does not take a prompt")
            }
            if o.includeLogprobs {
                throw AzError(.unsupported, "\(model.origin) does not support include logprobs")
            }
        case .gpt4oTranscribe, .gptTranscribe:
            if format != .json && format != .text {
                throw AzError(
                    .unsupported,
                    "\(model.origin) supports response_format json and text only, not \(format.rawValue)")
            }
            if o.wordTimestamps || o.segmentTimestamps {
                throw AzError(.unsupported, "\(model.origin) does not support timestamp granularities")
            }
        case .whisper:
            if o.includeLogprobs {
                throw AzError(
                    .unsupported,
                    "\(model.origin) does not support include logprobs "
                        + "(only gpt-4o-transcribe and gpt-4o-mini-transcribe do)")
            }
            if o.stream {
                throw AzError(
                    .unsupported,
                    "\(model.origin) does not stream transcriptions "
                        + "(only gpt-4o-transcribe and gpt-4o-mini-transcribe do)")
            }
        default: break
        }
    }
}
