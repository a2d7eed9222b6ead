/// The response formats of transcription and translation.
public enum TranscriptFormat: String, Sendable, CaseIterable {
    case json, text, srt, vtt
    case verboseJSON = "verbose_json"
    /// Segments labelled with their speaker (gpt-4o-transcribe-diarize).
    case diarizedJSON = "diarized_json"

    /// True for the formats answered with a JSON body.
    public var isJSON: Bool { self == .json || self == .verboseJSON || self == .diarizedJSON }

    public static func parse(_ text: String?) throws(AzError) -> TranscriptFormat {
        guard let text, !text.isEmpty else { return .json }
        guard let format = TranscriptFormat(rawValue: text) else {
            throw .invalidArgument(
                "response_format '\(text.prefix(50))' is not one of json, text, srt, verbose_json, vtt")
        }
        return format
    }
}

/// One segment of a `verbose_json` or `diarized_json` transcript, or of a streamed `transcript.text.segment`.
public struct TranscriptSegment: Sendable, Equatable {
    public var id: Int
    public var start: Double
    public var end: Double
    public var text: String
    public var avgLogprob: Double? = nil
    public var noSpeechProb: Double? = nil
    /// The speaker label (diarized_json): a known speaker's name or "A", "B", ...; nil when the format has none.
    public var speaker: String? = nil
    /// The segment's id as the service gave it ("seg_001" in diarized_json, "3" for verbose_json's number).
    public var segmentID: String = ""

    public init(id: Int, start: Double, end: Double, text: String) {
        self.id = id
        self.start = start
        self.end = end
        self.text = text
        self.segmentID = String(id)
    }

    /// Reads a segment object; nil without numeric start and end. `index` is used when `id` is not a number.
    public static func parse(_ s: JSONValue, index: Int) -> TranscriptSegment? {
        guard let start = s["start"]?.doubleValue, let end = s["end"]?.doubleValue else { return nil }
        var segment = TranscriptSegment(
            id: s["id"]?.intValue ?? index, start: start, end: end, text: s["text"]?.stringValue ?? "")
        segment.avgLogprob = s["avg_logprob"]?.doubleValue
        segment.noSpeechProb = s["no_speech_prob"]?.doubleValue
        segment.speaker = s["speaker"]?.stringValue
        if let id = s["id"]?.stringValue { segment.segmentID = id }
        return segment
    }
}

/// One word of a `verbose_json` transcript with word timestamps.
public struct TranscriptWord: Sendable, Equatable {
    public var word: String
    public var start: Double
    public var end: Double
}

/// A transcription or translation result.
public struct Transcript: Sendable, Equatable {
    public var format: TranscriptFormat
    /// The text: the `text` member for JSON formats, the whole body for text, srt and vtt.
    public var text: String = ""
    /// The response body exactly as received (for a stream: the final `transcript.text.done` event's data).
    public var rawBody: [UInt8] = []
    public var language: String? = nil
    /// Seconds of audio, or nil when the format does not say.
    public var duration: Double? = nil
    public var segments: [TranscriptSegment] = []
    public var words: [TranscriptWord] = []
    public var usage: Usage? = nil
    /// How many token logprobs came back (`include[]=logprobs`).
    public var logprobCount: Int = 0
    public var httpStatus: Int = 0
    public var requestID: String = ""

    public init(format: TranscriptFormat) { self.format = format }
}

/// Reads transcription and translation response bodies. Lenient about members it does not need, strict about
/// the ones it does: a JSON format without a `text` string is a protocol error.
public enum TranscriptParser {
    public static func parse(_ body: [UInt8], format: TranscriptFormat) throws(AzError) -> Transcript {
        var transcript = Transcript(format: format)
        transcript.rawBody = body
        guard format.isJSON else {
            transcript.text = String(decoding: body, as: UTF8.self)
            return transcript
        }
        let json: JSONValue
        do throws(JSONParseError) {
            json = try JSONParser.parse(body)
        } catch {
            throw AzError(.protocolViolation, "the service's \(format.rawValue) reply is not valid JSON (\(error))")
        }
        try fill(&transcript, from: json)
        return transcript
    }

    /// Copies the members of a transcription JSON object (a response body or a `transcript.text.done` event).
    public static func fill(_ transcript: inout Transcript, from json: JSONValue) throws(AzError) {
        guard let text = json["text"]?.stringValue else {
            throw AzError(.protocolViolation, "the service's transcription reply has no \"text\" string")
        }
        transcript.text = text
        transcript.language = json["language"]?.stringValue
        transcript.duration =
            json["duration"]?.doubleValue
            ?? json["duration"]?.stringValue.flatMap { Double($0) }
        transcript.usage = Usage(json: json["usage"])
        transcript.logprobCount = json["logprobs"]?.arrayValue?.count ?? 0
        transcript.segments = (json["segments"]?.arrayValue ?? []).enumerated().compactMap { index, s in
            TranscriptSegment.parse(s, index: index)
        }
        transcript.words = (json["words"]?.arrayValue ?? []).compactMap { w in
            guard let start = w["start"]?.doubleValue, let end = w["end"]?.doubleValue else { return nil }
            return TranscriptWord(word: w["word"]?.stringValue ?? "", start: start, end: end)
        }
    }
}
