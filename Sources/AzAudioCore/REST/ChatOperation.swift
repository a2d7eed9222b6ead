/// Audio chat completions: send the conversation, read the reply whole or as a stream.
extension ServiceClient {
    /// Completes `conversation`. When `options.stream` is set, the accumulator's callbacks receive text, transcript
    /// and audio deltas as they arrive; the returned reply holds everything. A stream that stops before it says it
    /// is complete fails with `.network`.
    public func chat(
        _ conversation: ChatConversation, options: ChatOptions, settings: CallSettings = CallSettings(),
        stream: ChatStreamAccumulator = ChatStreamAccumulator()
    ) throws(AzError) -> ChatReply {
        let body = try ChatRequest.body(conversation, options: options, family: configuration.family)
        let request = HTTPRequest(
            method: "POST", url: url(deployment: options.deployment, operation: "chat/completions"),
            headers: [("Content-Type", "application/json")], body: .bytes(body))
        var accumulator = stream
        let reader = ResponseBody()
        let handler = reader.handler { (event: SSEEvent) throws(AzError) in
            try accumulator.consume(event: event, requestID: reader.head?.headers.requestID ?? "")
        }
        let head = try execute(request, settings: settings, handler: handler)
        var reply: ChatReply
        if reader.isEventStream {
            guard accumulator.isComplete else {
                throw AzError(
                    .network,
                    "the chat stream ended before it was complete (no finish_reason and no [DONE]): the reply is "
                        + "incomplete", httpStatus: head.status, requestID: head.headers.requestID)
            }
            reply = accumulator.reply
        } else {
            reply = try ChatReplyParser.parse(reader.collected)
        }
        reply.httpStatus = head.status
        reply.requestID = head.headers.requestID
        return reply
    }
}
