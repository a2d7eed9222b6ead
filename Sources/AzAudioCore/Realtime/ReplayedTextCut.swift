/// Cutting a reply item whose audio came from an earlier session (barge-in or the app's truncate right after a
/// renewal or reconnect): the session now running holds it only as the text the replay gave it, and refuses
/// conversation.item.truncate for it. The text is cut instead, at the same fraction of the audio received, and
/// the session's copy replaced in place (`ConversationMirror.cutReplayed`); the app gets the item_truncated event
/// it would have had.
extension RealtimeInbound.State {
    /// The events to send and the event to deliver for cutting `cut.itemID` at `cut.audioEndMs`.
    mutating func cutReplayed(
        _ cut: BargeInDecision.Truncation, protocol kind: RealtimeProtocol
    ) -> (
        events: [String], notice: RealtimeEvent
    ) {
        let events = mirror.cutReplayed(
            itemID: cut.itemID, audioEndMs: cut.audioEndMs, receivedMs: playback.receivedMs(itemID: cut.itemID),
            protocol: kind)
        if events.count > 1 { replacing.insert(cut.itemID) }  // deleted and created again: the item stays
        return (events, .replayedTextCut(cut))
    }
}

extension RealtimeEvent {
    /// A library-made conversation.item.truncated for an item cut as text (`"replayed_text":true`).
    static func replayedTextCut(_ cut: BargeInDecision.Truncation) -> RealtimeEvent {
        var e = RealtimeEvent(
            kind: .itemTruncated, type: "conversation.item.truncated",
            json: #"{"type":"conversation.item.truncated","item_id":"# + JSONWriter.quote(cut.itemID)
                + #","content_index":\#(cut.contentIndex),"audio_end_ms":\#(cut.audioEndMs),"replayed_text":true}"#)
        e.itemID = cut.itemID
        e.contentIndex = cut.contentIndex
        e.audioMs = Int64(cut.audioEndMs)
        e.isLocal = true
        return e
    }
}
