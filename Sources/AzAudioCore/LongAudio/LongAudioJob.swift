/// Runs one long recording through the service in pieces, on the calling thread: plans the cuts, encodes each piece
/// just before it is sent, keeps up to `concurrency` pieces in flight on their own threads, slows the whole job on
/// 429, retries other transient failures per piece, and merges the results in order.
final class LongAudioJob {
    private let client: ServiceClient
    private let task: AudioTextTask
    private let options: AudioTextOptions
    private let long: LongAudioOptions
    private let settings: CallSettings
    private let reader: SoundFileReader
    private let format: TranscriptFormat
    private let ceiling: Double?
    private let jobToken = CancellationToken()
    private let events = Locked<[(Int, Result<Transcript, AzError>)]>([])

    init(
        client: ServiceClient, task: AudioTextTask, options: AudioTextOptions, long: LongAudioOptions,
        settings: CallSettings, reader: SoundFileReader, format: TranscriptFormat, ceiling: Double?
    ) {
        self.client = client
        self.task = task
        var pieceOptions = options
        pieceOptions.stream = false
        self.options = pieceOptions
        self.long = long
        self.settings = settings
        self.reader = reader
        self.format = format
        self.ceiling = ceiling
    }

    /// The pieces for this recording (pure planning over the measured loudness).
    static func plan(
        profile: EnergyProfile, totalFrames: Int64, sampleRate: Int, long: LongAudioOptions,
        ceiling: Double?, reserve: Int64 = 0
    ) throws(AzError) -> [PiecePlan] {
        // Budget by the PCM size, which FLAC never exceeds: every piece fits whatever the audio sounds like.
        // `reserve`: what else each request carries (the known speakers' clips of a diarized job).
        let overhead: Int64 = 8192
        guard long.maxUploadBytes > overhead + reserve + 2 * Int64(sampleRate) else {
            throw .invalidArgument(
                "max_upload_bytes \(long.maxUploadBytes) is too small for a piece of at least one "
                    + "second at \(sampleRate) Hz")
        }
        var maxFrames = (long.maxUploadBytes - overhead - reserve) / 2
        if let ceiling { maxFrames = min(maxFrames, (ceiling * Double(sampleRate)).saturatingInt64(.down)) }
        guard maxFrames >= Int64(sampleRate) else { throw .invalidArgument("the piece duration ceiling is under 1 s") }
        let planner = CutPlanner(
            maxFrames: maxFrames, overlapFrames: Int64(long.overlapSeconds * Double(sampleRate)),
            minFrames: maxFrames / 5)
        return planner.plan(totalFrames: totalFrames, pauses: PauseDetector().pauses(in: profile))
    }

    func run() throws(AzError) -> Transcript {
        let started = monotonicSeconds()
        let encoder = PieceEncoder(reader: reader)
        let (profile, totalFrames) = try encoder.measure(cancel: settings.cancel)
        guard totalFrames > 0 else { throw AzError(.invalidArgument, "the audio has no samples") }
        let rate = Double(reader.sampleRate)
        let directory = try PieceDirectory()
        // Diarized pieces: the first goes alone, later ones get reference clips of the voices heard so far.
        let speakers =
            format == .diarizedJSON
            ? SpeakerTracker(userSpeakers: options.knownSpeakers, directory: directory.path) : nil
        let plans = try Self.plan(
            profile: profile, totalFrames: totalFrames, sampleRate: reader.sampleRate,
            long: long, ceiling: ceiling,
            reserve: speakers.map {
                SpeakerTracker.reservedBytes(
                    slots: $0.slots, sampleRate: reader.sampleRate, user: options.knownSpeakers)
            } ?? 0)
        let journal = try long.journalDirectory.map { (d: String) throws(AzError) in try PieceJournal(directory: d) }
        let totalSeconds = Double(totalFrames) / rate

        var governor = RateGovernor(maximum: min(16, max(1, long.concurrency)))
        var pending = plans.map { $0.index }
        var notBefore = [Double](repeating: 0, count: plans.count)
        var attempts = [Int](repeating: 0, count: plans.count)
        var encoded = [String?](repeating: nil, count: plans.count)
        var keys = [String?](repeating: nil, count: plans.count)
        var results = [Transcript?](repeating: nil, count: plans.count)
        var sentSpeakers = [[KnownSpeaker]](repeating: [], count: plans.count)  // the clips each piece carried
        var resends = [Int](repeating: 0, count: plans.count)
        var running: [Int: PosixThread] = [:]
        let deadline = long.jobDeadline ?? long.jobTimeoutMs.map { started + Double($0) / 1000 }
        let maxRetries = settings.maxRetries ?? client.configuration.retry.maxRetries

        func owned(_ p: PiecePlan) -> Int64 {
            (p.index == plans.count - 1 ? totalFrames : p.keepUntil) - p.keepFrom
        }
        func report() throws(AzError) {
            let done = plans.filter { results[$0.index] != nil }
            // Frames summed, then divided once: when every piece is done, secondsDone equals secondsTotal exactly
            // (a sum of per-piece seconds could end a rounding error above it, e.g. 15.000000000000002 of 15).
            let seconds = Double(done.reduce(Int64(0)) { $0 + owned($1) }) / rate
            try long.onProgress?(
                LongAudioProgress(
                    piecesDone: done.count, piecesTotal: plans.count,
                    secondsDone: seconds, secondsTotal: totalSeconds, concurrency: governor.limit))
            try settings.onUploadProgress?(
                UploadProgress(sent: UInt64(seconds * 1000), total: UInt64(totalSeconds * 1000)))
        }
        func stopAll() {
            jobToken.cancel()
            for (_, thread) in running { thread.join() }
            running.removeAll()
        }
        func fail(_ error: AzError) -> AzError {
            stopAll()
            let finished = plans.compactMap { p in
                results[p.index].map { self.pieceResult(p, $0, last: plans.count - 1) }
            }
            if !finished.isEmpty, let sink = long.partial {
                sink.transcript = try? TranscriptMerger.merge(finished, format: format, totalSeconds: totalSeconds)
            }
            return error
        }
        func describe(_ p: PiecePlan) -> String {
            "piece \(p.index + 1) of \(plans.count) (\(Self.clock(Double(p.start) / rate))-\(Self.clock(Double(p.end) / rate)))"
        }

        do throws(AzError) {
            try report()
            while true {
                if settings.cancel?.isCancelled == true { throw AzError(.cancelled, "the call was cancelled") }
                for (index, outcome) in events.withLock({ (e: inout [(Int, Result<Transcript, AzError>)]) in
                    defer { e.removeAll() }
                    return e
                }) {
                    running.removeValue(forKey: index)?.join()
                    switch outcome {
                    case .success(let transcript):
                        // A voice this piece was not told about may be one another piece found meanwhile: again,
                        // with its clip (bounded: each time, clips found since are what it was missing).
                        if let speakers, resends[index] < SpeakerTracker.maxResends,
                            speakers.mustResend(transcript, sent: sentSpeakers[index])
                        {
                            resends[index] += 1
                            pending.insert(index, at: 0)
                            continue
                        }
                        results[index] =
                            try speakers?.relabel(transcript, format: format, pieceFile: encoded[index]) ?? transcript
                        governor.succeeded()
                        if let journal, let key = keys[index] { try journal.store(key, reply: transcript.rawBody) }
                        if let file = encoded[index] { directory.remove(file) }
                        encoded[index] = nil
                        try report()
                    case .failure(let error):
                        let now = monotonicSeconds()
                        if error.httpStatus == 429 || error.kind == .rateLimited {
                            governor.rateLimited(
                                retryAfter: error.retryAfterSeconds > 0 ? error.retryAfterSeconds : nil,
                                now: now, random: Double.random(in: 0..<1))
                            guard governor.consecutiveRateLimits <= 64 else {
                                throw Self.pieceError(error, describe(plans[index]), "the service kept answering 429")
                            }
                            pending.insert(index, at: 0)
                        } else if Self.isTransient(error) && attempts[index] < maxRetries {
                            attempts[index] += 1
                            notBefore[index] =
                                now
                                + client.configuration.retry.backoff(
                                    retriesDone: attempts[index] - 1, random: { Double.random(in: 0..<1) })
                            pending.insert(index, at: 0)
                        } else {
                            throw Self.pieceError(error, describe(plans[index]), nil)
                        }
                    }
                }
                if pending.isEmpty && running.isEmpty { break }
                let now = monotonicSeconds()
                if let deadline, now >= deadline {
                    let done = results.filter { $0 != nil }.count
                    throw AzError(
                        .timeout,
                        "the whole call took longer than job_timeout_ms (\(long.jobTimeoutMs ?? 0) ms) with "
                            + "\(done) of \(plans.count) pieces finished (they are in the partial result)")
                }
                // A diarized job waits for its first piece: the others need its voices.
                let firstDone = speakers == nil || results[0] != nil
                while governor.mayStart(running: running.count, now: now), firstDone || running.isEmpty,
                    let slot = pending.firstIndex(where: { notBefore[$0] <= now && (firstDone || $0 == 0) })
                {
                    let index = pending.remove(at: slot)
                    let plan = plans[index]
                    if encoded[index] == nil {
                        let path = directory.file(index, long.encoding)
                        try encoder.write(plan, to: path, encoding: long.encoding)
                        encoded[index] = path
                        if let journal {
                            let key = try PieceJournal.key(pieceFile: try AudioFile(path: path), request: requestKey())
                            keys[index] = key
                            if let reply = journal.lookup(key),
                                let t = try? TranscriptParser.parse(reply, format: format)
                            {
                                results[index] = try speakers?.relabel(t, format: format, pieceFile: path) ?? t
                                directory.remove(path)
                                encoded[index] = nil
                                try report()
                                if speakers != nil && index == 0 { break }
                                continue
                            }
                        }
                    }
                    sentSpeakers[index] = speakers?.knownSpeakers() ?? []
                    running[index] = try start(
                        index, path: encoded[index]!, knownSpeakers: speakers.map { _ in sentSpeakers[index] })
                }
                _ = jobToken.sleep(seconds: 0.02)
            }
        } catch {
            throw fail(error)
        }
        let pieces = plans.map { pieceResult($0, results[$0.index]!, last: plans.count - 1) }
        var merged = try TranscriptMerger.merge(pieces, format: format, totalSeconds: totalSeconds)
        merged.httpStatus = pieces.last?.transcript.httpStatus ?? 200
        merged.requestID = pieces.first?.transcript.requestID ?? ""
        return merged
    }

    private func pieceResult(_ p: PiecePlan, _ t: Transcript, last: Int) -> PieceResult {
        let rate = Double(reader.sampleRate)
        return PieceResult(
            plan: p, offset: Double(p.start) / rate, keepFrom: Double(p.keepFrom) / rate,
            keepUntil: p.index == last ? nil : Double(p.keepUntil) / rate, transcript: t)
    }

    private func start(_ index: Int, path: String, knownSpeakers: [KnownSpeaker]?) throws(AzError) -> PosixThread {
        let pieceSettings = CallSettings(timeoutMs: settings.timeoutMs, maxRetries: 0, cancel: jobToken)
        var options = self.options
        if let knownSpeakers { options.knownSpeakers = knownSpeakers }
        let client = self.client, task = self.task, events = self.events
        guard
            let thread = PosixThread.start(
                name: "azaudio-piece",
                {
                    let outcome: Result<Transcript, AzError>
                    do throws(AzError) {
                        outcome = .success(
                            try client.audioToText(
                                task, input: .file(path: path), options: options,
                                settings: pieceSettings))
                    } catch {
                        outcome = .failure(error)
                    }
                    events.withLock { $0.append((index, outcome)) }
                })
        else { throw AzError(.outOfMemory, "cannot start a thread for an audio piece") }
        return thread
    }

    /// What a piece's reply depends on besides its audio.
    private func requestKey() -> String {
        let o = options
        return [
            task.operation, o.deployment, o.model ?? "", o.language ?? "", o.prompt ?? "", format.rawValue,
            o.temperature.map { "\($0)" } ?? "", "\(o.wordTimestamps)", "\(o.segmentTimestamps)",
            "\(o.includeLogprobs)", o.chunkingStrategy ?? "",
        ].joined(separator: "\u{1}") + o.knownSpeakers.map { "\u{1}" + $0.name }.joined()
    }

    static func isTransient(_ error: AzError) -> Bool {
        RetryPolicy.isRetryableStatus(error.httpStatus) || (error.httpStatus == 0 && error.kind == .network)
            || error.kind == .timeout
    }

    static func pieceError(_ error: AzError, _ piece: String, _ why: String?) -> AzError {
        var e = error
        e.message =
            "\(piece) failed: " + (why.map { $0 + "; " } ?? "") + error.message
            + " (the pieces that finished are in the partial result)"
        return e
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(max(0, seconds.saturatingInt64()))
        let m = s / 60 % 60, h = s / 3600
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return (h > 0 ? "\(h):" : "") + "\(two(m)):\(two(s % 60))"
    }
}
