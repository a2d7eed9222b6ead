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

    init(_ o: azaudio_transcription_options) {
        (maxUploadBytes, maxPieceSeconds, concurrency, encoding) =
            (o.max_upload_bytes, o.max_piece_seconds, o.max_concurrent_pieces, o.piece_encoding)
        (journalDir, progress, progressUser, outPartial) =
            (o.journal_dir, o.on_pieces_progress, o.pieces_progress_user_data, o.out_partial)
    }

    init(_ o: azaudio_translation_options) {
        (maxUploadBytes, maxPieceSeconds, concurrency, encoding) =
            (o.max_upload_bytes, o.max_piece_seconds, o.max_concurrent_pieces, o.piece_encoding)
        (journalDir, progress, progressUser, outPartial) =
            (o.journal_dir, o.on_pieces_progress, o.pieces_progress_user_data, o.out_partial)
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
        return e
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
