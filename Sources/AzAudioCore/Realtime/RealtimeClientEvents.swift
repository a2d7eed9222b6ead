/// Builds the client events of the realtime protocols. Names are the same in both protocols; only
/// `session.update` differs (see `RealtimeSessionConfig`).
public enum RealtimeClientEvents {
    /// `input_audio_buffer.append` with `audio` base64-encoded: its size, and a writer that puts it straight into
    /// the outgoing frame (no intermediate buffer on the audio path).
    public static let appendHead: StaticString = #"{"type":"input_audio_buffer.append","audio":""#
    private static let appendTail: StaticString = #""}"#

    public static func appendAudioCount(_ audioCount: Int, head appendHead: StaticString = appendHead) -> Int {
        appendHead.utf8CodeUnitCount + Base64.encodedLength(audioCount) + appendTail.utf8CodeUnitCount
    }

    /// Writes the event into `out`, which holds exactly `appendAudioCount(audio.count)` bytes.
    public static func writeAppendAudio(
        _ audio: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer,
        head appendHead: StaticString = appendHead
    ) {
        let head = appendHead.utf8CodeUnitCount
        let encoded = Base64.encodedLength(audio.count)
        precondition(out.count == appendAudioCount(audio.count, head: appendHead))
        out.baseAddress!.copyMemory(from: appendHead.utf8Start, byteCount: head)
        Base64.encode(audio, into: UnsafeMutableRawBufferPointer(rebasing: out[head..<(head + encoded)]))
        (out.baseAddress! + head + encoded).copyMemory(
            from: appendTail.utf8Start, byteCount: appendTail.utf8CodeUnitCount)
    }

    public static let commit = #"{"type":"input_audio_buffer.commit"}"#
    public static let clear = #"{"type":"input_audio_buffer.clear"}"#
    /// Sideband sessions only (the server plays the call's audio): drops the reply audio not played yet.
    public static let clearOutputAudio = #"{"type":"output_audio_buffer.clear"}"#

    /// The library's own response.create re-asking a response a lost connection cut off.
    public static let reaskResponse = #"{"type":"response.create","event_id":"azaudio_reask"}"#

    /// `response.create`, with optional per-response settings as a JSON object.
    public static func createResponse(_ responseJSON: String?) throws(AzError) -> String {
        guard let responseJSON else { return #"{"type":"response.create"}"# }
        try requireObject(responseJSON, "response_json")
        return #"{"type":"response.create","response":"# + responseJSON + "}"
    }

    /// `session.update` with the caller's session settings (a JSON object), sent as given.
    public static func updateSession(_ sessionJSON: String) throws(AzError) -> String {
        try requireObject(sessionJSON, "session_json")
        return #"{"type":"session.update","session":"# + sessionJSON + "}"
    }

    /// The roles a text item may have.
    public static let textItemRoles = ["user", "assistant", "system"]

    private static func requireObject(_ json: String, _ name: String) throws(AzError) {
        guard case .object? = try? JSONParser.parse(json) else {
            throw .invalidArgument("\(name) is not a JSON object")
        }
    }

    public static func cancelResponse(_ responseID: String?, eventID: String? = nil) -> String {
        var fields = [#""type":"response.cancel""#]
        if let eventID { fields.append(#""event_id":"# + JSONWriter.quote(eventID)) }
        if let responseID { fields.append(#""response_id":"# + JSONWriter.quote(responseID)) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// `conversation.item.create` with a text message. `role` is user, assistant or system; GA and preview both
    /// take `input_text` for user/system and `text` (preview) / `output_text` (GA) for assistant.
    public static func createTextItem(
        role: String, text: String, protocol kind: RealtimeProtocol
    ) throws(AzError)
        -> String
    {
        guard textItemRoles.contains(role) else {
            throw .invalidArgument("role '\(role)' is not user, assistant or system")
        }
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
