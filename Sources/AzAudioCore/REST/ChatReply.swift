/// The assistant's reply to an audio chat completion.
public struct ChatReply: Sendable, Equatable {
    /// The message's text content (empty when the reply is audio: then see `transcript`).
    public var text = ""
    /// The transcript of the spoken reply.
    public var transcript = ""
    /// The spoken reply, decoded from base64, in the requested format.
    public var audio: [UInt8] = []
    /// The id a later turn uses to refer to this audio.
    public var audioID = ""
    /// Unix time after which the service forgets the audio, or 0.
    public var audioExpiresAt: Int64 = 0
    public var refusal = ""
    public var finishReason = ""
    public var usage: Usage? = nil
    /// The body as received (non-streamed replies only).
    public var rawBody: [UInt8] = []
    public var httpStatus = 0
    public var requestID = ""

    public init() {}
}

/// Reads chat completion bodies and stream chunks.
public enum ChatReplyParser {
    /// Parses a non-streamed response body.
    public static func parse(_ body: [UInt8]) throws(AzError) -> ChatReply {
        let json: JSONValue
        do throws(JSONParseError) {
            json = try JSONParser.parse(body)
        } catch {
            throw AzError(.protocolViolation, "the chat completion reply is not valid JSON (\(error))")
        }
        guard let choice = json["choices"]?[0], let message = choice["message"] else {
            throw AzError(.protocolViolation, "the chat completion reply has no choices[0].message")
        }
        var reply = ChatReply()
        reply.rawBody = body
        reply.text = message["content"]?.stringValue ?? ""
        reply.refusal = message["refusal"]?.stringValue ?? ""
        reply.finishReason = choice["finish_reason"]?.stringValue ?? ""
        reply.usage = Usage(json: json["usage"])
        if let audio = message["audio"], audio.objectValue != nil {
            reply.audioID = audio["id"]?.stringValue ?? ""
            reply.audioExpiresAt = Int64(audio["expires_at"]?.intValue ?? 0)
            reply.transcript = audio["transcript"]?.stringValue ?? ""
            if let data = audio["data"]?.stringValue {
                guard let bytes = Base64.decode(data) else {
                    throw AzError(.protocolViolation, "the reply's audio data is not valid base64")
                }
                reply.audio = bytes
            }
        }
        return reply
    }
}

/// Accumulates a streamed reply chunk by chunk, handing the deltas to callbacks as they come.
public struct ChatStreamAccumulator {
    public var reply = ChatReply()
    public private(set) var finished = false
    public private(set) var sawDoneSentinel = false

    public var onText: ((String) throws(AzError) -> Void)?
    public var onTranscript: ((String) throws(AzError) -> Void)?
    public var onAudio: ((UnsafeRawBufferPointer) throws(AzError) -> Void)?

    public init() {}

    /// True once the stream said it is complete (`data: [DONE]` or a finish_reason).
    public var isComplete: Bool { sawDoneSentinel || finished }

    public mutating func consume(_ json: JSONValue) throws(AzError) {
        if let usage = Usage(json: json["usage"]) { reply.usage = usage }
        guard let choice = json["choices"]?[0] else { return }
        if let reason = choice["finish_reason"]?.stringValue {
            reply.finishReason = reason
            finished = true
        }
        guard let delta = choice["delta"] else { return }
        if let text = delta["content"]?.stringValue, !text.isEmpty {
            reply.text += text
            try onText?(text)
        }
        if let refusal = delta["refusal"]?.stringValue { reply.refusal += refusal }
        if let audio = delta["audio"], audio.objectValue != nil {
            if let id = audio["id"]?.stringValue, !id.isEmpty { reply.audioID = id }
            if let expires = audio["expires_at"]?.intValue { reply.audioExpiresAt = Int64(expires) }
            if let transcript = audio["transcript"]?.stringValue, !transcript.isEmpty {
                reply.transcript += transcript
                try onTranscript?(transcript)
            }
            if let data = audio["data"]?.stringValue, !data.isEmpty {
                guard let bytes = Base64.decode(data) else {
                    throw AzError(.protocolViolation, "a streamed audio delta is not valid base64")
                }
                reply.audio.append(contentsOf: bytes)
                try bytes.withBytes { (b: UnsafeRawBufferPointer) throws(AzError) in try onAudio?(b) }
            }
        }
    }

    public mutating func consume(event: SSEEvent, requestID: String) throws(AzError) {
        if event.isDoneSentinel {
            sawDoneSentinel = true
            return
        }
        try consume(try ResponseBody.json(of: event, requestID: requestID))
    }
}
