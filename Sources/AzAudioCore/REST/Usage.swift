/// What a call consumed, as the service reported it.
///
/// Transcription reports `{"type":"tokens", input_tokens, output_tokens, total_tokens}` or
/// `{"type":"duration", "seconds"}`; speech reports tokens; chat reports `prompt_tokens` / `completion_tokens`.
/// Absent numbers are -1.
public struct Usage: Sendable, Equatable {
    public var type: String = ""
    public var inputTokens: Int64 = -1
    public var outputTokens: Int64 = -1
    public var totalTokens: Int64 = -1
    public var seconds: Double = -1

    public init() {}

    /// Reads any of the service's usage shapes; nil if `json` is not an object.
    public init?(json: JSONValue?) {
        guard let json, json.objectValue != nil else { return nil }
        type = json["type"]?.stringValue ?? ""
        func int(_ names: String...) -> Int64 {
            for name in names { if let v = json[name]?.intValue { return Int64(v) } }
            return -1
        }
        inputTokens = int("input_tokens", "prompt_tokens")
        outputTokens = int("output_tokens", "completion_tokens")
        totalTokens = int("total_tokens")
        seconds = json["seconds"]?.doubleValue ?? -1
        if type.isEmpty { type = seconds >= 0 ? "duration" : "tokens" }
    }
}
