import XCTest

@testable import AzAudioCore

final class RealtimeEventDecoderTests: XCTestCase {
    func decode(_ text: String) throws -> RealtimeEvent {
        var copy = text
        return try copy.withUTF8 { try RealtimeEventDecoder.decode(UnsafeRawBufferPointer($0)) }
    }

    func testPreviewAndGANamesMapToTheSameKinds() throws {
        let pairs: [(String, String, RealtimeEventKind)] = [
            ("response.audio.delta", "response.output_audio.delta", .audioDelta),
            ("response.audio.done", "response.output_audio.done", .audioDone),
            ("response.audio_transcript.delta", "response.output_audio_transcript.delta", .audioTranscriptDelta),
            ("response.audio_transcript.done", "response.output_audio_transcript.done", .audioTranscriptDone),
            ("response.text.delta", "response.output_text.delta", .textDelta),
            ("response.text.done", "response.output_text.done", .textDone),
            ("conversation.item.created", "conversation.item.added", .itemCreated),
        ]
        for (preview, ga, kind) in pairs {
            let extra = kind == .audioDelta ? #","delta":"AAA=""# : ""
            XCTAssertEqual(try decode(#"{"type":"\#(preview)"\#(extra)}"#).kind, kind, preview)
            XCTAssertEqual(try decode(#"{"type":"\#(ga)"\#(extra)}"#).kind, kind, ga)
        }
    }

    func testAudioDeltaIsDecodedFromBase64() throws {
        let e = try decode(
            #"{"type":"response.output_audio.delta","event_id":"ev1","response_id":"r1","item_id":"i1","output_index":0,"content_index":0,"delta":"AAECAwQF"}"#
        )
        XCTAssertEqual(e.audio.bytes, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(e.itemID, "i1")
        XCTAssertEqual(e.responseID, "r1")
        XCTAssertEqual(e.eventID, "ev1")
    }

    func testInvalidAudioIsAProtocolError() {
        XCTAssertThrowsError(try decode(#"{"type":"response.audio.delta","delta":"!!!"}"#)) {
            XCTAssertEqual(($0 as! AzError).kind, .protocolViolation)
        }
        XCTAssertThrowsError(try decode(#"{"type":"response.audio.delta"}"#))
    }

    func testTextFieldsPerKind() throws {
        XCTAssertEqual(try decode(#"{"type":"response.output_audio_transcript.delta","delta":"Hel"}"#).text, "Hel")
        XCTAssertEqual(try decode(#"{"type":"response.audio_transcript.done","transcript":"Hello."}"#).text, "Hello.")
        XCTAssertEqual(try decode(#"{"type":"response.output_text.done","text":"Hi"}"#).text, "Hi")
        XCTAssertEqual(
            try decode(
                #"{"type":"conversation.item.input_audio_transcription.completed","item_id":"u1","transcript":"what time is it"}"#
            ).text,
            "what time is it")
    }

    func testSpeechEventsCarryTheirAudioPosition() throws {
        let started = try decode(#"{"type":"input_audio_buffer.speech_started","audio_start_ms":1200,"item_id":"u2"}"#)
        XCTAssertEqual(started.kind, .speechStarted)
        XCTAssertEqual(started.audioMs, 1200)
        XCTAssertEqual(started.itemID, "u2")
        XCTAssertEqual(
            try decode(#"{"type":"input_audio_buffer.speech_stopped","audio_end_ms":2500,"item_id":"u2"}"#).audioMs,
            2500)
    }

    func testResponseDoneHasStatusUsageAndFailureReason() throws {
        let done = try decode(
            #"{"type":"response.done","response":{"id":"r9","status":"completed","usage":{"total_tokens":42}}}"#)
        XCTAssertEqual(done.kind, .responseDone)
        XCTAssertEqual(done.responseID, "r9")
        XCTAssertEqual(done.status, "completed")
        XCTAssertEqual(done.usageJSON, #"{"total_tokens":42}"#)
        let failed = try decode(
            #"{"type":"response.done","response":{"id":"r","status":"failed","status_details":{"type":"failed","error":{"type":"server_error","code":"x","message":"boom"}}}}"#
        )
        XCTAssertEqual(failed.status, "failed")
        XCTAssertEqual(failed.text, "boom")
        let cancelled = try decode(
            #"{"type":"response.done","response":{"id":"r","status":"cancelled","status_details":{"type":"cancelled","reason":"turn_detected"}}}"#
        )
        XCTAssertEqual(cancelled.text, "turn_detected")
    }

    func testFunctionCallAndErrorEvents() throws {
        let call = try decode(
            #"{"type":"response.function_call_arguments.done","call_id":"c1","name":"get_weather","item_id":"f1","arguments":"{\"city\":\"Oslo\"}"}"#
        )
        XCTAssertEqual(call.kind, .functionCall)
        XCTAssertEqual(call.callID, "c1")
        XCTAssertEqual(call.name, "get_weather")
        XCTAssertEqual(call.text, #"{"city":"Oslo"}"#)
        let added = try decode(
            #"{"type":"response.output_item.added","item":{"id":"f1","type":"function_call","call_id":"c1","name":"get_weather"}}"#
        )
        XCTAssertEqual(added.itemID, "f1")
        XCTAssertEqual(added.name, "get_weather")
        let error = try decode(
            #"{"type":"error","error":{"type":"invalid_request_error","code":"session_expired","message":"Your session hit the maximum duration","event_id":"client-7"}}"#
        )
        XCTAssertEqual(error.kind, .error)
        XCTAssertEqual(error.errorCode, "session_expired")
        XCTAssertEqual(error.text, "Your session hit the maximum duration")
        XCTAssertEqual(error.eventID, "client-7")
    }

    func testUnknownTypesAreKeptAsOtherAndGarbageIsRejected() throws {
        let e = try decode(#"{"type":"response.brand_new_event","x":1}"#)
        XCTAssertEqual(e.kind, .other)
        XCTAssertEqual(e.json, #"{"type":"response.brand_new_event","x":1}"#)
        for bad in ["not json", "[]", #"{"no_type":1}"#, #"{"type":5}"#, #"{"type":""}"#, ""] {
            XCTAssertThrowsError(try decode(bad), bad)
        }
    }
}

final class RealtimeClientEventTests: XCTestCase {
    func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    /// The append event as the send path writes it: in place, into exactly `appendAudioCount` bytes.
    func appendEvent(_ audio: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0xEE, count: RealtimeClientEvents.appendAudioCount(audio.count))
        audio.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { RealtimeClientEvents.writeAppendAudio(input, into: $0) }
        }
        return out
    }

    func testAppendAudioIsWrittenInPlaceWithItsAudioAsBase64() throws {
        let event = try JSONParser.parse(appendEvent([0, 1, 2, 3, 4, 5]))
        XCTAssertEqual(event["type"]?.stringValue, "input_audio_buffer.append")
        XCTAssertEqual(event["audio"]?.stringValue, "AAECAwQF")
        XCTAssertEqual(try JSONParser.parse(appendEvent([7, 7, 7]))["audio"]?.stringValue, "BwcH")
        XCTAssertEqual(try JSONParser.parse(appendEvent([7]))["audio"]?.stringValue, "Bw==")
    }

    func testItemEventsAreValidJSON() throws {
        let text = try parse(RealtimeClientEvents.createTextItem(role: "user", text: "Say \"hi\"\n", protocol: .ga))
        XCTAssertEqual(text["item"]?["content"]?[0]?["type"]?.stringValue, "input_text")
        XCTAssertEqual(text["item"]?["content"]?[0]?["text"]?.stringValue, "Say \"hi\"\n")
        let assistant = try parse(RealtimeClientEvents.createTextItem(role: "assistant", text: "ok", protocol: .ga))
        XCTAssertEqual(assistant["item"]?["content"]?[0]?["type"]?.stringValue, "output_text")
        let output = try parse(RealtimeClientEvents.functionCallOutput(callID: "c1", output: #"{"t":21}"#))
        XCTAssertEqual(output["item"]?["output"]?.stringValue, #"{"t":21}"#)
        let truncate = try parse(RealtimeClientEvents.truncate(itemID: "i", contentIndex: 0, audioEndMs: 1500))
        XCTAssertEqual(truncate["audio_end_ms"]?.intValue, 1500)
        XCTAssertEqual(
            try parse(RealtimeClientEvents.createResponse(#"{"modalities":["text"]}"#))["response"]?["modalities"]?[0]?
                .stringValue, "text")
        XCTAssertEqual(try parse(RealtimeClientEvents.cancelResponse(nil))["type"]?.stringValue, "response.cancel")
        XCTAssertEqual(try parse(RealtimeClientEvents.deleteItem("x"))["item_id"]?.stringValue, "x")
    }

    func testCallerSettingsMustBeAJSONObjectAndRolesAKnownOne() throws {
        let update = try parse(RealtimeClientEvents.updateSession(#"{"voice":"alloy"}"#))
        XCTAssertEqual(update["type"]?.stringValue, "session.update")
        XCTAssertEqual(update["session"]?["voice"]?.stringValue, "alloy")
        for bad in ["[1]", "\"voice\"", "{", ""] {
            XCTAssertThrowsError(try RealtimeClientEvents.updateSession(bad)) { error in
                XCTAssertEqual((error as? AzError)?.message, "session_json is not a JSON object")
            }
            XCTAssertThrowsError(try RealtimeClientEvents.createResponse(bad)) { error in
                XCTAssertEqual((error as? AzError)?.message, "response_json is not a JSON object")
            }
        }
        XCTAssertThrowsError(try RealtimeClientEvents.createTextItem(role: "robot", text: "hi", protocol: .ga)) {
            error in
            XCTAssertEqual((error as? AzError)?.message, "role 'robot' is not user, assistant or system")
        }
    }
}

final class RealtimeSessionConfigTests: XCTestCase {
    func testPreviewUpdateIsFlat() throws {
        var c = RealtimeSessionConfig()
        c.instructions = "Be brief."
        c.voice = "alloy"
        c.inputFormat = .ulaw
        c.outputFormat = .alaw
        c.transcriptionDeployment = "whisper"
        c.temperature = 0.8
        c.maxOutputTokens = 200
        let e = try JSONParser.parse(c.updateEvent(protocol: .preview(apiVersion: "2025-04-01-preview")))
        let s = try XCTUnwrap(e["session"])
        XCTAssertEqual(e["type"]?.stringValue, "session.update")
        XCTAssertNil(s["type"])
        XCTAssertEqual(s["input_audio_format"]?.stringValue, "g711_ulaw")
        XCTAssertEqual(s["output_audio_format"]?.stringValue, "g711_alaw")
        XCTAssertEqual(s["voice"]?.stringValue, "alloy")
        XCTAssertEqual(s["input_audio_transcription"]?["model"]?.stringValue, "whisper")
        XCTAssertEqual(s["turn_detection"]?["type"]?.stringValue, "server_vad")
        XCTAssertEqual(s["modalities"]?.arrayValue?.count, 2)
        XCTAssertEqual(s["temperature"]?.doubleValue, 0.8)
        XCTAssertEqual(s["max_response_output_tokens"]?.intValue, 200)
    }

    func testGAUpdateNestsAudioSettings() throws {
        var c = RealtimeSessionConfig()
        c.voice = "marin"
        c.turnDetection = .none
        c.toolsJSON = #"[{"type":"function","name":"get_time","parameters":{"type":"object","properties":{}}}]"#
        let e = try JSONParser.parse(c.updateEvent(protocol: .ga))
        let s = try XCTUnwrap(e["session"])
        XCTAssertEqual(s["type"]?.stringValue, "realtime")
        XCTAssertEqual(s["audio"]?["input"]?["format"]?["type"]?.stringValue, "audio/pcm")
        XCTAssertEqual(s["audio"]?["input"]?["format"]?["rate"]?.intValue, 24000)
        XCTAssertEqual(s["audio"]?["input"]?["turn_detection"]?.isNull, true)
        XCTAssertEqual(s["audio"]?["output"]?["voice"]?.stringValue, "marin")
        XCTAssertEqual(s["output_modalities"]?[0]?.stringValue, "audio")
        XCTAssertEqual(s["max_output_tokens"]?.stringValue, "inf")
        XCTAssertEqual(s["tools"]?[0]?["name"]?.stringValue, "get_time")
        XCTAssertNil(s["temperature"])
        XCTAssertNil(s["input_audio_format"])
    }

    func testValidationCatchesValuesTheServiceWouldReject() {
        var c = RealtimeSessionConfig()
        c.temperature = 0.8
        XCTAssertThrowsError(try c.validate(protocol: .ga))
        XCTAssertNoThrow(try c.validate(protocol: .preview(apiVersion: "x")))
        c.temperature = 2
        XCTAssertThrowsError(try c.validate(protocol: .preview(apiVersion: "x")))
        c = RealtimeSessionConfig()
        c.toolsJSON = "{not json"
        XCTAssertThrowsError(try c.validate(protocol: .ga))
        c = RealtimeSessionConfig()
        c.turnDetection = .semanticVAD(eagerness: "extreme", createResponse: true, interruptResponse: true)
        XCTAssertThrowsError(try c.validate(protocol: .ga))
        c.turnDetection = .serverVAD(
            threshold: 1.5, prefixPaddingMs: nil, silenceDurationMs: nil, createResponse: true, interruptResponse: true)
        XCTAssertThrowsError(try c.validate(protocol: .ga))
    }

    func testURLsForBothProtocols() throws {
        let endpoint = try ServiceEndpoint.parse("https://n.openai.azure.com/openai")
        XCTAssertEqual(
            RealtimeProtocol.ga.url(endpoint: endpoint, deployment: "gpt-realtime").text,
            "wss://n.openai.azure.com/openai/v1/realtime?model=gpt-realtime")
        XCTAssertEqual(
            RealtimeProtocol.preview(apiVersion: "2025-04-01-preview").url(endpoint: endpoint, deployment: "rt").text,
            "wss://n.openai.azure.com/openai/realtime?api-version=2025-04-01-preview&deployment=rt")
        let local = try ServiceEndpoint.parse("http://127.0.0.1:9000")
        XCTAssertEqual(
            RealtimeProtocol.ga.url(endpoint: local, deployment: "x").text,
            "ws://127.0.0.1:9000/openai/v1/realtime?model=x")
    }
}

final class AudioDeltaFastPathTests: XCTestCase {
    /// Both paths on the same text: nil for the fast path means "not taken".
    func both(_ text: String) -> (fast: RealtimeEvent?, full: RealtimeEvent?) {
        var copy = text
        return copy.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            return (AudioDeltaScanner.scan(bytes), try? RealtimeEventDecoder.decodeFully(bytes))
        }
    }

    func assertSame(_ a: RealtimeEvent, _ b: RealtimeEvent, _ text: String) {
        XCTAssertEqual(a.kind, b.kind, text)
        XCTAssertEqual(a.type, b.type, text)
        XCTAssertEqual(a.audio.bytes, b.audio.bytes, text)
        XCTAssertEqual(a.itemID, b.itemID, text)
        XCTAssertEqual(a.responseID, b.responseID, text)
        XCTAssertEqual(a.eventID, b.eventID, text)
        XCTAssertEqual(a.outputIndex, b.outputIndex, text)
        XCTAssertEqual(a.contentIndex, b.contentIndex, text)
        XCTAssertEqual(a.json, b.json, text)
    }

    func testTypicalDeltasTakeTheFastPathAndMatchTheParser() {
        let texts = [
            #"{"type":"response.output_audio.delta","event_id":"e1","response_id":"r1","item_id":"i1","output_index":0,"content_index":0,"delta":"AAECAwQF"}"#,
            #"{ "delta" : "AAE=", "type" : "response.audio.delta", "item_id" : "i2", "content_index" : 12 }"#,
            #"{"type":"response.output_audio.delta","delta":"","item_id":"x","item_id":"y"}"#,
            // Members the event does not use (fields a service adds) are skipped, whatever their scalar value.
            #"{"type":"response.output_audio.delta","ts_us":1764057600123456,"delta":"AAE="}"#,
            #"{"type":"response.output_audio.delta","flag":true,"off":false,"none":null,"delta":"AAE="}"#,
            #"{"type":"response.output_audio.delta","n":275555555555555555559,"x":-1.5e-3,"s":"t","delta":"AAE="}"#,
            // Strings longer than the scanner's 8-byte steps, with bytes above 0x7F and DEL (no escapes, no controls).
            "{\"type\":\"response.output_audio.delta\",\"item_id\":\"item_0123456789abcdefgh\",\"response_id\":"
                + "\"resp_\u{E9}t\u{E9}_\u{1F600}_0123456789\u{7F}xyz\",\"delta\":\"AAE=\"}",
        ]
        for text in texts {
            let (fast, full) = both(text)
            guard let fast, let full else { return XCTFail("both paths should decode: \(text)") }
            assertSame(fast, full, text)
        }
    }

    /// The scanner tells its members apart by length and two words of text: keys that share a prefix, a suffix or
    /// a length with a known one are other members, and the members' order and repetitions change nothing.
    func testKeysLikeKnownOnesAreOtherMembersAndOrderOrRepetitionChangesNothing() {
        let head = #"{"type":"response.output_audio.delta","#
        let texts = [
            // Same length as a known key, one byte different at either end or in the middle.
            head + #""typf":"x","Type":"x","delts":"x","xelta":"x","item_ie":"x","item.id":"x","delta":"AAE="}"#,
            head + #""event_ix":"x","xvent_id":"x","response_ix":"x","responsx_id":"x","delta":"AAE="}"#,
            head + #""output_indey":5,"0utput_index":6,"content_indey":7,"content.index":8,"delta":"AAE="}"#,
            // A known key's prefix or extension, and lengths no known key has (6, 9, 10, beyond 13, below 4).
            head + #""typ":"x","types":"x","item_i":"x","item_ids":"x","event_idx":"x","delta_":"x","delta":"AAE="}"#,
            head
                + #""-     ":1,"-        ":2,"-         ":3,"response_id_x":"x","content_index_":9,"":0,"delta":"AAE="}"#,
            // The members in another order than the service's, and repeated (the last one counts).
            #"{"delta":"AAE=","content_index":3,"output_index":2,"item_id":"i","response_id":"r","event_id":"e","#
                + #""type":"response.output_audio.delta"}"#,
            head + #""item_id":"a","output_index":1,"item_id":"b","response_id":"r","response_id":"s","#
                + #""output_index":4,"content_index":1,"content_index":0,"event_id":"e1","event_id":"e2","delta":"AAE="}"#,
            #"{"type":"response.done","delta":"AAE=","type":"response.audio.delta"}"#,
        ]
        for text in texts {
            let (fast, full) = both(text)
            guard let fast, let full else { return XCTFail("both paths should decode: \(text)") }
            assertSame(fast, full, text)
        }
        // Ids decoded from keys that only look like the known ones stay empty.
        let (fast, _) = both(texts[0])
        XCTAssertEqual(fast?.itemID, "", texts[0])
        let (reordered, _) = both(texts[5])
        XCTAssertEqual(reordered?.itemID, "i")
        XCTAssertEqual(reordered?.outputIndex, 2)
        XCTAssertEqual(reordered?.contentIndex, 3)
        let (repeated, _) = both(texts[6])
        XCTAssertEqual(repeated?.itemID, "b")
        XCTAssertEqual(repeated?.responseID, "s")
        XCTAssertEqual(repeated?.outputIndex, 4)
        XCTAssertEqual(repeated?.eventID, "e2")
    }

    func testDeltasDecodedInARowKeepTheirOwnIdsWhileTheSessionReusesTheLastOnes() {
        var recent = AudioDeltaScanner.RecentIDs()
        let ids = [
            ("item_0123456789abcdefghij", "resp_0123456789abcdefghij"),
            ("item_0123456789abcdefghij", "resp_0123456789abcdefghij"),  // the same: reused
            ("item_0123456789abcdefghiX", "resp_0123456789abcdefghij"),  // same length, one byte differs
            ("item_short", "resp_0123456789abcdefghijk"),  // other lengths
            ("item_short", ""),
        ]
        for (item, response) in ids {
            let text =
                #"{"type":"response.output_audio.delta","item_id":""# + item + #"","response_id":""# + response
                + #"","delta":"AAE="}"#
            let event = Array(text.utf8).withUnsafeBytes { AudioDeltaScanner.scan($0, recent: &recent) }
            XCTAssertEqual(event?.itemID, item, text)
            XCTAssertEqual(event?.responseID, response, text)
        }
    }

    func testAFastPathDeltasEventIDOutlivesItsReceivedBytesAndCanBeReplaced() {
        let text =
            #"{"type":"response.output_audio.delta","event_id":"event_Bq2xG9WzLqbVqJ3c4RjyR","item_id":"i","delta":"AAE="}"#
        guard var event = Array(text.utf8).withUnsafeBytes({ AudioDeltaScanner.scan($0) }) else {
            return XCTFail("the fast path did not take a typical delta")
        }
        XCTAssertEqual(event.eventID, "event_Bq2xG9WzLqbVqJ3c4RjyR")
        event.json = #"{"replaced":true}"#  // (drops the received bytes the id was read from)
        XCTAssertEqual(event.eventID, "event_Bq2xG9WzLqbVqJ3c4RjyR")
        event.eventID = "mine"
        XCTAssertEqual(event.eventID, "mine")
        XCTAssertEqual(event.json, #"{"replaced":true}"#)
        let none = Array(#"{"type":"response.audio.delta","delta":"AAE="}"#.utf8).withUnsafeBytes {
            AudioDeltaScanner.scan($0)
        }
        XCTAssertEqual(none?.eventID, "")
    }

    func testAnythingUnusualFallsBackToTheParser() {
        let texts = [
            #"{"type":"response.output_audio.delta","item_id":"a\"b","delta":"AAE="}"#,  // escape
            #"{"type":"response.output_audio.delta","extra":{"x":1},"delta":"AAE="}"#,  // nested value
            #"{"type":"response.output_audio.delta","output_index":1.5,"delta":"AAE="}"#,  // fraction
            #"{"type":"response.output_audio.delta","output_index":01,"delta":"AAE="}"#,  // leading zero
            #"{"type":"response.output_audio.delta","delta":"!!!!"}"#,  // invalid base64
            #"{"type":"response.output_audio.delta"}"#,  // no delta
            #"{"type":"response.done","delta":"AAE="}"#,  // another type
            #"{"type":"response.output_audio.delta","delta":"AAE="} x"#,  // trailing data
            #"{"type":"response.output_audio.delta","delta":"AAE=""#,  // truncated
            #"{"type":"response.output_audio.delta","delta":"AAE=","type":"#,  // truncated after a known key
            #"{"type":"response.output_audio.delta","delta":"AAE=","delta""#,
            // Escapes and control bytes in keys (a key is first cut at its first quote, then checked).
            #"{"type":"response.output_audio.delta","ty\"pe":"x","delta":"AAE="}"#,
            #"{"type":"response.output_audio.delta","item\u005fid":"x","delta":"AAE="}"#,
            #"{"type":"response.output_audio.delta","x\\":"x","delta":"AAE="}"#,
            "{\"type\":\"response.output_audio.delta\",\"ts\u{01}us\":1,\"delta\":\"AAE=\"}",
            "{\"type\":\"response.output_audio.delta\",\"a_key_longer_than_16\u{1F}\":1,\"delta\":\"AAE=\"}",
            #"{"type":"response.output_audio.delta","n":-,"delta":"AAE="}"#,  // not a number
            #"{"type":"response.output_audio.delta","n":1.,"delta":"AAE="}"#,  // not a number
            #"{"type":"response.output_audio.delta","n":tru,"delta":"AAE="}"#,  // not a literal
            #"{"type":"response.output_audio.delta","list":[1],"delta":"AAE="}"#,  // array
            // A known member of the wrong kind (the parser keeps the last duplicate, so it decides).
            #"{"type":"response.output_audio.delta","delta":"AAE=","delta":5}"#,
            #"{"type":"response.output_audio.delta","delta":"AAE=","type":1}"#,
            #"{"type":"response.output_audio.delta","output_index":"0","delta":"AAE="}"#,
            #"{"type":"response.output_audio.delta","content_index":-1,"delta":"AAE="}"#,
            #"{"type":"response.output_audio.delta","item_id":null,"delta":"AAE="}"#,
            // Two deltas: the first (never decoded) holds a control byte the parser rejects. Found by the fuzzer.
            "{\"type\":\"response.output_audio.delta\",\"delta\":\"AA\u{1D}E\",\"delta\":\"AAE=\"}",
            // An escape or a control byte past the first 8 bytes of a long string (the scanner steps 8 at a time).
            #"{"type":"response.output_audio.delta","item_id":"item_0123456789\"abcdefgh","delta":"AAE="}"#,
            "{\"type\":\"response.output_audio.delta\",\"item_id\":\"item_0123456789\u{01}abcdefgh\",\"delta\":\"AAE=\"}",
            "{\"type\":\"response.output_audio.delta\",\"item_id\":\"item_01234567\u{1F}\",\"delta\":\"AAE=\"}",
        ]
        for text in texts { XCTAssertNil(both(text).fast, text) }
    }

    func testRandomMutationsNeverMakeThePathsDisagree() {
        let base = Array(
            #"{"type":"response.output_audio.delta","event_id":"e1","response_id":"r1","item_id":"i1","output_index":0,"content_index":0,"delta":"AAECAwQFBgc="}"#
                .utf8)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            var mutated = base
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let at = Int.random(in: 0..<mutated.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: mutated[at] = UInt8.random(in: 0x20...0x7E, using: &generator)
                case 1: mutated.remove(at: at)
                default: mutated.insert(UInt8.random(in: 0x20...0x7E, using: &generator), at: at)
                }
            }
            let text = String(decoding: mutated, as: UTF8.self)
            guard String(validating: mutated, as: UTF8.self) != nil else { continue }
            let (fast, full) = both(text)
            if let fast {
                guard let full else { return XCTFail("the fast path accepted what the parser rejects: \(text)") }
                assertSame(fast, full, text)
            }
        }
    }
}
