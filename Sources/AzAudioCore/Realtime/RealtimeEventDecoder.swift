/// Turns a server's text message into a `RealtimeEvent`. Both protocols' names map to the same kinds; unknown
/// types become `.other` with their JSON kept. Malformed input is an error, never a crash.
public enum RealtimeEventDecoder {
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(AzError) -> RealtimeEvent {
        if let fast = AudioDeltaScanner.scan(bytes) { return fast }
        return try decodeFully(bytes)
    }

    /// The same, reusing the id strings of the session's previous delta (`AudioDeltaScanner.RecentIDs`).
    static func decode(
        _ bytes: UnsafeRawBufferPointer, recent: inout AudioDeltaScanner.RecentIDs
    ) throws(AzError) -> RealtimeEvent {
        if let fast = AudioDeltaScanner.scan(bytes, recent: &recent) { return fast }
        return try decodeFully(bytes)
    }

    /// The general path: a full JSON parse (what the fast path must always agree with).
    static func decodeFully(_ bytes: UnsafeRawBufferPointer) throws(AzError) -> RealtimeEvent {
        let value: JSONValue
        do throws(JSONParseError) {
            value = try JSONParser.parse(bytes)
        } catch {
            throw AzError(.protocolViolation, "the server sent an event that is not valid JSON: \(error)")
        }
        return try decode(value, json: String(decoding: bytes, as: UTF8.self))
    }

    /// The decoded base64 `delta` of an audio event.
    static func audioDelta(_ value: JSONValue, type: String) throws(AzError) -> ByteBlock {
        guard var delta = value["delta"]?.stringValue else {
            throw AzError(.protocolViolation, "\(type) has no \"delta\"")
        }
        guard let audio = delta.withUTF8({ ByteBlock.decodingBase64(UnsafeRawBufferPointer($0)) }) else {
            throw AzError(.protocolViolation, "\(type) carries audio that is not valid base64")
        }
        return audio
    }

    public static func decode(_ value: JSONValue, json: String) throws(AzError) -> RealtimeEvent {
        guard case .object = value, let type = value["type"]?.stringValue, !type.isEmpty else {
            throw AzError(.protocolViolation, "the server sent an event without a \"type\"")
        }
        var e = RealtimeEvent(
            kind: RealtimeEventKind.byWireType[type] ?? RealtimeEventKind.sessionKindWireTypes[type]
                ?? RealtimeEventKind.gaSessionWireTypes[type] ?? .other,
            type: type, json: json)
        e.eventID = value["event_id"]?.stringValue ?? ""
        e.itemID = value["item_id"]?.stringValue ?? ""
        e.previousItemID = value["previous_item_id"]?.stringValue ?? ""
        e.responseID = value["response_id"]?.stringValue ?? ""
        e.callID = value["call_id"]?.stringValue ?? ""
        e.name = value["name"]?.stringValue ?? ""
        e.contentIndex = value["content_index"]?.intValue ?? 0
        e.outputIndex = value["output_index"]?.intValue ?? 0
        switch e.kind {
        case .audioDelta:
            e.audio = try audioDelta(value, type: type)
        case .audioTranscriptDelta, .textDelta, .inputTranscriptionDelta, .functionCallArgumentsDelta:
            e.text = value["delta"]?.stringValue ?? ""
        case .audioTranscriptDone, .inputTranscriptionCompleted:
            e.text = value["transcript"]?.stringValue ?? ""
        case .textDone:
            e.text = value["text"]?.stringValue ?? ""
        case .functionCall:
            e.text = value["arguments"]?.stringValue ?? ""
        case .speechStarted:
            e.audioMs = Int64(value["audio_start_ms"]?.intValue ?? -1)
        case .speechStopped, .itemTruncated:
            e.audioMs = Int64(value["audio_end_ms"]?.intValue ?? -1)
        case .responseCreated, .responseDone:
            let response = value["response"]
            e.responseID = response?["id"]?.stringValue ?? e.responseID
            e.status = response?["status"]?.stringValue ?? ""
            if let usage = response?["usage"], !usage.isNull { e.usageJSON = JSONWriter.serialize(usage) }
            if let details = response?["status_details"], let error = details["error"] {
                e.errorType = error["type"]?.stringValue ?? ""
                e.errorCode = error["code"]?.stringOrNumberText ?? ""
                e.text = error["message"]?.stringValue ?? details["reason"]?.stringValue ?? ""
            } else {
                e.text = response?["status_details"]?["reason"]?.stringValue ?? ""
            }
        case .itemCreated, .itemDone, .itemRetrieved, .outputItemAdded, .outputItemDone:
            let item = value["item"]
            e.itemID = item?["id"]?.stringValue ?? e.itemID
            e.callID = item?["call_id"]?.stringValue ?? ""
            e.name = item?["name"]?.stringValue ?? ""
            if e.kind == .outputItemDone, item?["type"]?.stringValue == "function_call" {
                e.text = item?["arguments"]?.stringValue ?? ""
            }
        case .error, .inputTranscriptionFailed:
            let error = value["error"]
            e.errorType = error?["type"]?.stringValue ?? ""
            e.errorCode = error?["code"]?.stringOrNumberText ?? ""
            e.errorParam = error?["param"]?.stringValue ?? ""
            e.text = error?["message"]?.stringValue ?? ""
            if e.kind == .error, let original = error?["event_id"]?.stringValue { e.eventID = original }
        default:
            try decodeSessionKindFields(&e, value)
            decodeGASessionFields(&e, value)
        }
        return e
    }
}
