/// gpt-4o-transcribe-diarize refuses audio over 30 s that comes without `chunking_strategy`
/// (AZURE-AUDIO-2026.md section 6). The library measures the audio when it can decode it (a file or buffer
/// libsndfile reads: WAV, FLAC, Ogg, MP3...) and refuses before uploading; audio it cannot measure (a reader,
/// an undecodable format) is left for the service to judge.
enum DiarizeChunkingRule {
    static let maxUnchunkedSeconds = 30.0

    static func check(_ input: AudioInput, options o: AudioTextOptions, model: KnownModel?) throws(AzError) {
        guard model?.family == .diarize, (o.chunkingStrategy ?? "").isEmpty else { return }
        let reader: SoundFileReader?
        switch input {
        case .file(let path): reader = try? SoundFileReader(path: path)
        case .memory(let bytes, let filename): reader = try? SoundFileReader(bytes: bytes, name: filename)
        case .reader: reader = nil
        }
        guard let reader, reader.sampleRate > 0, reader.seconds > maxUnchunkedSeconds else { return }
        throw AzError(
            .invalidArgument,
            "the audio is \(KnownSpeaker.formatSeconds(reader.seconds)) s long: gpt-4o-transcribe-diarize needs "
                + "chunking_strategy (e.g. \"auto\") for audio over 30 s")
    }
}
