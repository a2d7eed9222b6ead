/// Transcription and translation of audio of any length.
extension ServiceClient {
    /// Like `audioToText`, but a request that would exceed `long.maxUploadBytes` or the model's duration ceiling is
    /// cut into pieces at pauses, sent concurrently and merged (see `LongAudioJob`). Audio that fits goes as before,
    /// untouched. Audio from a read callback is always sent as it is (its length is unknown in advance).
    public func audioToTextAnyLength(
        _ task: AudioTextTask, input: AudioInput, options: AudioTextOptions, long: LongAudioOptions,
        settings: CallSettings = CallSettings(), onDelta: ((String) throws(AzError) -> Void)? = nil,
        onSegment: ((TranscriptSegment) throws(AzError) -> Void)? = nil
    ) throws(AzError) -> Transcript {
        guard long.maxUploadBytes > 0 else {
            return try audioToText(
                task, input: input, options: options, settings: settings, onDelta: onDelta, onSegment: onSegment)
        }
        let model = ModelCatalog.resolve(model: options.model, deployment: options.deployment)
        let ceiling = long.ceiling(for: model)
        let size: Int64
        let name: String
        switch input {
        case .file(let path):
            size = try AudioFile(path: path).size
            name = path
        case .memory(let bytes, let filename):
            size = Int64(bytes.count)
            name = filename
        case .reader:
            return try audioToText(
                task, input: input, options: options, settings: settings, onDelta: onDelta, onSegment: onSegment)
        }
        let tooBig = size + 4096 > long.maxUploadBytes
        guard tooBig || ceiling != nil else {
            return try audioToText(
                task, input: input, options: options, settings: settings, onDelta: onDelta, onSegment: onSegment)
        }
        // Check the options before decoding anything (the same checks a single request makes).
        _ = try AudioTextRequest.prepare(
            task, input: .memory([0], filename: "check.wav"), options: options,
            family: configuration.family)
        let reader: SoundFileReader
        do throws(AzError) {
            switch input {
            case .file(let path): reader = try SoundFileReader(path: path)
            case .memory(let bytes, let filename): reader = try SoundFileReader(bytes: bytes, name: filename)
            case .reader: fatalError("handled above")
            }
        } catch {
            guard tooBig else {
                // Not decodable here but small enough: the service may still read it.
                return try audioToText(
                    task, input: input, options: options, settings: settings, onDelta: onDelta, onSegment: onSegment)
            }
            throw AzError(
                .payloadTooLarge,
                "'\(AudioFileType.baseName(name).prefix(200))' is \(size) bytes, over the upload limit of "
                    + "\(long.maxUploadBytes), and cannot be cut into pieces because it cannot be decoded here "
                    + "(\(error.message)); convert it to WAV, FLAC, MP3 or Ogg (e.g. ffmpeg -i IN -ac 1 -ar 16000 "
                    + "OUT.flac) or compress it under the limit")
        }
        if !tooBig, let ceiling, reader.frames > 0, reader.seconds <= ceiling {
            return try audioToText(
                task, input: input, options: options, settings: settings, onDelta: onDelta, onSegment: onSegment)
        }
        let format = try TranscriptFormat.parse(options.responseFormat)
        let job = LongAudioJob(
            client: self, task: task, options: options, long: long, settings: settings,
            reader: reader, format: format, ceiling: ceiling)
        let transcript = try job.run()
        if onDelta != nil, !transcript.text.isEmpty { try onDelta?(transcript.text) }
        return transcript
    }
}
