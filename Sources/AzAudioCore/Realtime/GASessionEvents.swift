/// The server events the GA protocol added for conversation sessions (AZURE-AUDIO-2026.md section 3), typed:
///
/// - `input_audio_buffer.timeout_triggered {item_id, audio_start_ms, audio_end_ms}`: the idle timeout
///   (`idle_timeout_ms`) fired; `audioMs` = audio_end_ms, the start in the extras.
/// - `output_audio_buffer.started / stopped / cleared {response_id}`: SIP and WebRTC only (the server plays out).
/// - `input_audio_buffer.dtmf_event_received {event, received_at}`: SIP only; `text` = the key, the time in the
///   extras.
/// - `mcp_list_tools.in_progress / completed / failed {item_id}`, `response.mcp_call_arguments.delta {delta}` /
///   `.done {arguments}` (`text`), `response.mcp_call.in_progress / completed / failed {item_id}`.
/// - `rate_limits.updated {rate_limits: [{name, limit, remaining, reset_seconds}]}`: the budgets in the extras.
extension RealtimeEventKind {
    static let gaSessionWireTypes: [String: RealtimeEventKind] = [
        "input_audio_buffer.timeout_triggered": .inputTimeoutTriggered,
        "output_audio_buffer.started": .outputAudioStarted,
        "output_audio_buffer.stopped": .outputAudioStopped,
        "output_audio_buffer.cleared": .outputAudioCleared,
        "input_audio_buffer.dtmf_event_received": .dtmfReceived,
        "mcp_list_tools.in_progress": .mcpListToolsInProgress,
        "mcp_list_tools.completed": .mcpListToolsCompleted,
        "mcp_list_tools.failed": .mcpListToolsFailed,
        "response.mcp_call_arguments.delta": .mcpCallArgumentsDelta,
        "response.mcp_call_arguments.done": .mcpCallArgumentsDone,
        "response.mcp_call.in_progress": .mcpCallInProgress,
        "response.mcp_call.completed": .mcpCallCompleted,
        "response.mcp_call.failed": .mcpCallFailed,
    ]
}

/// One budget of a rate_limits.updated event.
public struct RealtimeRateLimit: Sendable, Equatable {
    /// "requests" or "tokens".
    public let name: String
    public let limit: Int64
    public let remaining: Int64
    public let resetSeconds: Double

    public init(name: String, limit: Int64, remaining: Int64, resetSeconds: Double) {
        self.name = name
        self.limit = limit
        self.remaining = remaining
        self.resetSeconds = resetSeconds
    }
}

extension RealtimeEventDecoder {
    /// Reads the fields of the GA session events (the other kinds are left as they are). Missing or mistyped
    /// fields stay at their "absent" values (-1, ""): these events inform, nothing depends on them.
    static func decodeGASessionFields(_ e: inout RealtimeEvent, _ value: JSONValue) {
        switch e.kind {
        case .inputTimeoutTriggered:
            e.audioMs = Int64(value["audio_end_ms"]?.intValue ?? -1)
            e.extras = RealtimeEventExtras(audioStartMs: Int64(value["audio_start_ms"]?.intValue ?? -1))
        case .dtmfReceived:
            e.text = value["event"]?.stringValue ?? ""
            e.extras = RealtimeEventExtras(receivedAt: Int64(value["received_at"]?.intValue ?? -1))
        case .mcpCallArgumentsDelta:
            e.text = value["delta"]?.stringValue ?? ""
        case .mcpCallArgumentsDone:
            e.text = value["arguments"]?.stringValue ?? ""
        case .rateLimitsUpdated:
            guard case .array(let entries)? = value["rate_limits"] else { return }
            let limits = entries.compactMap { entry -> RealtimeRateLimit? in
                guard let name = entry["name"]?.stringValue else { return nil }
                return RealtimeRateLimit(
                    name: name, limit: Int64(entry["limit"]?.intValue ?? -1),
                    remaining: Int64(entry["remaining"]?.intValue ?? -1),
                    resetSeconds: entry["reset_seconds"]?.doubleValue ?? -1)
            }
            e.extras = RealtimeEventExtras(rateLimits: limits)
        default:
            break
        }
    }
}

/// Which responses run outside the conversation (`response.create` with `conversation: "none"`): the service
/// says so in response.created (`response.conversation_id` null). Every event of such a response (its deltas,
/// items, done) is marked `outOfBand`, so the app can tell it from the conversation's replies, and it is kept
/// out of the conversation mirror (it is not part of the conversation a reconnect replays).
struct OutOfBandResponses {
    private var ids: Set<String> = []
    /// Bound: a service that never sends response.done for them cannot grow the set without end.
    static let maxTracked = 64

    mutating func mark(_ event: inout RealtimeEvent) {
        if event.kind == .responseCreated, !event.responseID.isEmpty, Self.isOutOfBand(event) {
            if ids.count >= Self.maxTracked { ids.removeAll() }
            ids.insert(event.responseID)
        }
        // Most sessions never ask for one: an empty set costs no hashing on the per-delta path.
        guard !ids.isEmpty, !event.responseID.isEmpty, ids.contains(event.responseID) else { return }
        event.outOfBand = true
        if event.kind == .responseDone { ids.remove(event.responseID) }
    }

    private static func isOutOfBand(_ event: RealtimeEvent) -> Bool {
        guard let response = (try? JSONParser.parse(event.json))?["response"],
            let conversation = response["conversation_id"]
        else { return false }
        return conversation.isNull
    }
}
