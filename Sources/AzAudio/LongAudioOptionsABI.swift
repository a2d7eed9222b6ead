import AzAudioCore
import CAzAudio

/// The "audio of any length" fields shared by azaudio_transcription_options and azaudio_translation_options.
struct LongAudioFields {
    var maxUploadBytes: Int64
    var maxPieceSeconds: Double
    var concurrency: Int32
    var encoding: Int32
    var journalDir: UnsafePointer<CChar>?
    var progress: azaudio_pieces_progress_fn?
    var progressUser: UnsafeMutableRawPointer?
    var outPartial: UnsafeMutablePointer<OpaquePointer?>?
    var jobTimeoutMs: Int64 = 0
    var raw: (format: Int32, rate: Int32, channels: Int32) = (0, 0, 0)

    init(_ o: azaudio_transcription_options) {
        (maxUploadBytes, maxPieceSeconds, concurrency, encoding) =
            (o.max_upload_bytes, o.max_piece_seconds, o.max_concurrent_pieces, o.piece_encoding)
        (journalDir, progress, progressUser, outPartial) =
            (o.journal_dir, o.on_pieces_progress, o.pieces_progress_user_data, o.out_partial)
        (jobTimeoutMs, raw) = (o.job_timeout_ms, (o.raw_format, o.raw_sample_rate, o.raw_channels))
    }

    init(_ o: azaudio_translation_options) {
        (maxUploadBytes, maxPieceSeconds, concurrency, encoding) =
            (o.max_upload_bytes, o.max_piece_seconds, o.max_concurrent_pieces, o.piece_encoding)
        (journalDir, progress, progressUser, outPartial) =
            (o.journal_dir, o.on_pieces_progress, o.pieces_progress_user_data, o.out_partial)
        (jobTimeoutMs, raw) = (o.job_timeout_ms, (o.raw_format, o.raw_sample_rate, o.raw_channels))
    }

    /// The engine's options, or what is wrong with the fields.
    func engine() throws(AzError) -> LongAudioOptions {
        var e = LongAudioOptions()
        e.maxUploadBytes = maxUploadBytes
        guard maxPieceSeconds.isFinite, maxPieceSeconds >= 0 else {
            throw .invalidArgument("options->max_piece_seconds is \(maxPieceSeconds); use 0 (the model's) or seconds")
        }
        e.maxPieceSeconds = maxPieceSeconds > 0 ? maxPieceSeconds : nil
        guard (0...16).contains(concurrency) else {
            throw .invalidArgument("options->max_concurrent_pieces is \(concurrency); use 0 (default 4) or 1 to 16")
        }
        e.concurrency = concurrency == 0 ? 4 : Int(concurrency)
        switch encoding {
        case AZAUDIO_PIECE_FLAC: e.encoding = .flac
        case AZAUDIO_PIECE_WAV: e.encoding = .wav
        default: throw .invalidArgument("options->piece_encoding is \(encoding); use AZAUDIO_PIECE_FLAC or _WAV")
        }
        e.journalDirectory = optionalPath(journalDir)
        if let progress { e.onProgress = PiecesProgressCallback(fn: progress, user: progressUser).handler }
        if outPartial != nil { e.partial = PartialResultSink() }
        guard jobTimeoutMs >= 0 else {
            throw .invalidArgument("options->job_timeout_ms is \(jobTimeoutMs); use 0 (no limit) or milliseconds")
        }
        e.jobTimeoutMs = jobTimeoutMs > 0 ? jobTimeoutMs : nil
        e.rawLayout = try rawLayout()
        return e
    }

    /// The layout of headerless PCM input, nil when raw_format is 0.
    private func rawLayout() throws(AzError) -> RawPCMLayout? {
        let samples: [Int32: RawPCMLayout.Sample] = [
            AZAUDIO_FORMAT_PCM8: .u8, AZAUDIO_FORMAT_PCM16: .s16, AZAUDIO_FORMAT_PCM24: .s24,
            AZAUDIO_FORMAT_PCM32: .s32, AZAUDIO_FORMAT_FLOAT32: .float32, AZAUDIO_FORMAT_FLOAT64: .float64,
            AZAUDIO_FORMAT_ULAW: .ulaw, AZAUDIO_FORMAT_ALAW: .alaw,
        ]
        guard raw.format != 0 else { return nil }
        guard let sample = samples[raw.format] else {
            throw .invalidArgument("options->raw_format is \(raw.format); use an AZAUDIO_FORMAT_* value or 0")
        }
        guard (1...384_000).contains(raw.rate) else {
            throw .invalidArgument("options->raw_sample_rate is \(raw.rate); use 1 to 384000 Hz")
        }
        guard (1...256).contains(raw.channels) else {
            throw .invalidArgument("options->raw_channels is \(raw.channels); use 1 to 256")
        }
        return RawPCMLayout(sample: sample, sampleRate: Int(raw.rate), channels: Int(raw.channels))
    }

    /// Hands a failed job's partial result to the caller, if it asked for it.
    func deliverPartial(_ sink: PartialResultSink?) {
        guard let outPartial else { return }
        outPartial.pointee = sink?.transcript.map { TranscriptHandle($0).retainedPointer() }
    }
}

/// A caller's azaudio_pieces_progress_fn; called only on the thread that made the call.
struct PiecesProgressCallback: @unchecked Sendable {
    let fn: azaudio_pieces_progress_fn
    let user: UnsafeMutableRawPointer?

    var handler: @Sendable (LongAudioProgress) throws(AzError) -> Void {
        { (p: LongAudioProgress) throws(AzError) in
            let rc = fn(
                Int32(clamping: p.piecesDone), Int32(clamping: p.piecesTotal), p.secondsDone, p.secondsTotal,
                user)
            if rc != 0 {
                throw AzError(.cancelled, "the pieces progress callback returned \(rc): the call was stopped")
            }
        }
    }
}
