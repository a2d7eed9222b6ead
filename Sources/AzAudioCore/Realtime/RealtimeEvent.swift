/// What a realtime server event means, the same for both protocols. Raw values are the C API's
/// `AZAUDIO_EVENT_*` numbers and never change.
public enum RealtimeEventKind: Int32, Sendable, CaseIterable {
    case other = 0
    case sessionCreated = 1
    case sessionUpdated = 2
    case audioDelta = 3
    case audioDone = 4
    case audioTranscriptDelta = 5
    case audioTranscriptDone = 6
    case textDelta = 7
    case textDone = 8
    case inputTranscriptionDelta = 9
    case inputTranscriptionCompleted = 10
    case inputTranscriptionFailed = 11
    case speechStarted = 12
    case speechStopped = 13
    case inputCommitted = 14
    case inputCleared = 15
    case responseCreated = 16
    case responseDone = 17
    case functionCall = 18
    case functionCallArgumentsDelta = 19
    case itemCreated = 20
    case itemDone = 21
    case itemTruncated = 22
    case itemDeleted = 23
    case itemRetrieved = 24
    case outputItemAdded = 25
    case outputItemDone = 26
    case contentPartAdded = 27
    case contentPartDone = 28
    case rateLimitsUpdated = 29
    case error = 30
    case conversationCreated = 31
    /// The connection closed (always the last event of a session). Made by the library, not the server.
    case closed = 32
    /// The host should drop the audio it has queued for playback (barge-in). Made by the library.
    case playbackFlush = 33
    /// The connection failed and the library is opening a new session to continue the call. Made by the library.
    case reconnecting = 34
    /// A new session continues the call: the conversation was replayed and held caller audio sent. Made by the
    /// library.
    case reconnected = 35
    /// A response was cut off by a lost connection; the app decides whether to ask again. Made by the library.
    case responseInterrupted = 36
    /// The session is moved to a new one before the service's cap (renewal). Made by the library.
    case renewing = 37
    /// The new session took over after a renewal. Made by the library.
    case renewed = 38
    /// A response's latency figures, right after its response.done. Made by the library.
    case turnLatency = 39
    // Session kinds (see SessionKindEvents.swift).
    case inputTranscriptionSegment = 40
    case translationInputTranscriptDelta = 41
    case translationOutputTranscriptDelta = 42
    case translationAudioDelta = 43
    case sessionClosed = 44
    // GA session events (see GASessionEvents.swift).
    case inputTimeoutTriggered = 45
    case outputAudioStarted = 46
    case outputAudioStopped = 47
    case outputAudioCleared = 48
    case dtmfReceived = 49
    case mcpListToolsInProgress = 50
    case mcpListToolsCompleted = 51
    case mcpListToolsFailed = 52
    case mcpCallArgumentsDelta = 53
    case mcpCallArgumentsDone = 54
    case mcpCallInProgress = 55
    case mcpCallCompleted = 56
    case mcpCallFailed = 57
    // Asynchronous connect (see RealtimeAsyncConnect.swift). Made by the library.
    case connected = 58
    case connectFailed = 59

    /// Wire event types of both protocols.
    static let byWireType: [String: RealtimeEventKind] = [
        "session.created": .sessionCreated, "session.updated": .sessionUpdated,
        "response.audio.delta": .audioDelta, "response.output_audio.delta": .audioDelta,
        "response.audio.done": .audioDone, "response.output_audio.done": .audioDone,
        "response.audio_transcript.delta": .audioTranscriptDelta,
        "response.output_audio_transcript.delta": .audioTranscriptDelta,
        "response.audio_transcript.done": .audioTranscriptDone,
        "response.output_audio_transcript.done": .audioTranscriptDone,
        "response.text.delta": .textDelta, "response.output_text.delta": .textDelta,
        "response.text.done": .textDone, "response.output_text.done": .textDone,
        "conversation.item.input_audio_transcription.delta": .inputTranscriptionDelta,
        "conversation.item.input_audio_transcription.completed": .inputTranscriptionCompleted,
        "conversation.item.input_audio_transcription.failed": .inputTranscriptionFailed,
        "input_audio_buffer.speech_started": .speechStarted, "input_audio_buffer.speech_stopped": .speechStopped,
        "input_audio_buffer.committed": .inputCommitted, "input_audio_buffer.cleared": .inputCleared,
        "response.created": .responseCreated, "response.done": .responseDone,
        "response.function_call_arguments.done": .functionCall,
        "response.function_call_arguments.delta": .functionCallArgumentsDelta,
        "conversation.item.created": .itemCreated, "conversation.item.added": .itemCreated,
        "conversation.item.done": .itemDone, "conversation.item.truncated": .itemTruncated,
        "conversation.item.deleted": .itemDeleted, "conversation.item.retrieved": .itemRetrieved,
        "response.output_item.added": .outputItemAdded, "response.output_item.done": .outputItemDone,
        "response.content_part.added": .contentPartAdded, "response.content_part.done": .contentPartDone,
        "rate_limits.updated": .rateLimitsUpdated, "error": .error, "conversation.created": .conversationCreated,
    ]
}

/// One realtime event, decoded. Fields that do not apply to the event's kind are empty.
public struct RealtimeEvent: Sendable {
    public var kind: RealtimeEventKind
    /// The wire `type`, e.g. "response.output_audio.delta" ("" for library-made events).
    public var type: String
    /// The event's JSON text as received (for library-made events, a JSON object describing it). Events decoded on
    /// the fast path keep the received bytes and make the text only when asked.
    public var json: String {
        get { rare?.values.jsonText ?? jsonBytes.map { String(decoding: $0.buffer, as: UTF8.self) } ?? "" }
        set {
            if eventIDSpan.count > 0 {  // (the id is read from the bytes dropped here)
                storedEventID = eventID
                eventIDSpan = (0, 0)
            }
            writableRare.values.jsonText = newValue
            jsonBytes = nil
        }
    }
    private var jsonBytes: ByteBlock?

    /// The received JSON bytes, when the event kept them (the fast path) and `json` was not replaced; nil
    /// otherwise. Spares a String for a caller that only copies the bytes.
    public func withJSONBytes<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T? {
        guard rare?.values.jsonText == nil, let jsonBytes else { return nil }
        return withExtendedLifetime(jsonBytes) { body(jsonBytes.buffer) }
    }
    /// The wire `event_id`. A fast-path event keeps it as a place in its received bytes and makes the string only
    /// when asked (no event id is read on the way to the app, and a service id is too long for a small string:
    /// each one cost an allocation).
    public var eventID: String {
        get {
            guard eventIDSpan.count > 0, let jsonBytes else { return storedEventID }
            let start = Int(eventIDSpan.offset)
            return String(
                decoding: UnsafeRawBufferPointer(rebasing: jsonBytes.buffer[start..<start + Int(eventIDSpan.count)]),
                as: UTF8.self)
        }
        set {
            storedEventID = newValue
            eventIDSpan = (0, 0)
        }
    }
    private var storedEventID = ""
    /// Where `event_id`'s text lies in `jsonBytes` (a plain string there: no escapes); count 0: `storedEventID`.
    private var eventIDSpan: (offset: Int32, count: Int32) = (0, 0)
    public var itemID = ""
    public var responseID = ""
    /// Decoded audio bytes of an audio delta, in the session's output format.
    public var audio: ByteBlock = .empty
    /// audio_start_ms (speech started) or audio_end_ms (speech stopped, truncated), else -1.
    public var audioMs: Int64 = -1
    public var contentIndex: Int = 0
    public var outputIndex: Int = 0
    /// WebSocket close code of a closed event, else 0.
    public var closeCode: Int = 0
    /// True for events the library made (closed, local errors), false for the server's.
    public var isLocal = false
    /// The event belongs to a response made outside the conversation (`conversation: "none"`), as the service
    /// reported in its response.created (set by the session's bookkeeping, see `OutOfBandResponses`).
    public var outOfBand = false
    /// The fields most events leave empty (`text`, `name`, the error fields...: RealtimeEvent+RareFields.swift),
    /// nil while all are: a copy of an audio delta retains a handful of references, not eighteen.
    var rare: RealtimeEventRareFields?
}

// Every initializer is declared in an extension, so the struct keeps its implicit memberwise initializer (see
// `init(audioDelta:...)`).
extension RealtimeEvent {
    /// An event whose JSON stays as the received bytes until `json` is read.
    init(kind: RealtimeEventKind, type: String, jsonBytes: ByteBlock) {
        self.kind = kind
        self.type = type
        self.jsonBytes = jsonBytes
    }

    /// An audio delta of the fast path (`AudioDeltaScanner`), made with every field at once (no default to
    /// replace), its JSON kept as the received bytes. It delegates to the implicit memberwise initializer (which
    /// exists because every other initializer is declared in an extension): that one builds the value in place,
    /// where an initializer assigning `self.x` fields builds it in a local `self` and returns a copy of it (one
    /// retain of each String and ByteBlock field, then a release of each, per received delta).
    /// `eventID` is the range of the event id's text (no escapes) in `jsonBytes`, if the event has one.
    init(
        audioDelta type: String, jsonBytes: ByteBlock, audio: ByteBlock, eventID: Range<Int>?, itemID: String,
        responseID: String, outputIndex: Int, contentIndex: Int
    ) {
        var span: (offset: Int32, count: Int32) = (0, 0)
        var text = ""
        if let eventID {
            if let offset = Int32(exactly: eventID.lowerBound), let count = Int32(exactly: eventID.count) {
                span = (offset, count)
            } else {
                text = String(decoding: UnsafeRawBufferPointer(rebasing: jsonBytes.buffer[eventID]), as: UTF8.self)
            }
        }
        self.init(
            kind: .audioDelta, type: type, jsonBytes: jsonBytes, storedEventID: text, eventIDSpan: span,
            itemID: itemID, responseID: responseID, audio: audio, contentIndex: contentIndex,
            outputIndex: outputIndex)
    }

    public init(kind: RealtimeEventKind, type: String, json: String) {
        self.kind = kind
        self.type = type
        self.rare = RealtimeEventRareFields(RealtimeEventRareValues(jsonText: json))
    }

    /// A library-made `closed` event.
    public static func closed(code: Int, reason: String) -> RealtimeEvent {
        var e = RealtimeEvent(
            kind: .closed, type: "",
            json: #"{"type":"closed","code":\#(code),"reason":"# + JSONWriter.quote(reason) + "}")
        e.closeCode = code
        e.text = reason
        e.isLocal = true
        return e
    }

    /// A library-made `error` event for a local failure (e.g. a malformed server event).
    public static func localError(code: String, message: String) -> RealtimeEvent {
        var e = RealtimeEvent(
            kind: .error, type: "error",
            json: #"{"type":"error","error":{"type":"client_error","code":"# + JSONWriter.quote(code)
                + #","message":"# + JSONWriter.quote(message) + "}}")
        e.errorType = "client_error"
        e.errorCode = code
        e.text = message
        e.isLocal = true
        return e
    }
}

extension RealtimeEvent {
    /// The library's name for `playbackFlush` events (what `azaudio_realtime_event_name` gives).
    public static let playbackFlushName = "playback_flush"

    /// A library-made `playbackFlush`: drop the queued playback of `itemID`, whose audio now ends at `audioMs`
    /// (the truncation position; 0 when nothing was played and so nothing truncated).
    public static func playbackFlush(
        itemID: String, responseID: String, audioMs: Int, truncated: Bool,
        cancelled: Bool
    ) -> RealtimeEvent {
        var e = RealtimeEvent(
            kind: .playbackFlush, type: playbackFlushName,
            json: #"{"type":"playback_flush","item_id":"# + JSONWriter.quote(itemID) + #","response_id":"#
                + JSONWriter.quote(responseID) + #","audio_end_ms":\#(audioMs),"truncated":\#(truncated),"#
                + #""response_cancelled":\#(cancelled)}"#)
        e.itemID = itemID
        e.responseID = responseID
        e.audioMs = Int64(audioMs)
        e.isLocal = true
        return e
    }

    /// A library-made audio delta carrying the converted audio the resampler still held when the item's audio
    /// ended (sent just before the audio done event).
    static func audioTail(of done: RealtimeEvent, audio: ByteBlock, protocol kind: RealtimeProtocol) -> RealtimeEvent {
        let type = kind.isPreview ? "response.audio.delta" : "response.output_audio.delta"
        var e = RealtimeEvent(
            kind: .audioDelta, type: type,
            json: #"{"type":"# + JSONWriter.quote(type) + #","item_id":"# + JSONWriter.quote(done.itemID)
                + #","response_id":"# + JSONWriter.quote(done.responseID) + #","library":"resampler_tail"}"#)
        e.itemID = done.itemID
        e.responseID = done.responseID
        e.contentIndex = done.contentIndex
        e.outputIndex = done.outputIndex
        e.audio = audio
        e.isLocal = true
        return e
    }
}
