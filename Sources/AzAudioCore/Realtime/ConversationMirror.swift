/// The library's copy of a session's conversation, as plain state: what a new session needs to continue the call
/// (after a reconnect or a renewal) when it is replayed with conversation.item.create.
///
/// Kept, in order: user turns (their input transcription when the session has one, else the text they carried),
/// assistant turns (their transcript or text, cut where a barge-in truncated their audio), text items the app
/// created, function calls (name, call id, arguments) and their outputs. Deleted items are dropped. Bounded by
/// `maxItems` and `maxCharacters`: the oldest items go first.
///
/// Fed with the session's server events (conversation.item.created / done, input transcription, transcript and
/// text done, truncated, deleted). Replayed as text: the new session gets the history, not the audio.
public struct ConversationMirror: Sendable, Equatable {
    public enum Role: String, Sendable { case user, assistant, system }

    public enum Entry: Sendable, Equatable {
        case message(role: Role, text: String)
        case functionCall(callID: String, name: String, arguments: String)
        case functionOutput(callID: String, output: String)
    }

    public struct Item: Sendable, Equatable {
        public var id: String
        public var entry: Entry
        /// Barge-in cut the item's audio at this fraction of what was received (1: not cut).
        public var keptFraction: Double = 1
    }

    public let maxItems: Int
    public let maxCharacters: Int
    public private(set) var items: [Item] = []

    public init(maxItems: Int = 200, maxCharacters: Int = 32_000) {
        self.maxItems = max(1, maxItems)
        self.maxCharacters = max(1, maxCharacters)
    }

    /// The text an item carries in a replay (cut where it was truncated).
    public static func text(of item: Item) -> String {
        switch item.entry {
        case .message(_, let text):
            guard item.keptFraction < 1 else { return text }
            let keep = Int((Double(text.count) * max(0, item.keptFraction)).rounded(.down))
            return String(text.prefix(keep))
        case .functionCall(_, _, let arguments): return arguments
        case .functionOutput(_, let output): return output
        }
    }

    // MARK: Feeding

    /// An item the service reports (conversation.item.created / done, response.output_item.done): added, or
    /// updated when known. Items of other types (e.g. mcp) are ignored.
    public mutating func itemReported(_ item: JSONValue) {
        guard let id = item["id"]?.stringValue, !id.isEmpty, let type = item["type"]?.stringValue else { return }
        let entry: Entry
        switch type {
        case "message":
            guard let role = item["role"]?.stringValue.flatMap(Role.init(rawValue:)) else { return }
            entry = .message(role: role, text: Self.messageText(item["content"]))
        case "function_call":
            entry = .functionCall(
                callID: item["call_id"]?.stringValue ?? "", name: item["name"]?.stringValue ?? "",
                arguments: item["arguments"]?.stringValue ?? "")
        case "function_call_output":
            entry = .functionOutput(
                callID: item["call_id"]?.stringValue ?? "", output: item["output"]?.stringValue ?? "")
        default:
            return
        }
        if let index = items.firstIndex(where: { $0.id == id }) {
            // A later report fills in what an earlier one lacked; it never erases text already known.
            if case .message(let role, let text) = entry, text.isEmpty, case .message(_, let known) = items[index].entry
            {
                items[index].entry = .message(role: role, text: known)
            } else {
                items[index].entry = entry
            }
            return
        }
        items.append(Item(id: id, entry: entry))
        enforceBudget()
    }

    /// The text of an item's turn became known (input transcription completed, transcript / text done).
    public mutating func textKnown(itemID: String, text: String) {
        guard let index = items.firstIndex(where: { $0.id == itemID }), case .message(let role, _) = items[index].entry
        else { return }
        items[index].entry = .message(role: role, text: text)
        enforceBudget()
    }

    /// The item's audio was truncated at `audioEndMs` of `receivedMs` received.
    public mutating func truncated(itemID: String, audioEndMs: Int, receivedMs: Int) {
        guard let index = items.firstIndex(where: { $0.id == itemID }) else { return }
        items[index].keptFraction = receivedMs > 0 ? min(1, Double(max(0, audioEndMs)) / Double(receivedMs)) : 0
    }

    public mutating func deleted(itemID: String) {
        items.removeAll { $0.id == itemID }
    }

    // MARK: Replay

    /// Makes each truncation final in the text (a replayed item carries the cut text, so it is not cut again).
    public mutating func settleTruncations() {
        for index in items.indices where items[index].keptFraction < 1 {
            if case .message(let role, _) = items[index].entry {
                items[index].entry = .message(role: role, text: Self.text(of: items[index]))
            }
            items[index].keptFraction = 1
        }
    }

    /// conversation.item.create events that rebuild the conversation in a new session, oldest first, each after
    /// the one before (`previous_item_id`), with the original item ids. Messages without text (a reply cut off
    /// before its transcript, a user turn not transcribed) are left out. No response.create.
    public func replayEvents(protocol kind: RealtimeProtocol) -> [String] {
        var events: [String] = []
        var previous: String?
        for item in items where Self.isReplayed(item) {
            events.append(Self.createEvent(id: item.id, itemJSON: Self.itemJSON(item, protocol: kind), after: previous))
            previous = item.id
        }
        return events
    }

    /// A replay carries the item (messages without text are left out: nothing to carry over).
    static func isReplayed(_ item: Item) -> Bool {
        if case .message = item.entry, text(of: item).isEmpty { return false }
        return true
    }

    /// conversation.item.create of the item `id` (`itemJSON`) after `previous` (nil: no previous_item_id; "root":
    /// first).
    static func createEvent(
        id: String, itemJSON: String, after previous: String?, eventPrefix: String = "azaudio_replay_"
    ) -> String {
        var json = #"{"type":"conversation.item.create","event_id":"# + JSONWriter.quote(eventPrefix + id)
        if let previous { json += #","previous_item_id":"# + JSONWriter.quote(previous) }
        return json + #","item":"# + itemJSON + "}"
    }

    /// conversation.item.delete of `itemID`.
    static func deleteEvent(_ itemID: String, eventPrefix: String = "azaudio_replay_delete_") -> String {
        #"{"type":"conversation.item.delete","event_id":"# + JSONWriter.quote(eventPrefix + itemID)
            + #","item_id":"# + JSONWriter.quote(itemID) + "}"
    }

    /// Barge-in (or the app) cut an item at `audioEndMs` of `receivedMs` whose audio came from an earlier session:
    /// the session now running holds it only as the text a replay gave it, which conversation.item.truncate
    /// cannot cut. Cuts the text here (final, as `settleTruncations`) and returns the events that replace the
    /// session's copy in place: delete, then create the cut text after the replayed item before it ("root" when
    /// none). Only the delete when nothing of the text is left; nothing when the item is unknown or was not
    /// replayed (a message without text).
    public mutating func cutReplayed(
        itemID: String, audioEndMs: Int, receivedMs: Int, protocol kind: RealtimeProtocol
    )
        -> [String]
    {
        guard let index = items.firstIndex(where: { $0.id == itemID }), case .message(let role, _) = items[index].entry,
            Self.isReplayed(items[index])
        else { return [] }
        truncated(itemID: itemID, audioEndMs: audioEndMs, receivedMs: receivedMs)
        items[index].entry = .message(role: role, text: Self.text(of: items[index]))
        items[index].keptFraction = 1
        var events = [Self.deleteEvent(itemID, eventPrefix: "azaudio_cut_delete_")]
        if Self.isReplayed(items[index]) {
            let previous = items[..<index].last(where: Self.isReplayed)?.id ?? "root"
            events.append(
                Self.createEvent(
                    id: itemID, itemJSON: Self.itemJSON(items[index], protocol: kind), after: previous,
                    eventPrefix: "azaudio_cut_"))
        }
        return events
    }

    static func itemJSON(_ item: Item, protocol kind: RealtimeProtocol) -> String {
        let id = JSONWriter.quote(item.id)
        switch item.entry {
        case .message(let role, _):
            let part: String
            switch (role, kind) {
            case (.assistant, .ga): part = "output_text"
            case (.assistant, .preview): part = "text"
            default: part = "input_text"
            }
            return #"{"id":\#(id),"type":"message","role":"\#(role.rawValue)","content":[{"type":"\#(part)","text":"#
                + JSONWriter.quote(text(of: item)) + "}]}"
        case .functionCall(let callID, let name, let arguments):
            return #"{"id":\#(id),"type":"function_call","call_id":"# + JSONWriter.quote(callID) + #","name":"#
                + JSONWriter.quote(name) + #","arguments":"# + JSONWriter.quote(arguments) + "}"
        case .functionOutput(let callID, let output):
            return #"{"id":\#(id),"type":"function_call_output","call_id":"# + JSONWriter.quote(callID)
                + #","output":"# + JSONWriter.quote(output) + "}"
        }
    }

    // MARK: Internals

    /// A message's text: its text parts, else its transcripts, joined.
    private static func messageText(_ content: JSONValue?) -> String {
        guard let parts = content?.arrayValue else { return "" }
        var texts: [String] = []
        for part in parts {
            if let text = part["text"]?.stringValue, !text.isEmpty {
                texts.append(text)
            } else if let transcript = part["transcript"]?.stringValue, !transcript.isEmpty {
                texts.append(transcript)
            }
        }
        return texts.joined(separator: " ")
    }

    private var characters: Int { items.reduce(0) { $0 + Self.text(of: $1).count } }

    private mutating func enforceBudget() {
        if items.count > maxItems { items.removeFirst(items.count - maxItems) }
        var total = characters
        while total > maxCharacters, items.count > 1 {
            total -= Self.text(of: items.removeFirst()).count
        }
    }
}
