import AzAudioCore
import XCTest

/// Transcripts, chat replies and stream chunks as the service sends them.
final class RESTResultParsingTests: XCTestCase {
    func testVerboseJSONGivesLanguageDurationSegmentsWordsAndUsage() throws {
        let body = Array(
            """
            {"task":"transcribe","language":"english","duration":2.5,"text":"Hello there.",
             "segments":[{"id":0,"seek":0,"start":0.0,"end":1.2,"text":" Hello","tokens":[1],"temperature":0,
                          "avg_logprob":-0.2,"compression_ratio":1,"no_speech_prob":0.01},
                         {"id":1,"start":1.2,"end":2.5,"text":" there."}],
             "words":[{"word":"Hello","start":0.1,"end":0.5},{"word":"there","start":1.3,"end":2.0}],
             "usage":{"type":"duration","seconds":3}}
            """.utf8)
        let t = try TranscriptParser.parse(body, format: .verboseJSON)
        XCTAssertEqual(t.text, "Hello there.")
        XCTAssertEqual(t.language, "english")
        XCTAssertEqual(t.duration, 2.5)
        XCTAssertEqual(t.segments.count, 2)
        XCTAssertEqual(t.segments[1].text, " there.")
        XCTAssertEqual(t.words.map(\.word), ["Hello", "there"])
        XCTAssertEqual(t.usage?.type, "duration")
        XCTAssertEqual(t.usage?.seconds, 3)
        XCTAssertEqual(t.rawBody, body)
    }

    func testJSONWithTokenUsageAndLogprobs() throws {
        let t = try TranscriptParser.parse(
            Array(
                """
                {"text":"hi","logprobs":[{"token":"hi","logprob":-0.1,"bytes":[104,105]}],
                 "usage":{"type":"tokens","input_tokens":10,"output_tokens":2,"total_tokens":12}}
                """.utf8), format: .json)
        XCTAssertEqual(t.logprobCount, 1)
        XCTAssertEqual(t.usage?.totalTokens, 12)
        XCTAssertNil(t.duration)
    }

    func testPlainFormatsAreKeptRaw() throws {
        let srt = "1\n00:00:00,000 --> 00:00:01,000\nHi\n"
        XCTAssertEqual(try TranscriptParser.parse(Array(srt.utf8), format: .srt).text, srt)
    }

    func testMalformedJSONOrAMissingTextIsAProtocolError() {
        XCTAssertThrowsError(try TranscriptParser.parse(Array("{\"text\":".utf8), format: .json)) {
            XCTAssertEqual(($0 as? AzError)?.kind, .protocolViolation)
        }
        XCTAssertThrowsError(try TranscriptParser.parse(Array("{\"txt\":\"a\"}".utf8), format: .json))
    }

    func testAChatReplyDecodesItsAudio() throws {
        let reply = try ChatReplyParser.parse(
            Array(
                """
                {"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":null,
                  "audio":{"id":"audio_1","expires_at":1700000000,"data":"UklGRg==","transcript":"Hi!"}}}],
                 "usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}
                """.utf8))
        XCTAssertEqual(reply.audio, Array("RIFF".utf8))
        XCTAssertEqual(reply.audioID, "audio_1")
        XCTAssertEqual(reply.audioExpiresAt, 1_700_000_000)
        XCTAssertEqual(reply.transcript, "Hi!")
        XCTAssertEqual(reply.usage?.inputTokens, 5)
        XCTAssertEqual(reply.finishReason, "stop")
    }

    func testStreamChunksAccumulateAndReachTheCallbacks() throws {
        var transcript = ""
        var audio: [UInt8] = []
        var accumulator = ChatStreamAccumulator()
        accumulator.onTranscript = { transcript += $0 }
        accumulator.onAudio = { audio += $0 }
        let chunks = [
            "{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"audio\":{\"id\":\"a1\",\"transcript\":\"He\"}}}]}",
            "{\"choices\":[{\"delta\":{\"audio\":{\"data\":\"AAE=\",\"transcript\":\"llo\"}}}]}",
            "{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}",
        ]
        for chunk in chunks { try accumulator.consume(event: SSEEvent(data: chunk), requestID: "") }
        try accumulator.consume(event: SSEEvent(data: "[DONE]"), requestID: "")
        XCTAssertTrue(accumulator.isComplete)
        XCTAssertEqual(transcript, "Hello")
        XCTAssertEqual(audio, [0, 1])
        XCTAssertEqual(accumulator.reply.audioID, "a1")
        XCTAssertEqual(accumulator.reply.usage?.totalTokens, 3)
    }

    func testAnErrorEventMidStreamBecomesTheServiceError() {
        var accumulator = ChatStreamAccumulator()
        XCTAssertThrowsError(
            try accumulator.consume(
                event: SSEEvent(data: "{\"error\":{\"code\":\"content_filter\",\"message\":\"blocked\"}}"),
                requestID: "r1")
        ) {
            XCTAssertEqual(($0 as? AzError)?.kind, .contentFilter)
            XCTAssertEqual(($0 as? AzError)?.requestID, "r1")
        }
    }

    func testKnownModelsAreRecognisedWithDatesAndAliases() {
        XCTAssertEqual(ModelCatalog.family(of: "gpt-4o-mini-tts-2025-03-20")?.family, .gpt4oMiniTTS)
        XCTAssertEqual(ModelCatalog.family(of: "whisper-1")?.family, .whisper)
        XCTAssertEqual(ModelCatalog.family(of: "TTS-1-HD")?.family, .tts)
        XCTAssertNil(ModelCatalog.family(of: "my-speech"))
        XCTAssertNil(ModelCatalog.resolve(model: "custom", deployment: "whisper"))
    }

    func testSpeechAndChatBodies() throws {
        var o = SpeechOptions(deployment: "tts")
        o.speed = 1.5
        let speech = String(
            decoding: try SpeechRequest.body(text: "hi \"you\"", options: o, family: .v1(apiVersion: nil)),
            as: UTF8.self)
        XCTAssertEqual(try JSONParser.parse(speech)["model"]?.stringValue, "tts")
        XCTAssertEqual(try JSONParser.parse(speech)["input"]?.stringValue, "hi \"you\"")
        var conversation = ChatConversation()
        try conversation.addMessage(role: "user", text: "listen")
        try conversation.addAudio([1, 2, 3], format: "wav")
        try conversation.addAssistantAudio(id: "audio_9")
        let chat = try JSONParser.parse(
            try ChatRequest.body(
                conversation, options: ChatOptions(deployment: "x"),
                family: .deployments(apiVersion: "2025-04-01-preview")))
        XCTAssertEqual(chat["messages"]?[0]?["content"]?[1]?["input_audio"]?["data"]?.stringValue, "AQID")
        XCTAssertEqual(chat["messages"]?[1]?["audio"]?["id"]?.stringValue, "audio_9")
        XCTAssertEqual(chat["audio"]?["format"]?.stringValue, "wav")
        XCTAssertNil(chat["model"])
    }
}
