/// Builds the client events of the realtime protocols. Names are the same in both protocols; only
/// `session.update` differs (see `RealtimeSessionConfig`).
public enum RealtimeClientEvents {
    /// `input_audio_buffer.append` with `audio` base64-encoded, written straight into `out` (reused between
    /// calls to avoid allocations on the audio path).
    private static let appendHead = Array(#"{"type":"input_audio_buffer.append","audio":""#.utf8)
    private static let appendTail = Array(#""}"#.utf8)

    public static func appendAudio(_ audio: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let encoded = Base64.encodedLength(audio.count)
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(appendHead.count + encoded + appendTail.count)
        out.append(contentsOf: appendHead)
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: encoded))
        out.withUnsafeMutableBytes { buffer in
            _ = Base64.encode(audio, into: UnsafeMutableRawBufferPointer(rebasing: buffer[start...]))
        }
        out.append(contentsOf: appendTail)
    }

    public static let commit = #"{"type":"input_audio_buffer.commit"}"#
    public static let clear = #"{"type":"input_audio_buffer.clear"}"#

    /// `response.create`, with optional per-response settings as a JSON object.
    public static func createResponse(_ responseJSON: String?) -> String {
        guard let responseJSON else { return #"{"type":"response.create"}"# }
        return #"{"type":"response.create","response":"# + responseJSON + "}"
    }

    public static func cancelResponse(_ responseID: String?, eventID: String? = nil) -> String {
        var fields = [#""type":"response.cancel""#]
        if let eventID { fields.append(#""event_id":"# + JSONWriter.quote(eventID)) }
        if let responseID { fields.append(#""response_id":"# + JSONWriter.quote(responseID)) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// `conversation.item.create` with a text message. `role` is user, assistant or system; GA and preview both
    /// take `input_text` for user/system and `text` (preview) / `output_text` (GA) for assistant.
    public static func createTextItem(role: String, text: String, protocol kind: RealtimeProtocol) -> String {
        let partType = role == "assistant" ? (kind.isPreview ? "text" : "output_text") : "input_text"
        return #"{"type":"conversation.item.create","item":{"type":"message","role":"# + JSONWriter.quote(role)
            + #","content":[{"type":"# + JSONWriter.quote(partType) + #","text":"# + JSONWriter.quote(text) + "}]}}"
    }

    /// `conversation.item.create` with a function call's output.
    public static func functionCallOutput(callID: String, output: String) -> String {
        #"{"type":"conversation.item.create","item":{"type":"function_call_output","call_id":"#
            + JSONWriter.quote(callID) + #","output":"# + JSONWriter.quote(output) + "}}"
    }

    public static func truncate(itemID: String, contentIndex: Int, audioEndMs: Int, eventID: String? = nil) -> String {
        let id = eventID.map { #""event_id":"# + JSONWriter.quote($0) + "," } ?? ""
        return #"{"type":"conversation.item.truncate","# + id + #""item_id":"# + JSONWriter.quote(itemID)
            + #","content_index":\#(contentIndex),"audio_end_ms":\#(audioEndMs)}"#
    }

    public static func deleteItem(_ itemID: String) -> String {
        #"{"type":"conversation.item.delete","item_id":"# + JSONWriter.quote(itemID) + "}"
    }
}
