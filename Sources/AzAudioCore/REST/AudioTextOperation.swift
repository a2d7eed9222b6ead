/// Transcription and translation: send the multipart form, read the reply (plain or streamed).
extension ServiceClient {
    /// Transcribes or translates `input`. With `options.stream`, `onDelta` receives each text delta as it arrives
    /// and the result still holds the final text. A stream that ends before `transcript.text.done` fails with
    /// `.network`: nothing incomplete is returned as a success. A streamed diarized transcription hands each
    /// completed segment (with its speaker) to `onSegment`; the result holds them all in order.
    public func audioToText(
        _ task: AudioTextTask, input: AudioInput, options: AudioTextOptions, settings: CallSettings = CallSettings(),
        onDelta: ((String) throws(AzError) -> Void)? = nil,
        onSegment: ((TranscriptSegment) throws(AzError) -> Void)? = nil
    ) throws(AzError) -> Transcript {
        let prepared = try AudioTextRequest.prepare(task, input: input, options: options, family: configuration.family)
        var headers = [("Content-Type", prepared.body.contentType)]
        if prepared.body.length == nil { headers.append(("Transfer-Encoding", "chunked")) }
        headers.append(
            ("Accept", prepared.stream ? "text/event-stream, application/json" : "application/json, text/plain"))
        let request = HTTPRequest(
            method: "POST", url: url(deployment: options.deployment, operation: task.operation), headers: headers,
            body: .stream(prepared.body))

        var deltas = ""
        var done: Transcript? = nil
        var segments: [TranscriptSegment] = []
        let reader = ResponseBody()
        let handler = reader.handler { (event: SSEEvent) throws(AzError) in
            if event.isDoneSentinel { return }
            let requestID = reader.head?.headers.requestID ?? ""
            let json = try ResponseBody.json(of: event, requestID: requestID)
            switch json["type"]?.stringValue ?? event.name {
            case "transcript.text.delta":
                let delta = json["delta"]?.stringValue ?? ""
                deltas += delta
                if !delta.isEmpty { try onDelta?(delta) }
            case "transcript.text.segment":
                guard let segment = TranscriptSegment.parse(json, index: segments.count) else {
                    throw AzError(
                        .protocolViolation, "a transcript.text.segment event has no numeric start and end",
                        requestID: requestID)
                }
                segments.append(segment)
                try onSegment?(segment)
            case "transcript.text.done":
                var t = Transcript(format: prepared.format)
                t.rawBody = Array(event.data.utf8)
                try TranscriptParser.fill(&t, from: json)
                done = t
            default: break
            }
        }
        let head = try execute(request, settings: settings, handler: handler)
        var transcript: Transcript
        if reader.isEventStream {
            guard let finished = done else {
                throw AzError(
                    .network,
                    "the transcription stream ended before transcript.text.done: the reply is incomplete"
                        + (deltas.isEmpty ? "" : " (\(deltas.utf8.count) bytes of text had arrived)"),
                    httpStatus: head.status, requestID: head.headers.requestID)
            }
            transcript = finished
            if transcript.segments.isEmpty { transcript.segments = segments }
        } else {
            transcript = try TranscriptParser.parse(reader.collected, format: prepared.format)
        }
        transcript.httpStatus = head.status
        transcript.requestID = head.headers.requestID
        return transcript
    }
}
