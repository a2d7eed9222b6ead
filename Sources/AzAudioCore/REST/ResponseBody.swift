/// Collects or streams a successful response body, choosing by its content type: `text/event-stream` bodies go
/// through an `SSEParser` event by event, anything else is collected (bounded) or passed on as it arrives.
final class ResponseBody {
    /// The most bytes collected for a non-streamed reply.
    static let maxCollected = 64 << 20

    var head: HTTPResponseHead? = nil
    var isEventStream = false
    var collected: [UInt8] = []
    var parser = SSEParser()

    static func isEventStream(_ head: HTTPResponseHead) -> Bool {
        (head.headers["content-type"] ?? "").lowercased().hasPrefix("text/event-stream")
    }

    /// A handler that collects a plain body and hands event-stream events to `onEvent`.
    func handler(onEvent: @escaping (SSEEvent) throws(AzError) -> Void) -> ResponseHandler {
        ResponseHandler(
            onHead: { [unowned self] (head: HTTPResponseHead) throws(AzError) in
                self.head = head
                self.isEventStream = Self.isEventStream(head)
            },
            onBody: { [unowned self] (bytes: UnsafeRawBufferPointer) throws(AzError) in
                if self.isEventStream {
                    try self.parser.feed(bytes, onEvent: onEvent)
                } else {
                    guard self.collected.count + bytes.count <= Self.maxCollected else {
                        throw AzError(.protocolViolation, "the reply is larger than \(Self.maxCollected) bytes")
                    }
                    self.collected.append(contentsOf: bytes)
                }
            })
    }

    /// Decodes an event's data as JSON; an `error` member (or event) becomes the service's error.
    static func json(of event: SSEEvent, requestID: String) throws(AzError) -> JSONValue {
        let json: JSONValue
        do throws(JSONParseError) {
            json = try JSONParser.parse(event.data)
        } catch {
            throw AzError(
                .protocolViolation,
                "an event of the stream is not valid JSON (\(error)): \(event.data.prefix(120))", requestID: requestID)
        }
        if let error = json["error"], error.objectValue != nil || event.name == "error" {
            let code = error["code"]?.stringOrNumberText ?? error["type"]?.stringValue ?? ""
            let message = error["message"]?.stringValue ?? event.data
            let kind: ErrorKind = code == "content_filter" ? .contentFilter : .server
            throw AzError(
                kind,
                "the service reported an error mid-stream" + (code.isEmpty ? "" : " (\(code))") + ": \(message)"
                    + (requestID.isEmpty ? "" : " (apim-request-id: \(requestID))"),
                httpStatus: 200, serviceCode: code, requestID: requestID, rawBody: event.data)
        }
        return json
    }
}
