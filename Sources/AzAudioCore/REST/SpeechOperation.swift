/// What a finished speech call reports besides its audio.
public struct SpeechResult: Sendable, Equatable {
    public var httpStatus = 0
    public var requestID = ""
    /// Audio bytes delivered.
    public var bytes: Int64 = 0
    /// From `speech.audio.done` when streamed as sse.
    public var usage: Usage? = nil
    public var contentType = ""

    public init() {}
}

/// Text to speech: audio reaches `onAudio` chunk by chunk as it comes off the wire. A binary body is passed on as
/// received; an `sse` body's `speech.audio.delta` events are base64-decoded first, so the callback always sees
/// raw audio bytes.
extension ServiceClient {
    public func speak(
        text: String, options: SpeechOptions, settings: CallSettings = CallSettings(),
        onAudio: @escaping (UnsafeRawBufferPointer) throws(AzError) -> Void
    ) throws(AzError) -> SpeechResult {
        let body = try SpeechRequest.body(text: text, options: options, family: configuration.family)
        let request = HTTPRequest(
            method: "POST", url: url(deployment: options.deployment, operation: "audio/speech"),
            headers: [("Content-Type", "application/json")], body: .bytes(body))
        var result = SpeechResult()
        var isEventStream = false
        var parser = SSEParser()
        var sawDone = false
        var requestID = ""
        let deliver = { (event: SSEEvent) throws(AzError) in
            if event.isDoneSentinel { return }
            let json = try ResponseBody.json(of: event, requestID: requestID)
            switch json["type"]?.stringValue ?? event.name {
            case "speech.audio.delta":
                guard let encoded = json["audio"]?.stringValue, let audio = Base64.decode(encoded) else {
                    throw AzError(
                        .protocolViolation, "a speech.audio.delta event carries no valid base64 audio",
                        requestID: requestID)
                }
                if !audio.isEmpty {
                    result.bytes += Int64(audio.count)
                    try audio.withBytes { (b: UnsafeRawBufferPointer) throws(AzError) in try onAudio(b) }
                }
            case "speech.audio.done":
                sawDone = true
                result.usage = Usage(json: json["usage"])
            default: break
            }
        }
        var contentType = ""
        var notAudio = false
        let handler = ResponseHandler(
            onHead: { (head: HTTPResponseHead) throws(AzError) in
                isEventStream = ResponseBody.isEventStream(head)
                requestID = head.headers.requestID
                contentType = head.headers["content-type"] ?? ""
                notAudio = !SpeechAnswer.isAudio(contentType: contentType)
            },
            onBody: { (bytes: UnsafeRawBufferPointer) throws(AzError) in
                if notAudio {
                    // A captive portal's HTML or a JSON body: never handed to the caller as audio.
                    throw SpeechAnswer.notAudio(contentType: contentType, firstBytes: bytes, requestID: requestID)
                }
                if isEventStream {
                    try parser.feed(bytes, onEvent: deliver)
                } else {
                    result.bytes += Int64(bytes.count)
                    try onAudio(bytes)
                }
            })
        let head = try execute(request, settings: settings, handler: handler)
        if notAudio {
            throw SpeechAnswer.notAudio(
                contentType: contentType, firstBytes: UnsafeRawBufferPointer(start: nil, count: 0),
                requestID: requestID)
        }
        if result.bytes == 0 && (!isEventStream || sawDone) {
            throw AzError(
                .protocolViolation,
                "the speech answer (HTTP \(head.status), content type '\(contentType)') carried no audio",
                httpStatus: head.status, requestID: head.headers.requestID)
        }
        if isEventStream && !sawDone {
            throw AzError(
                .network,
                "the speech stream ended before speech.audio.done: the audio is incomplete "
                    + "(\(result.bytes) bytes had been delivered)",
                httpStatus: head.status, requestID: head.headers.requestID)
        }
        result.httpStatus = head.status
        result.requestID = head.headers.requestID
        result.contentType = head.headers["content-type"] ?? ""
        return result
    }
}

/// What a speech answer must be: audio (any `audio/*` type, or `application/octet-stream` for raw PCM) or an
/// event stream of audio deltas. Anything else is reported with its content type and first bytes.
enum SpeechAnswer {
    static func isAudio(contentType: String) -> Bool {
        let type =
            contentType.lowercased().split(separator: ";").first.map {
                String($0).trimmingASCIIWhitespace()
            } ?? ""
        return type.hasPrefix("audio/") || type == "text/event-stream" || type == "application/octet-stream"
    }

    static func notAudio(contentType: String, firstBytes: UnsafeRawBufferPointer, requestID: String) -> AzError {
        let shown = String(decoding: firstBytes.prefix(80), as: UTF8.self)
            .map { $0.isASCII && ($0.asciiValue! < 32 || $0.asciiValue! == 127) ? " " : $0 }
        let excerpt = firstBytes.isEmpty ? "an empty body" : "a body starting '\(String(shown))'"
        return AzError(
            .protocolViolation,
            "the speech answer is not audio: content type '\(contentType.isEmpty ? "(none)" : contentType)' with "
                + excerpt + " (a captive portal, proxy or wrong endpoint?)",
            httpStatus: 200, requestID: requestID)
    }
}
