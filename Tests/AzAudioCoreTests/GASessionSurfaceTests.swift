import XCTest

@testable import AzAudioCore

/// The typed GA session settings, events, out-of-band marking, typed responses, image items and sideband URL.
final class GASessionSurfaceTests: XCTestCase {
    private func decode(_ text: String) throws -> RealtimeEvent {
        var copy = text
        return try copy.withUTF8 { try RealtimeEventDecoder.decode(UnsafeRawBufferPointer($0)) }
    }

    func testGASettingsGoWhereTheSpecPutsThem() throws {
        var c = RealtimeSessionConfig()
        c.voice = "voice_1234"
        c.transcriptionDeployment = "stt"
        c.ga.noiseReduction = .off
        c.ga.idleTimeoutMs = 9000
        c.ga.reasoningEffort = "high"
        c.ga.truncation = .retentionRatio(0.5, postInstructionsTokens: 200)
        c.ga.speed = 0.8
        c.ga.includeLogprobs = true
        c.ga.parallelToolCalls = false
        try c.validate(protocol: .ga)
        let s = try JSONParser.parse(c.updateEvent(protocol: .ga))["session"]
        XCTAssertEqual(s?["audio"]?["input"]?["noise_reduction"]?.isNull, true)
        XCTAssertEqual(s?["audio"]?["input"]?["turn_detection"]?["idle_timeout_ms"]?.intValue, 9000)
        XCTAssertEqual(s?["audio"]?["output"]?["voice"]?["id"]?.stringValue, "voice_1234")
        XCTAssertEqual(s?["audio"]?["output"]?["speed"]?.doubleValue, 0.8)
        XCTAssertEqual(s?["reasoning"]?["effort"]?.stringValue, "high")
        XCTAssertEqual(s?["truncation"]?["retention_ratio"]?.doubleValue, 0.5)
        XCTAssertEqual(s?["truncation"]?["token_limits"]?["post_instructions"]?.intValue, 200)
        XCTAssertEqual(s?["include"]?[0]?.stringValue, "item.input_audio_transcription.logprobs")
        XCTAssertEqual(s?["parallel_tool_calls"], .bool(false))
        XCTAssertEqual(s?["max_output_tokens"]?.stringValue, "inf")
    }

    func testUnsetSettingsAreNotSentAndASidebandSendsNoFormats() throws {
        var c = RealtimeSessionConfig()
        let plain = c.updateEvent(protocol: .ga)
        for key in ["reasoning", "truncation", "speed", "noise_reduction", "idle_timeout_ms", "parallel_tool_calls"] {
            XCTAssertFalse(plain.contains("\"\(key)\""), key)
        }
        c.omitsAudioFormats = true
        XCTAssertFalse(c.updateEvent(protocol: .ga).contains("\"format\""))
    }

    func testBadSettingsAreRefusedWithTheirName() {
        func refused(_ change: (inout RealtimeSessionConfig) -> Void, _ kind: RealtimeProtocol = .ga) -> String {
            var c = RealtimeSessionConfig()
            change(&c)
            do {
                try c.validate(protocol: kind)
                return "accepted"
            } catch { return error.message }
        }
        XCTAssertTrue(refused { $0.ga.idleTimeoutMs = 4999 }.contains("idle_timeout_ms"))
        XCTAssertTrue(refused { $0.ga.speed = .nan }.contains("output_speed"))
        XCTAssertTrue(
            refused { $0.ga.truncation = .retentionRatio(.infinity, postInstructionsTokens: nil) }
                .contains("truncation_retention_ratio"))
        XCTAssertTrue(refused { $0.ga.reasoningEffort = "" }.contains("reasoning_effort"))
        XCTAssertTrue(refused({ $0.ga.speed = 1 }, .preview(apiVersion: "2025-04-01-preview")).contains("GA"))
        XCTAssertEqual(
            refused({ $0.ga.noiseReduction = .nearField }, .preview(apiVersion: "2025-04-01-preview")),
            "accepted")
    }

    func testNewEventsAreTypedWithTheirFields() throws {
        let timeout = try decode(
            #"{"type":"input_audio_buffer.timeout_triggered","event_id":"e","audio_start_ms":100,"audio_end_ms":6100,"item_id":"i"}"#
        )
        XCTAssertEqual(timeout.kind, .inputTimeoutTriggered)
        XCTAssertEqual(timeout.audioMs, 6100)
        XCTAssertEqual(timeout.extras?.audioStartMs, 100)
        let dtmf = try decode(##"{"type":"input_audio_buffer.dtmf_event_received","event":"#","received_at":17}"##)
        XCTAssertEqual(dtmf.kind, .dtmfReceived)
        XCTAssertEqual(dtmf.text, "#")
        XCTAssertEqual(dtmf.extras?.receivedAt, 17)
        let limits = try decode(
            #"{"type":"rate_limits.updated","rate_limits":[{"name":"requests","limit":10,"remaining":9,"reset_seconds":1.5},{"bogus":1}]}"#
        )
        XCTAssertEqual(
            limits.extras?.rateLimits, [RealtimeRateLimit(name: "requests", limit: 10, remaining: 9, resetSeconds: 1.5)]
        )
        XCTAssertEqual(try decode(#"{"type":"output_audio_buffer.cleared","response_id":"r"}"#).responseID, "r")
        XCTAssertEqual(try decode(#"{"type":"response.mcp_call.failed","item_id":"m"}"#).kind, .mcpCallFailed)
        XCTAssertEqual(try decode(#"{"type":"rate_limits.updated","rate_limits":5}"#).extras?.rateLimits ?? [], [])
    }

    func testOutOfBandResponsesAreMarkedUntilTheirDone() throws {
        var tracker = OutOfBandResponses()
        var created = try decode(#"{"type":"response.created","response":{"id":"r1","conversation_id":null}}"#)
        var delta = try decode(#"{"type":"response.output_text.delta","response_id":"r1","delta":"x"}"#)
        var done = try decode(#"{"type":"response.done","response":{"id":"r1","conversation_id":null}}"#)
        var later = try decode(#"{"type":"response.output_text.delta","response_id":"r1","delta":"y"}"#)
        var other = try decode(#"{"type":"response.created","response":{"id":"r2","conversation_id":"conv_1"}}"#)
        for i in [0, 1, 2, 3, 4] {
            switch i {
            case 0: tracker.mark(&created)
            case 1: tracker.mark(&delta)
            case 2: tracker.mark(&done)
            case 3: tracker.mark(&later)
            default: tracker.mark(&other)
            }
        }
        XCTAssertEqual([created, delta, done, later, other].map(\.outOfBand), [true, true, true, false, false])
    }

    func testATypedResponseInEachProtocolAndItsChecks() throws {
        var r = RealtimeResponseRequest()
        r.outOfBand = true
        r.modality = .text
        r.maxOutputTokens = .some(nil)
        r.metadataJSON = #"{"k":"v"}"#
        try r.validate()
        let ga = try JSONParser.parse(r.event(protocol: .ga))["response"]
        XCTAssertEqual(ga?["conversation"]?.stringValue, "none")
        XCTAssertEqual(ga?["output_modalities"]?[0]?.stringValue, "text")
        XCTAssertEqual(ga?["max_output_tokens"]?.stringValue, "inf")
        let preview = try JSONParser.parse(r.event(protocol: .preview(apiVersion: "2025-04-01-preview")))["response"]
        XCTAssertEqual(preview?["modalities"]?[0]?.stringValue, "text")
        XCTAssertEqual(preview?["max_response_output_tokens"]?.stringValue, "inf")
        r.metadataJSON = "{\"" + String(repeating: "k", count: 65) + "\":\"v\"}"
        XCTAssertThrowsError(try r.validate())
    }

    func testAnImageIsADataURLOfItsOwnFormatOnly() throws {
        let gif = Array("GIF89a....".utf8)
        let json = try gif.withUnsafeBytes {
            try RealtimeImageItem.event(image: $0, mimeType: "image/gif", text: nil, detail: "high", protocol: .ga)
        }
        let part = try JSONParser.parse(json)["item"]?["content"]?[0]
        XCTAssertEqual(part?["image_url"]?.stringValue, "data:image/gif;base64," + Base64.encode(gif))
        XCTAssertEqual(part?["detail"]?.stringValue, "high")
        XCTAssertThrowsError(
            try gif.withUnsafeBytes {
                try RealtimeImageItem.event(image: $0, mimeType: "image/webp", text: nil, detail: nil, protocol: .ga)
            })
    }

    func testASidebandSessionConnectsByCallIDAndRefusesReconnect() throws {
        var o = RealtimeSessionOptions(deployment: "")
        o.callID = "rtc_abc"
        try o.validate()
        let endpoint = try ServiceEndpoint.parse("https://res.openai.azure.com")
        let url = o.kind.url(o, endpoint: endpoint)
        XCTAssertEqual(url.path, "/openai/v1/realtime")
        XCTAssertEqual(url.query, "call_id=rtc_abc")
        XCTAssertTrue(url.webSocket)
        o.reconnectMaxAttempts = 1
        XCTAssertThrowsError(try o.validate())
    }
}
