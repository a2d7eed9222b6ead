/// What a standby session was given of the conversation, as plain state: make-before-break replays the mirror into
/// the standby as soon as it is set up, while the live session carries on; at the switch, `catchUp` brings the
/// standby up to date with what changed meanwhile (new turns created in order, items deleted or changed since —
/// a truncation, a late transcript — deleted and created again at their place).
struct ReplayLedger: Sendable, Equatable {
    /// The items the new session holds, in order: id and the item as it was sent.
    private(set) var items: [(id: String, json: String)] = []

    static func == (a: ReplayLedger, b: ReplayLedger) -> Bool {
        a.items.map(\.id) == b.items.map(\.id) && a.items.map(\.json) == b.items.map(\.json)
    }

    /// The items the last `catchUp` deleted and created again at their place (changed since): the new session's
    /// conversation.item.deleted for them is not a deletion of the conversation.
    private(set) var replacedInPlace: [String] = []

    /// The mirror's items as a replay sends them (messages without text left out).
    private static func entries(_ mirror: ConversationMirror, kind: RealtimeProtocol) -> [(id: String, json: String)] {
        mirror.items.compactMap { item in
            ConversationMirror.isReplayed(item) ? (item.id, ConversationMirror.itemJSON(item, protocol: kind)) : nil
        }
    }

    /// The events that make the new session hold what `mirror` holds now, given what it was sent before (none at
    /// first: the whole replay, as `ConversationMirror.replayEvents`). Records the result.
    mutating func catchUp(to mirror: ConversationMirror, protocol kind: RealtimeProtocol) -> [String] {
        let current = Self.entries(mirror, kind: kind)
        var events: [String] = []
        let wanted = Dictionary(current.map { ($0.id, $0.json) }, uniquingKeysWith: { first, _ in first })
        var kept = Set<String>()
        replacedInPlace = []
        for old in items {
            if wanted[old.id] == old.json {
                kept.insert(old.id)
            } else {
                events.append(ConversationMirror.deleteEvent(old.id))
                if wanted[old.id] != nil { replacedInPlace.append(old.id) }
            }
        }
        var previous: String?
        for entry in current {
            defer { previous = entry.id }
            if kept.contains(entry.id) { continue }
            events.append(
                ConversationMirror.createEvent(
                    id: entry.id, itemJSON: entry.json, after: previous ?? (kept.isEmpty ? nil : "root")))
        }
        items = current
        return events
    }
}
