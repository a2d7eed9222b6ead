/// A finished piece's result and where the piece sits in the whole recording.
public struct PieceResult: Sendable {
    public var plan: PiecePlan
    /// Seconds from the recording's start to the piece's first frame.
    public var offset: Double
    /// The part of the timeline (whole-recording seconds) whose results this piece keeps; nil upper bound: the end.
    public var keepFrom: Double
    public var keepUntil: Double?
    public var transcript: Transcript

    public init(plan: PiecePlan, offset: Double, keepFrom: Double, keepUntil: Double?, transcript: Transcript) {
        self.plan = plan
        self.offset = offset
        self.keepFrom = keepFrom
        self.keepUntil = keepUntil
        self.transcript = transcript
    }

    func keeps(start: Double, end: Double) -> Bool {
        let middle = (start + end) / 2
        return middle >= keepFrom && (keepUntil.map { middle < $0 } ?? true)
    }
}

/// Puts the results of a recording's pieces back together as if the service had taken the whole file: text in
/// order; segments, words and cues on the whole recording's timeline; ids and cue numbers renumbered; usage
/// summed. Generic over segment members: any member a segment has (e.g. a diarized `speaker`) is kept as is.
public enum TranscriptMerger {
    public static func merge(
        _ pieces: [PieceResult], format: TranscriptFormat, totalSeconds: Double
    )
        throws(AzError) -> Transcript
    {
        let ordered = pieces.sorted { $0.plan.index < $1.plan.index }
        switch format {
        case .text:
            var t = Transcript(format: format)
            t.text = joinText(ordered.map { $0.transcript.text }) + "\n"
            t.rawBody = Array(t.text.utf8)
            return t
        case .srt, .vtt:
            var cues: [SubtitleCue] = []
            for p in ordered {
                for var cue in SubtitleCues.parse(p.transcript.text) {
                    cue.start += p.offset
                    cue.end += p.offset
                    if p.keeps(start: cue.start, end: cue.end) { cues.append(cue) }
                }
            }
            var t = Transcript(format: format)
            t.text = format == .srt ? SubtitleCues.srt(cues) : SubtitleCues.vtt(cues)
            t.rawBody = Array(t.text.utf8)
            return t
        default:
            let body = mergeJSON(ordered, totalSeconds: totalSeconds, timed: format != .json)
            let raw = Array(JSONWriter.serialize(body).utf8)
            return try TranscriptParser.parse(raw, format: format)
        }
    }

    /// Texts joined by one space, each trimmed.
    static func joinText(_ texts: [String]) -> String {
        texts.map { $0.trimmingNewlines() }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    static func mergeJSON(_ pieces: [PieceResult], totalSeconds: Double, timed: Bool) -> JSONValue {
        var merged: [String: JSONValue] = [:]
        var segments: [JSONValue] = []
        var words: [JSONValue] = []
        var logprobs: [JSONValue] = []
        var usage: [String: JSONValue]? = nil
        var texts: [String] = []
        var sawSegments = false, sawWords = false, sawLogprobs = false
        for p in pieces {
            let json = (try? JSONParser.parse(p.transcript.rawBody)) ?? .object(["text": .string(p.transcript.text)])
            for (key, value) in json.objectValue ?? [:] where merged[key] == nil { merged[key] = value }
            texts.append(json["text"]?.stringValue ?? "")
            if let list = json["segments"]?.arrayValue {
                sawSegments = true
                for s in list {
                    guard let shifted = shift(s, by: p.offset) else { continue }
                    if !timed
                        || p.keeps(start: shifted["start"]?.doubleValue ?? 0, end: shifted["end"]?.doubleValue ?? 0)
                    {
                        segments.append(shifted)
                    }
                }
            }
            if let list = json["words"]?.arrayValue {
                sawWords = true
                for w in list {
                    guard let shifted = shift(w, by: p.offset) else { continue }
                    if p.keeps(start: shifted["start"]?.doubleValue ?? 0, end: shifted["end"]?.doubleValue ?? 0) {
                        words.append(shifted)
                    }
                }
            }
            if let list = json["logprobs"]?.arrayValue {
                sawLogprobs = true
                logprobs += list
            }
            if let u = json["usage"]?.objectValue { usage = add(usage, u) }
        }
        merged["text"] = .string(
            timed && sawSegments
                ? joinText(segments.map { $0["text"]?.stringValue ?? "" })
                : joinText(texts))
        if sawSegments {
            merged["segments"] = .array(
                segments.enumerated().map { i, s in
                    guard case .object(var o) = s else { return s }
                    // Numbers stay numbers (verbose_json); text ids take the diarized form "seg_001".
                    if o["id"]?.stringValue != nil {
                        let n = String(i + 1)
                        o["id"] = .string("seg_" + String(repeating: "0", count: max(0, 3 - n.count)) + n)
                    } else if o["id"] != nil {
                        o["id"] = .number(Double(i))
                    }
                    return .object(o)
                })
        }
        if sawWords { merged["words"] = .array(words) }
        if sawLogprobs { merged["logprobs"] = .array(logprobs) }
        if let usage { merged["usage"] = .object(usage) }
        if merged["duration"] != nil { merged["duration"] = .number((totalSeconds * 100).rounded() / 100) }
        return .object(merged)
    }

    /// A copy of a timed object with `start` and `end` (and those of any nested `words`) moved by `offset`; nil for
    /// an entry without numeric times.
    static func shift(_ value: JSONValue, by offset: Double) -> JSONValue? {
        guard case .object(var o) = value, let start = o["start"]?.doubleValue, let end = o["end"]?.doubleValue else {
            return nil
        }
        o["start"] = .number(round2(start + offset))
        o["end"] = .number(round2(end + offset))
        if let inner = o["words"]?.arrayValue { o["words"] = .array(inner.compactMap { shift($0, by: offset) }) }
        return .object(o)
    }

    static func round2(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

    /// Usage objects added member by member (numbers summed, other members from the first).
    static func add(_ a: [String: JSONValue]?, _ b: [String: JSONValue]) -> [String: JSONValue] {
        guard var sum = a else { return b }
        for (key, value) in b {
            if case .number(let x) = value, case .number(let y)? = sum[key] {
                sum[key] = .number(x + y)
            } else if sum[key] == nil {
                sum[key] = value
            }
        }
        return sum
    }
}
