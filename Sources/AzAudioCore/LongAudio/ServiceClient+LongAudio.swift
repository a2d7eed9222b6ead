/// Transcription and translation of audio of any length.
extension ServiceClient {
    /// Like `audioToText`, but a request that would exceed `long.maxUploadBytes` or the model's duration ceiling is
    /// cut into pieces at pauses, sent concurrently and merged (see `LongAudioJob`). Audio that fits goes as before,
    /// untouched. Audio from a read callback is uploaded as it is read and, at the same time, copied to a private
    /// temporary file; when it turns out too large for one request, the rest is read into that file and the file is
    /// cut. Headerless PCM (`long.rawLayout`) is always decoded and sent as FLAC or WAV pieces.
    public func audioToTextAnyLength(
        _ task: AudioTextTask, input: AudioInput, options: AudioTextOptions, long: LongAudioOptions,
        settings: CallSettings = CallSettings(), onDelta: ((String) throws(AzError) -> Void)? = nil,
        onSegment: ((TranscriptSegment) throws(AzError) -> Void)? = nil
    ) throws(AzError) -> Transcript {
        var long = long
        var whole = settings
        if let ms = long.jobTimeoutMs {
            let deadline = long.jobDeadline ?? monotonicSeconds() + Double(ms) / 1000
            long.jobDeadline = deadline
            // Sent whole, the job's limit bounds the one request too.
            let left = UInt32(clamping: max(1, Int64(((deadline - monotonicSeconds()) * 1000).rounded(.up))))
            whole.timeoutMs = whole.timeoutMs.map { $0 == 0 ? left : min($0, left) } ?? left
        }
        func sendWhole(_ input: AudioInput) throws(AzError) -> Transcript {
            try audioToText(
                task, input: input, options: options, settings: whole, onDelta: onDelta, onSegment: onSegment)
        }
        if long.rawLayout != nil && long.maxUploadBytes <= 0 { long.maxUploadBytes = AudioTextRequest.maxBodyBytes }
        guard long.maxUploadBytes > 0 else { return try sendWhole(input) }
        if case .reader(let filename, let read) = input {
            return try readerAnyLength(
                task, filename: filename, read: read, options: options, long: long, settings: settings,
                sendWhole: sendWhole, onDelta: onDelta, onSegment: onSegment)
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
        case .reader: fatalError("handled above")
        }
        let raw = long.rawLayout != nil
        let tooBig = size + 4096 > long.maxUploadBytes
        guard tooBig || ceiling != nil || raw else { return try sendWhole(input) }
        // Check the options before decoding anything (the same checks a single request makes).
        _ = try AudioTextRequest.prepare(
            task, input: .memory([0], filename: "check.wav"), options: options,
            family: configuration.family)
        let reader: SoundFileReader
        do throws(AzError) {
            switch input {
            case .file(let path): reader = try SoundFileReader(path: path, raw: long.rawLayout)
            case .memory(let bytes, let filename):
                reader = try SoundFileReader(bytes: bytes, name: filename, raw: long.rawLayout)
            case .reader: fatalError("handled above")
            }
        } catch {
            if raw { throw error }
            // Not decodable here but small enough: the service may still read it.
            guard tooBig else { return try sendWhole(input) }
            throw AzError(
                .payloadTooLarge,
                "'\(AudioFileType.baseName(name).prefix(200))' is \(size) bytes, over the upload limit of "
                    + "\(long.maxUploadBytes), and cannot be cut into pieces because it cannot be decoded here "
                    + "(\(error.message)); convert it to WAV, FLAC, MP3 or Ogg (e.g. ffmpeg -i IN -ac 1 -ar 16000 "
                    + "OUT.flac) or compress it under the limit")
        }
        if !tooBig, !raw, let ceiling, reader.frames > 0, reader.seconds <= ceiling { return try sendWhole(input) }
        let format = try TranscriptFormat.parse(options.responseFormat)
        let job = LongAudioJob(
            client: self, task: task, options: options, long: long, settings: settings,
            reader: reader, format: format, ceiling: ceiling)
        let transcript = try job.run()
        if onDelta != nil, !transcript.text.isEmpty { try onDelta?(transcript.text) }
        return transcript
    }

    /// Audio from a read callback: headerless PCM is read into a temporary file and cut; anything else is uploaded
    /// as it is read while a copy goes to a temporary file, and if it proves too large for one request the rest is
    /// read into the file, which is then cut. Memory stays bounded either way.
    private func readerAnyLength(
        _ task: AudioTextTask, filename: String, read: @escaping (UnsafeMutableRawBufferPointer) throws(AzError) -> Int,
        options: AudioTextOptions, long: LongAudioOptions, settings: CallSettings,
        sendWhole: (AudioInput) throws(AzError) -> Transcript,
        onDelta: ((String) throws(AzError) -> Void)?, onSegment: ((TranscriptSegment) throws(AzError) -> Void)?
    ) throws(AzError) -> Transcript {
        let spool = try ReadSpool(filename: filename)
        func cutSpool() throws(AzError) -> Transcript {
            try spool.drain(read, cancel: settings.cancel)
            try spool.finish()
            return try audioToTextAnyLength(
                task, input: .file(path: spool.path), options: options, long: long, settings: settings,
                onDelta: onDelta, onSegment: onSegment)
        }
        if long.rawLayout != nil { return try cutSpool() }
        let limit = long.maxUploadBytes
        var overflowed = false
        let tee: (UnsafeMutableRawBufferPointer) throws(AzError) -> Int = {
            (buffer: UnsafeMutableRawBufferPointer) throws(AzError) -> Int in
            let n = try read(buffer)
            if n > 0 { try spool.append(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) }
            if spool.bytes + 4096 > limit {
                overflowed = true
                throw AzError(.payloadTooLarge, "the audio from the read callback is over the upload limit")
            }
            return n
        }
        do throws(AzError) {
            return try sendWhole(.reader(filename: filename, read: tee))
        } catch {
            // Too large for one request (by the limit above or the service's own): cut it instead.
            guard overflowed || error.kind == .payloadTooLarge, spool.bytes > 0 else { throw error }
            return try cutSpool()
        }
    }
}
