import AzAudioCore
import CAzAudio
import Glibc

/// What an `azaudio_chat *` points to: a conversation behind a lock.
final class ChatHandle {
    let conversation = Locked(ChatConversation())

    static func from(_ pointer: OpaquePointer) -> ChatHandle {
        Unmanaged<ChatHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }
}

/// What an `azaudio_chat_reply *` points to.
final class ChatReplyHandle {
    let reply: ChatReply
    let text: OwnedCString
    let transcript: OwnedCString
    let audio: OwnedBytes
    let audioID: OwnedCString
    let finishReason: OwnedCString
    let raw: OwnedBytes
    let requestID: OwnedCString

    init(_ r: ChatReply) {
        reply = r
        text = OwnedCString(r.text)
        transcript = OwnedCString(r.transcript)
        audio = OwnedBytes(r.audio)
        audioID = OwnedCString(r.audioID)
        finishReason = OwnedCString(r.finishReason)
        raw = OwnedBytes(r.rawBody)
        requestID = OwnedCString(r.requestID)
    }

    static func from(_ pointer: OpaquePointer) -> ChatReplyHandle {
        Unmanaged<ChatReplyHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }
}

enum ChatOptionsABI: SizedStructABI {
    static let typeName = "azaudio_chat_options"
    static let firstReleaseSize = end(of: \azaudio_chat_options.progress_user_data)

    static var defaults: azaudio_chat_options {
        var o = azaudio_chat_options()
        o.struct_size = UInt32(MemoryLayout<azaudio_chat_options>.size)
        o.audio_output = 1
        o.temperature = -1
        o.timeout_ms = -1
        o.max_retries = -1
        return o
    }
}

/// Runs a chat-building call: records failures for the thread.
func withChat(
    _ chat: OpaquePointer?, _ function: String, _ body: (inout ChatConversation) throws(AzError) -> Void
)
    -> azaudio_result
{
    guard let chat else { return fail(.invalidArgument, "\(function): chat is NULL") }
    do throws(AzError) {
        try ChatHandle.from(chat).conversation.withLock { (c: inout ChatConversation) throws(AzError) in try body(&c) }
        return AZAUDIO_OK
    } catch {
        return fail(prefixed(error, function))
    }
}

@c @implementation
public func azaudio_chat_create(_ outChat: UnsafeMutablePointer<OpaquePointer?>!) -> azaudio_result {
    guard let outChat else { return fail(.invalidArgument, "azaudio_chat_create: out_chat is NULL") }
    outChat.pointee = OpaquePointer(Unmanaged.passRetained(ChatHandle()).toOpaque())
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_chat_destroy(_ chat: OpaquePointer!) {
    guard let chat else { return }
    Unmanaged<ChatHandle>.fromOpaque(UnsafeRawPointer(chat)).release()
}

@c @implementation
public func azaudio_chat_add_message(
    _ chat: OpaquePointer!, _ role: UnsafePointer<CChar>!, _ text: UnsafePointer<CChar>!
)
    -> azaudio_result
{
    withChat(chat, "azaudio_chat_add_message") { (c: inout ChatConversation) throws(AzError) in
        try c.addMessage(role: try requiredString(role, "role"), text: try optionalUTF8String(text, "text"))
    }
}

@c @implementation
public func azaudio_chat_add_audio(
    _ chat: OpaquePointer!, _ data: UnsafePointer<UInt8>!, _ size: Int, _ format: UnsafePointer<CChar>!
) -> azaudio_result {
    withChat(chat, "azaudio_chat_add_audio") { (c: inout ChatConversation) throws(AzError) in
        guard let data else { throw .invalidArgument("data is NULL") }
        let fmt = try requiredString(format, "format")
        guard size >= 0 else { throw .invalidArgument("size is too large") }  // a size_t above Int.max
        guard size <= ChatConversation.maxInputAudioBytes else {
            throw AzError(
                .payloadTooLarge,
                "the input audio is \(size) bytes; the service accepts at most \(ChatConversation.maxInputAudioBytes) "
                    + "(20 MB) per audio part")
        }
        try c.addAudio(Array(UnsafeBufferPointer(start: data, count: size)), format: fmt)
    }
}

@c @implementation
public func azaudio_chat_add_audio_file(_ chat: OpaquePointer!, _ path: UnsafePointer<CChar>!) -> azaudio_result {
    withChat(chat, "azaudio_chat_add_audio_file") { (c: inout ChatConversation) throws(AzError) in
        try c.addAudioFile(path: try requiredPath(path, "path"))
    }
}

@c @implementation
public func azaudio_chat_add_assistant_audio(
    _ chat: OpaquePointer!, _ audioID: UnsafePointer<CChar>!
)
    -> azaudio_result
{
    withChat(chat, "azaudio_chat_add_assistant_audio") { (c: inout ChatConversation) throws(AzError) in
        try c.addAssistantAudio(id: try requiredString(audioID, "audio_id"))
    }
}

@c @implementation
public func azaudio_chat_add_reply(_ chat: OpaquePointer!, _ reply: OpaquePointer!) -> azaudio_result {
    withChat(chat, "azaudio_chat_add_reply") { (c: inout ChatConversation) throws(AzError) in
        guard let reply else { throw .invalidArgument("reply is NULL") }
        let r = ChatReplyHandle.from(reply).reply
        if !r.audioID.isEmpty {
            try c.addAssistantAudio(id: r.audioID)
        } else {
            try c.addMessage(role: "assistant", text: r.text)
        }
    }
}

@c @implementation
public func azaudio_chat_message_count(_ chat: OpaquePointer!) -> Int {
    guard let chat else { return 0 }
    return ChatHandle.from(chat).conversation.withLock { $0.messages.count }
}

@c @implementation
public func azaudio_chat_clear(_ chat: OpaquePointer!) {
    guard let chat else { return }
    ChatHandle.from(chat).conversation.withLock { $0.removeAll() }
}

@c @implementation
public func azaudio_chat_options_init(_ options: UnsafeMutablePointer<azaudio_chat_options>!) -> azaudio_result {
    guard let options else { return fail(.invalidArgument, "azaudio_chat_options_init: options is NULL") }
    options.pointee = ChatOptionsABI.defaults
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_chat_complete(
    _ client: OpaquePointer!, _ chat: OpaquePointer!, _ options: UnsafePointer<azaudio_chat_options>!,
    _ outReply: UnsafeMutablePointer<OpaquePointer?>!
) -> azaudio_result {
    withClient(client, "azaudio_chat_complete") { (handle: ClientHandle) throws(AzError) in
        guard let chat else { throw .invalidArgument("chat is NULL") }
        guard let outReply else { throw .invalidArgument("out_reply is NULL") }
        let o = try ChatOptionsABI.read(options)
        var e = ChatOptions(deployment: try requiredString(o.deployment, "options->deployment"))
        e.model = try optionalString(o.model, "options->model")
        e.audioOutput = o.audio_output != 0
        if let voice = try optionalString(o.voice, "options->voice") { e.voice = voice }
        e.audioFormat = try optionalString(o.audio_format, "options->audio_format")
        e.maxCompletionTokens = o.max_completion_tokens > 0 ? Int(o.max_completion_tokens) : nil
        guard o.max_completion_tokens >= 0 else { throw .invalidArgument("options->max_completion_tokens is negative") }
        e.temperature = o.temperature < 0 ? nil : o.temperature
        e.stream = o.stream != 0
        let settings = try callSettings(
            cancel: o.cancel_token, timeoutMs: o.timeout_ms, maxRetries: o.max_retries,
            progress: o.on_progress, progressUserData: o.progress_user_data)
        var accumulator = ChatStreamAccumulator()
        if let fn = o.on_text {
            let user = o.text_user_data
            accumulator.onText = { (t: String) throws(AzError) in try deliverText(fn, user, t) }
        }
        if let fn = o.on_transcript {
            let user = o.transcript_user_data
            accumulator.onTranscript = { (t: String) throws(AzError) in try deliverText(fn, user, t) }
        }
        if let fn = o.on_audio {
            let user = o.audio_user_data
            accumulator.onAudio = { (b: UnsafeRawBufferPointer) throws(AzError) in try deliverAudio(fn, user, b) }
        }
        let conversation = ChatHandle.from(chat).conversation.withLock { $0 }
        let reply = try handle.client.chat(conversation, options: e, settings: settings, stream: accumulator)
        outReply.pointee = OpaquePointer(Unmanaged.passRetained(ChatReplyHandle(reply)).toOpaque())
    }
}

@c @implementation
public func azaudio_chat_reply_text(_ r: OpaquePointer!) -> UnsafePointer<CChar>! {
    guard let r else { return nil }
    return UnsafePointer(ChatReplyHandle.from(r).text.pointer)
}

@c @implementation
public func azaudio_chat_reply_transcript(_ r: OpaquePointer!) -> UnsafePointer<CChar>! {
    guard let r else { return nil }
    return UnsafePointer(ChatReplyHandle.from(r).transcript.pointer)
}

@c @implementation
public func azaudio_chat_reply_audio(
    _ r: OpaquePointer!, _ outSize: UnsafeMutablePointer<Int>!
)
    -> UnsafePointer<UInt8>!
{
    guard let r else {
        outSize?.pointee = 0
        return nil
    }
    let h = ChatReplyHandle.from(r)
    outSize?.pointee = h.audio.count
    return h.audio.count == 0 ? nil : UnsafePointer(h.audio.pointer)
}

@c @implementation
public func azaudio_chat_reply_audio_id(_ r: OpaquePointer!) -> UnsafePointer<CChar>! {
    guard let r else { return nil }
    return UnsafePointer(ChatReplyHandle.from(r).audioID.pointer)
}

@c @implementation
public func azaudio_chat_reply_audio_expires_at(_ r: OpaquePointer!) -> Int64 {
    guard let r else { return 0 }
    return ChatReplyHandle.from(r).reply.audioExpiresAt
}

@c @implementation
public func azaudio_chat_reply_finish_reason(_ r: OpaquePointer!) -> UnsafePointer<CChar>! {
    guard let r else { return nil }
    return UnsafePointer(ChatReplyHandle.from(r).finishReason.pointer)
}

@c @implementation
public func azaudio_chat_reply_usage(
    _ r: OpaquePointer!, _ usage: UnsafeMutablePointer<azaudio_usage>!
)
    -> azaudio_result
{
    guard let r else { return fail(.invalidArgument, "azaudio_chat_reply_usage: reply is NULL") }
    return UsageABI.fill(ChatReplyHandle.from(r).reply.usage, into: usage, function: "azaudio_chat_reply_usage")
}

@c @implementation
public func azaudio_chat_reply_raw_body(
    _ r: OpaquePointer!, _ outSize: UnsafeMutablePointer<Int>!
)
    -> UnsafePointer<CChar>!
{
    guard let r else { return nil }
    let h = ChatReplyHandle.from(r)
    outSize?.pointee = h.raw.count
    return h.raw.cString
}

@c @implementation
public func azaudio_chat_reply_http_status(_ r: OpaquePointer!) -> Int32 {
    guard let r else { return 0 }
    return Int32(clamping: ChatReplyHandle.from(r).reply.httpStatus)
}

@c @implementation
public func azaudio_chat_reply_request_id(_ r: OpaquePointer!) -> UnsafePointer<CChar>! {
    guard let r else { return nil }
    return UnsafePointer(ChatReplyHandle.from(r).requestID.pointer)
}

@c @implementation
public func azaudio_chat_reply_free(_ r: OpaquePointer!) {
    guard let r else { return }
    Unmanaged<ChatReplyHandle>.fromOpaque(UnsafeRawPointer(r)).release()
}
