/// What a barge-in sends and delivers, decided under the inbound lock, carried out after it.
struct BargeInReaction {
    var outgoing: [String] = []
    var flush: RealtimeEvent?
    /// Delivered after the flush: the item_truncated of a replayed item cut as text.
    var notice: RealtimeEvent?

    var isEmpty: Bool { outgoing.isEmpty && flush == nil && notice == nil }

    /// Sends the events (loop thread, non-blocking) and returns the flush event to deliver; a send that fails
    /// becomes a local error event after it.
    func events(connection: WebSocketConnection, logger: Logger) -> [RealtimeEvent] {
        var made: [RealtimeEvent] = []
        if let flush { made.append(flush) }
        if let notice { made.append(notice) }
        for json in outgoing {
            do throws(AzError) {
                try connection.send(text: json)
            } catch {
                logger.log(.warn, "realtime: barge-in could not send its event: \(error.message)")
                made.append(
                    .localError(code: "barge_in_failed", message: "barge-in could not send \(json): \(error.message)"))
            }
        }
        return made
    }
}
