/// One part of a chat message's content.
public enum ChatContentPart: Sendable, Equatable {
    case text(String)
    /// Audio bytes (not yet base64) and their format, "wav" or "mp3".
    case inputAudio([UInt8], format: String)
}

/// One message of a conversation.
public struct ChatMessage: Sendable, Equatable {
    public var role: String
    public var parts: [ChatContentPart]
    /// For an assistant message: a reference to audio the service produced earlier (`{"audio": {"id": ...}}`).
    public var audioID: String?

    public init(role: String, parts: [ChatContentPart] = [], audioID: String? = nil) {
        self.role = role
        self.parts = parts
        self.audioID = audioID
    }
}

/// A message list built up by the caller, checked as it grows.
public struct ChatConversation: Sendable, Equatable {
    /// The most input audio one message part may carry, in bytes (the service's limit is 20 MB).
    public static let maxInputAudioBytes = 20 * 1024 * 1024
    public static let roles = ["system", "developer", "user", "assistant"]

    public private(set) var messages: [ChatMessage] = []

    public init() {}

    /// Starts a message, optionally with a text part.
    public mutating func addMessage(role: String, text: String?) throws(AzError) {
        guard Self.roles.contains(role) else {
            throw .invalidArgument("role '\(role.prefix(30))' is not one of \(Self.roles.joined(separator: ", "))")
        }
        var message = ChatMessage(role: role)
        if let text { message.parts.append(.text(text)) }
        messages.append(message)
    }

    /// Appends an input_audio part to the last message, which must be a user message.
    public mutating func addAudio(_ bytes: [UInt8], format: String) throws(AzError) {
        guard format == "wav" || format == "mp3" else {
            throw AzError(.unsupported, "input audio format '\(format.prefix(30))' is not supported: use wav or mp3")
        }
        guard !bytes.isEmpty else { throw .invalidArgument("the input audio is empty") }
        guard bytes.count <= Self.maxInputAudioBytes else {
            throw AzError(
                .payloadTooLarge,
                "the input audio is \(bytes.count) bytes; the service accepts at most \(Self.maxInputAudioBytes) "
                    + "(20 MB) per audio part")
        }
        guard let last = messages.indices.last, messages[last].role == "user" else {
            throw AzError(.invalidState, "input audio belongs to a user message: add a user message first")
        }
        messages[last].parts.append(.inputAudio(bytes, format: format))
    }

    /// Appends an input_audio part read from a wav or mp3 file.
    public mutating func addAudioFile(path: String) throws(AzError) {
        let format = try AudioFileType.chatInputFormat(forFilename: path)
        let file = try AudioFile(path: path)
        guard file.size <= Int64(Self.maxInputAudioBytes) else {
            throw AzError(
                .payloadTooLarge,
                "the audio file '\(path)' is \(file.size) bytes; the service accepts at most "
                    + "\(Self.maxInputAudioBytes) (20 MB) per audio part")
        }
        try addAudio(try file.readAll(), format: format)
    }

    /// Appends an assistant message that refers to audio the service produced earlier, by its id.
    public mutating func addAssistantAudio(id: String) throws(AzError) {
        guard !id.isEmpty else { throw .invalidArgument("the audio id is empty") }
        messages.append(ChatMessage(role: "assistant", audioID: id))
    }

    public mutating func removeAll() { messages.removeAll() }
}
