import AzAudioCore
import XCTest

/// The 2026 transcription models: which names are known, what the diarizing model refuses before anything is
/// sent, how known speakers are encoded, and how diarized answers are read.
final class DiarizationRequestTests: XCTestCase {
    private let family = APIFamily.deployments(apiVersion: APIFamily.defaultAPIVersion)

    /// A mono 16 kHz pcm16 WAV of `seconds` of silence.
    private func wav(seconds: Double) throws -> [UInt8] {
        let dataSize = Int(seconds * 16_000) * 2
        var bytes = [UInt8](repeating: 0, count: WAVHeader.size + dataSize)
        try bytes.withUnsafeMutableBytes { raw in
            try WAVHeader.write(
                WAVInfo(format: .pcm16, sampleRate: 16_000, channels: 1), dataSize: dataSize,
                into: raw)
        }
        return bytes
    }

    private func prepare(_ o: AudioTextOptions) throws -> PreparedAudioTextRequest {
        try AudioTextRequest.prepare(
            .transcription, input: .memory([1, 2, 3], filename: "talk.wav"), options: o,
            family: family)
    }

    private func refusal(_ o: AudioTextOptions) -> AzError? {
        do { _ = try prepare(o); return nil } catch let error as AzError { return error } catch { return nil }
    }

    private func body(_ prepared: PreparedAudioTextRequest) throws -> String {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try prepared.body.read(into: $0) }
            if n == 0 { return String(decoding: out, as: UTF8.self) }
            out += buffer[..<n]
        }
    }

    func testThe2026ModelsAreKnownWithTheirFamilies() {
        let expected: [(String, ModelFamily)] = [
            ("gpt-4o-transcribe-diarize", .diarize), ("gpt-transcribe", .gptTranscribe),
            ("gpt-4o-mini-transcribe-2025-12-15", .gpt4oTranscribe), ("gpt-4o-mini-tts-2025-12-15", .gpt4oMiniTTS),
            ("gpt-audio", .audioChat), ("gpt-audio-mini", .audioChat), ("gpt-realtime-mini", .realtime),
            ("gpt-realtime-mini-2025-12-15", .realtime), ("gpt-realtime-1.5", .realtime),
            ("gpt-realtime-2", .realtime), ("gpt-realtime-translate", .realtimeTranslate),
            ("gpt-realtime-whisper", .realtimeTranscribe), ("gpt-live-transcribe", .realtimeTranscribe),
        ]
        for (name, family) in expected {
            XCTAssertEqual(ModelCatalog.family(of: name)?.family, family, name)
        }
        XCTAssertTrue(ModelCatalog.voices.contains("marin"))
        XCTAssertTrue(ModelCatalog.voices.contains("cedar"))
    }

    func testAnUnknownDeploymentNameStaysAllowedWithEveryOption() throws {
        var o = AudioTextOptions(deployment: "team-stt-eu")
        o.responseFormat = "diarized_json"
        o.prompt = "a prompt"
        o.languages = ["en"]
        XCTAssertNil(ModelCatalog.resolve(model: nil, deployment: o.deployment))
        XCTAssertNoThrow(try prepare(o))
    }

    func testTheDiarizingModelRefusesPromptTimestampsLogprobsAndVerboseJSONWithItsOwnMessages() {
        var o = AudioTextOptions(deployment: "gpt-4o-transcribe-diarize")
        o.prompt = "hi"
        XCTAssertEqual(refusal(o)?.kind, .unsupported)
        XCTAssertTrue(refusal(o)?.message.contains("does not take a prompt") ?? false)
        o.prompt = nil
        o.responseFormat = "verbose_json"
        XCTAssertTrue(refusal(o)?.message.contains("use diarized_json") ?? false)
        o.segmentTimestamps = true
        XCTAssertTrue(refusal(o)?.message.contains("timestamp granularities") ?? false)
        o = AudioTextOptions(deployment: "gpt-4o-transcribe-diarize")
        o.includeLogprobs = true
        XCTAssertTrue(refusal(o)?.message.contains("include logprobs") ?? false)
    }

    func testDiarizedJSONNeedsTheDiarizingModelWhenTheModelIsKnown() {
        var o = AudioTextOptions(deployment: "whisper")
        o.responseFormat = "diarized_json"
        XCTAssertEqual(refusal(o)?.kind, .unsupported)
        XCTAssertTrue(refusal(o)?.message.contains("only gpt-4o-transcribe-diarize") ?? false)
    }

    func testKnownSpeakersAreSentAsNamesAndWAVDataURLs() throws {
        var o = AudioTextOptions(deployment: "gpt-4o-transcribe-diarize")
        o.responseFormat = "diarized_json"
        o.knownSpeakers = [KnownSpeaker(name: "agent", clip: .memory(try wav(seconds: 3), filename: "agent.wav"))]
        let text = try body(try prepare(o))
        XCTAssertTrue(text.contains("name=\"known_speaker_names[]\"\r\n\r\nagent\r\n"))
        XCTAssertTrue(text.contains("name=\"known_speaker_references[]\"\r\n\r\ndata:audio/wav;base64,UklGR"))
    }

    func testKnownSpeakerClipsOutsideTwoToTenSecondsAreRefused() throws {
        var o = AudioTextOptions(deployment: "gpt-4o-transcribe-diarize")
        o.responseFormat = "diarized_json"
        o.knownSpeakers = [KnownSpeaker(name: "agent", clip: .memory(try wav(seconds: 1.5), filename: "a.wav"))]
        XCTAssertTrue(refusal(o)?.message.contains("1.5 s long; it must be 2 to 10 s") ?? false)
        o.knownSpeakers = [KnownSpeaker(name: "agent", clip: .memory(try wav(seconds: 10.5), filename: "a.wav"))]
        XCTAssertEqual(refusal(o)?.kind, .invalidArgument)
    }

    func testMoreThanFourSpeakersDuplicatesAndAWrongFormatAreRefused() throws {
        let clip = KnownSpeaker.Clip.memory(try wav(seconds: 3), filename: "a.wav")
        var o = AudioTextOptions(deployment: "gpt-4o-transcribe-diarize")
        o.responseFormat = "diarized_json"
        o.knownSpeakers = (1...5).map { KnownSpeaker(name: "s\($0)", clip: clip) }
        XCTAssertTrue(refusal(o)?.message.contains("at most 4") ?? false)
        o.knownSpeakers = [KnownSpeaker(name: "a", clip: clip), KnownSpeaker(name: "a", clip: clip)]
        XCTAssertTrue(refusal(o)?.message.contains("given twice") ?? false)
        o.knownSpeakers = [KnownSpeaker(name: "a", clip: clip)]
        o.responseFormat = "json"
        XCTAssertTrue(refusal(o)?.message.contains("need response_format diarized_json") ?? false)
    }

    func testLanguagesAndKeywordsAreForGPTTranscribe() throws {
        var o = AudioTextOptions(deployment: "gpt-4o-transcribe")
        o.keywords = ["Contoso"]
        XCTAssertTrue(refusal(o)?.message.contains("only gpt-transcribe") ?? false)
        o.deployment = "gpt-transcribe"
        o.languages = ["en", "fr"]
        let text = try body(try prepare(o))
        XCTAssertTrue(text.contains("name=\"languages[]\"\r\n\r\nfr\r\n"))
        XCTAssertTrue(text.contains("name=\"keywords[]\"\r\n\r\nContoso\r\n"))
        o.languages = ["english"]
        XCTAssertTrue(refusal(o)?.message.contains("ISO-639-1") ?? false)
    }

    func testADiarizedAnswerKeepsSpeakersAndStringIDs() throws {
        let json =
            #"{"task":"transcribe","duration":4.5,"text":"hi there","segments":[{"type":"transcript.text.segment","id":"seg_001","start":0.1,"end":1.2,"text":"hi","speaker":"agent"},{"type":"transcript.text.segment","id":"seg_002","start":2,"end":3,"text":"there","speaker":"B"}]}"#
        let t = try TranscriptParser.parse(Array(json.utf8), format: .diarizedJSON)
        XCTAssertEqual(t.segments.map(\.speaker), ["agent", "B"])
        XCTAssertEqual(t.segments.map(\.segmentID), ["seg_001", "seg_002"])
        XCTAssertEqual(t.duration, 4.5)
    }
}
