/// How far a long recording's job has got, reported on the calling thread after each piece.
public struct LongAudioProgress: Sendable, Equatable {
    public var piecesDone: Int
    public var piecesTotal: Int
    public var secondsDone: Double
    public var secondsTotal: Double
    /// Pieces allowed in flight now (lowered after 429s, raised again slowly).
    public var concurrency: Int
}

/// Receives the partial result of a job that failed (the merged results of the pieces that succeeded).
public final class PartialResultSink: @unchecked Sendable {
    public var transcript: Transcript? = nil
    public init() {}
}

/// When and how a transcription or translation is cut into pieces.
public struct LongAudioOptions: Sendable {
    /// A request whose body would be larger is cut into pieces; 0 or less: never cut (the call fails above the
    /// service's limit as before).
    public var maxUploadBytes: Int64 = AudioTextRequest.maxBodyBytes
    /// The longest piece in seconds; nil: the model's ceiling (1500 s for gpt-4o-transcribe and
    /// gpt-4o-mini-transcribe, none for whisper).
    public var maxPieceSeconds: Double? = nil
    /// Pieces uploaded at once (1 to 16).
    public var concurrency = 4
    public var encoding: PieceEncoding = .flac
    /// The overlap of a hard cut (when no pause is found before the limit).
    public var overlapSeconds = 1.0
    /// A directory where each finished piece's result is kept; a later call with the same audio and options reuses
    /// them instead of sending those pieces again. nil: none.
    public var journalDirectory: String? = nil
    /// Hears progress on the calling thread; throwing stops the job with that error.
    public var onProgress: (@Sendable (LongAudioProgress) throws(AzError) -> Void)? = nil
    public var partial: PartialResultSink? = nil
    /// Milliseconds for the whole call, every piece included; nil: no limit (each piece's request still has the
    /// call's own timeout).
    public var jobTimeoutMs: Int64? = nil
    /// When the whole call must end (monotonic seconds), set from `jobTimeoutMs` when the call starts, so that a
    /// call that turns into another (a read callback's audio cut from its copy) keeps the first one's limit.
    var jobDeadline: Double? = nil
    /// The audio is headerless PCM in this layout (decoded and sent in pieces whatever its size); nil: a file format.
    public var rawLayout: RawPCMLayout? = nil

    public init() {}

    /// The duration ceiling that applies to `model`.
    func ceiling(for model: KnownModel?) -> Double? {
        if let maxPieceSeconds, maxPieceSeconds > 0 { return maxPieceSeconds }
        switch model?.family {
        case .gpt4oTranscribe: return 1500
        case .diarize: return 1400  // the service refuses diarization of longer audio
        default: return nil
        }
    }
}
