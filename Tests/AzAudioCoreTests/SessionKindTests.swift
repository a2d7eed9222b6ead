import XCTest

@testable import AzAudioCore

final class SessionKindTests: XCTestCase {
    func decode(_ text: String) throws -> RealtimeEvent {
        var copy = text
        return try copy.withUTF8 { try RealtimeEventDecoder.decode(UnsafeRawBufferPointer($0)) }
    }

    func testTranscriptionSessionUpdateCarriesTheTranscriptionSettings() throws {
        var t = TranscriptionSessionConfig(deployment: "whisper-rt")
        t.language = "en"
        t.prompt = "names: \"Zoë\""
        t.delay = "low"
        t.noiseReduction = .farField
        t.turnDetection = .none
        t.includeLogprobs = true
        let update = try JSONParser.parse(t.updateEvent(inputFormat: .ulaw))
        let session = update["session"]
        XCTAssertEqual(session?["type"]?.stringValue, "transcription")
        let input = session?["audio"]?["input"]
        XCTAssertEqual(input?["format"]?["type"]?.stringValue, "audio/pcmu")
        XCTAssertEqual(input?["transcription"]?["model"]?.stringValue, "whisper-rt")
        XCTAssertEqual(input?["transcription"]?["prompt"]?.stringValue, "names: \"Zoë\"")
        XCTAssertEqual(input?["transcription"]?["delay"]?.stringValue, "low")
        XCTAssertEqual(input?["noise_reduction"]?["type"]?.stringValue, "far_field")
        XCTAssertEqual(input?["turn_detection"]?.isNull, true)
        XCTAssertEqual(session?["include"]?[0]?.stringValue, "item.input_audio_transcription.logprobs")
        XCTAssertNil(session?["model"])
    }

    func testTranscriptionTurnDetectionHasNoResponseFlags() throws {
        let t = TranscriptionSessionConfig(deployment: "d")
        let json = t.updateEvent(inputFormat: .pcm16)
        XCTAssertTrue(json.contains(#""turn_detection":{"type":"server_vad"}"#), json)
        XCTAssertFalse(json.contains("create_response"))
    }

    func testBadTranscriptionAndTranslationSettingsAreRefused() {
        var t = TranscriptionSessionConfig(deployment: "d")
        t.delay = "later"
        XCTAssertThrowsError(try t.validate())
        t = TranscriptionSessionConfig(deployment: "d")
        t.language = "en US"
        XCTAssertThrowsError(try t.validate())
        var options = RealtimeSessionOptions(deployment: "d")
        options.kind = .transcription(TranscriptionSessionConfig(deployment: "d"))
        options.protocolKind = .preview(apiVersion: "2025-04-01-preview")
        XCTAssertThrowsError(try options.validate())
        var tr = TranslationSessionConfig(targetLanguage: "")
        XCTAssertThrowsError(try tr.validate())
        tr = TranslationSessionConfig(targetLanguage: "es")
        tr.path = "/x?y=1"
        XCTAssertThrowsError(try tr.validate())
    }

    func testTranslationUsesItsPathAndUpdateShape() throws {
        var tr = TranslationSessionConfig(targetLanguage: "fr")
        tr.transcriptionDeployment = "stt"
        let endpoint = try ServiceEndpoint.parse("https://res.openai.azure.com")
        XCTAssertEqual(
            tr.url(endpoint: endpoint, deployment: "tr 1").text,
            "wss://res.openai.azure.com/openai/v1/realtime/translations?model=tr%201")
        tr.path = "/openai/realtime/translations"
        XCTAssertEqual(
            tr.url(endpoint: endpoint, deployment: "t").text,
            "wss://res.openai.azure.com/openai/realtime/translations?model=t")
        let update = try JSONParser.parse(tr.updateEvent())
        XCTAssertEqual(update["session"]?["audio"]?["output"]?["language"]?.stringValue, "fr")
        XCTAssertEqual(update["session"]?["audio"]?["input"]?["transcription"]?["model"]?.stringValue, "stt")
    }

    func testEachKindDialsItsOwnURLWithAGatewayPrefix() throws {
        let endpoint = try ServiceEndpoint.parse("https://gw.example/team-a")
        var options = RealtimeSessionOptions(deployment: "d 1")
        XCTAssertEqual(
            options.kind.url(options, endpoint: endpoint).text,
            "wss://gw.example/team-a/openai/v1/realtime?model=d%201")
        options.kind = .transcription(TranscriptionSessionConfig(deployment: "d 1"))
        XCTAssertEqual(
            options.kind.url(options, endpoint: endpoint).text,
            "wss://gw.example/team-a/openai/v1/realtime?intent=transcription")
        options.kind = .translation(TranslationSessionConfig(targetLanguage: "es"))
        XCTAssertEqual(
            options.kind.url(options, endpoint: endpoint).text,
            "wss://gw.example/team-a/openai/v1/realtime/translations?model=d%201")
    }

    func testReconnectIsRefusedForTranslationButNotForAConversationOrATranscription() throws {
        var options = RealtimeSessionOptions(deployment: "d")
        options.reconnectMaxAttempts = 2
        XCTAssertNoThrow(try options.validate())
        options.kind = .transcription(TranscriptionSessionConfig(deployment: "d"))
        XCTAssertNoThrow(try options.validate())
        options.kind = .translation(TranslationSessionConfig(targetLanguage: "es"))
        XCTAssertThrowsError(try options.validate()) { error in
            XCTAssertTrue((error as? AzError)?.message.contains("reconnect_max_attempts") == true, "\(error)")
        }
        options.reconnectMaxAttempts = 0
        XCTAssertNoThrow(try options.validate())
    }

    func testConversationOnlyOptionsAreRefusedByTheOtherKindsAndAChosenZeroCountsAsSet() {
        func outcome(_ kind: RealtimeSessionKind, _ change: (inout RealtimeSessionOptions) -> Void) -> String {
            var options = RealtimeSessionOptions(deployment: "d")
            options.kind = kind
            change(&options)
            do {
                try options.validate()
                return "accepted"
            } catch { return error.message }
        }
        let transcription = RealtimeSessionKind.transcription(TranscriptionSessionConfig(deployment: "d"))
        let translation = RealtimeSessionKind.translation(TranslationSessionConfig(targetLanguage: "es"))
        XCTAssertEqual(outcome(transcription) { _ in }, "accepted")
        XCTAssertTrue(
            outcome(transcription) { $0.config.ga.speed = 0 }
                .contains("options->output_speed is for conversation sessions only; a transcription session"))
        let two = outcome(translation) {
            $0.config.voice = "marin"
            $0.config.ga.parallelToolCalls = false
        }
        XCTAssertTrue(
            two.contains("options->voice, parallel_tool_calls are for conversation sessions only; a translation"), two)
        XCTAssertTrue(
            outcome(transcription) { $0.config.transcriptionDeployment = "whisper" }
                .contains("its transcribing deployment is options->deployment"))
        XCTAssertEqual(outcome(.conversation) { $0.config.ga.parallelToolCalls = false }, "accepted")
    }

    func testSegmentAndTranslationEventsAreTyped() throws {
        let seg = try decode(
            #"{"type":"conversation.item.input_audio_transcription.segment","item_id":"i","content_index":0,"id":"s1","speaker":"B","start":1.25,"end":2.5,"text":"hello"}"#
        )
        XCTAssertEqual(seg.kind, .inputTranscriptionSegment)
        XCTAssertEqual(seg.text, "hello")
        XCTAssertEqual(seg.extras?.speaker, "B")
        XCTAssertEqual(seg.extras?.start, 1.25)
        XCTAssertEqual(seg.extras?.end, 2.5)
        let audio = try decode(
            #"{"type":"session.output_audio.delta","delta":"AAECAw==","sample_rate":24000,"channels":1,"format":"pcm16","elapsed_ms":400}"#
        )
        XCTAssertEqual(audio.kind, .translationAudioDelta)
        XCTAssertEqual(audio.audio.bytes, [0, 1, 2, 3])
        XCTAssertEqual(audio.audioMs, 400)
        XCTAssertEqual(audio.extras?.sampleRate, 24000)
        XCTAssertEqual(
            try decode(#"{"type":"session.input_transcript.delta","delta":"hi"}"#).kind,
            .translationInputTranscriptDelta)
        XCTAssertEqual(try decode(#"{"type":"session.output_transcript.delta","delta":"hola"}"#).text, "hola")
        XCTAssertEqual(try decode(#"{"type":"session.closed"}"#).kind, .sessionClosed)
        XCTAssertThrowsError(try decode(#"{"type":"session.output_audio.delta","delta":"!!"}"#))
    }

    func testARedirectThatDropsOpenAIIsNamed() {
        let hint = WebSocketRedirectHint.describe(
            status: 307,
            location: "https://res.openai.azure.com/v1/realtime?intent=transcription",
            requestPath: "wss://res.openai.azure.com/openai/v1/realtime")
        XCTAssertNotNil(hint)
        XCTAssertTrue(hint!.contains("drops the /openai prefix"), hint!)
        XCTAssertTrue(hint!.contains("/v1/realtime"))
        XCTAssertFalse(hint!.contains("intent="))  // no query echoed
        let other = WebSocketRedirectHint.describe(
            status: 302, location: "/openai/v2/realtime",
            requestPath: "wss://h/openai/v1/realtime")
        XCTAssertEqual(other?.contains("drops"), false)
        XCTAssertNil(WebSocketRedirectHint.describe(status: 404, location: nil, requestPath: "/openai/v1/realtime"))
    }
}
