/// What to do when the user starts speaking (barge-in): the decision `BargeInTracker.speechStarted()` makes.
public struct BargeInDecision: Sendable, Equatable {
    /// Send response.cancel for this response (still running, and the server will not cancel it by itself).
    public var cancelResponseID: String?
    /// Send conversation.item.truncate for this item at `audioEndMs` (played, clamped to received; never 0).
    public var truncate: Truncation?
    /// Tell the host to drop the playback it has queued for this item; `audioMs` is where its audio now ends
    /// (the truncation position, 0 when nothing was played).
    public var flush: Truncation?
    /// Cut this item at `audioEndMs` as text instead of a truncate: its audio came from an earlier session (before
    /// a renewal or reconnect) and the session now running holds it only as replayed text, which a truncate cannot
    /// cut (the service refuses it). Set instead of `truncate`.
    public var rewrite: Truncation?

    public struct Truncation: Sendable, Equatable {
        public var itemID: String
        public var contentIndex: Int
        public var audioEndMs: Int

        public init(itemID: String, contentIndex: Int, audioEndMs: Int) {
            self.itemID = itemID
            self.contentIndex = contentIndex
            self.audioEndMs = audioEndMs
        }
    }

    public init(
        cancelResponseID: String? = nil, truncate: Truncation? = nil, flush: Truncation? = nil,
        rewrite: Truncation? = nil
    ) {
        self.cancelResponseID = cancelResponseID
        self.truncate = truncate
        self.flush = flush
        self.rewrite = rewrite
    }

    /// Nothing to do: no response running and nothing left to play.
    public var isEmpty: Bool { cancelResponseID == nil && truncate == nil && flush == nil && rewrite == nil }
}

/// The bookkeeping behind barge-in at the played position, with no I/O: reply audio received per item, what the
/// host reports it played, which response is running. Fed from the session's events on the loop thread and from
/// the host's `played` reports on any thread (the owner serialises access).
///
/// When speech starts, the item to cut is the latest reply item with audio that is still being streamed or not
/// fully played. Its audio is truncated at the played position clamped to the audio received (the service
/// rejects a position beyond what it sent); with nothing played no truncate is sent at all (the service rejects
/// a truncate before the first frame, and there is nothing to cut). The running response is cancelled unless the
/// server cancels it itself (its turn detection's `interrupt_response`). Each item is cut at most once; its
/// audio still in flight afterwards is dropped (`shouldDrop`), as is audio of an interrupted response.
/// An item whose audio came from an earlier session (`sessionReplaced`: a renewal or reconnect since) is cut as
/// text (`BargeInDecision.rewrite`), since the session now running holds it only as replayed text.
public struct BargeInTracker: Sendable {
    struct ItemAudio: Sendable {
        var receivedBytes = 0
        var playedMs = 0
        var contentIndex = 0
        var responseID = ""
        var interrupted = false
        /// The audio came from an earlier session: the current one holds the item as replayed text.
        var replayed = false
    }

    /// Bytes per millisecond of the session's output format on the wire.
    public var wireBytesPerMs: Int
    /// The server cancels a running response itself when speech starts (turn detection `interrupt_response`).
    public var serverInterrupts: Bool

    private var items: [String: ItemAudio] = [:] {
        didSet { lastAudioIndex = nil }  // any write through the dictionary's subscript or a new one
    }
    /// Items in the order their audio started, to forget the oldest beyond `maxItems`.
    private var order: [String] = []
    private var lastAudioItem: String?
    /// Where `lastAudioItem` is in `items`, so the next delta of the same item (nearly every one) compares the id
    /// instead of hashing it. Any write to `items` clears it (`didSet`); `audioReceived` sets it again after its
    /// own writes, which change values in place (indices stay valid; a copy-on-write copy keeps the layout).
    private var lastAudioIndex: Dictionary<String, ItemAudio>.Index?
    private var runningResponse: String?
    private var interruptedResponses: Set<String> = []
    /// Some item or response was interrupted in this session (then `shouldDrop` has to look).
    private var interruptedAny = false

    public init(wireBytesPerMs: Int, serverInterrupts: Bool) {
        self.wireBytesPerMs = wireBytesPerMs
        self.serverInterrupts = serverInterrupts
    }

    // MARK: Events

    public mutating func responseCreated(_ responseID: String) {
        runningResponse = responseID
    }

    public mutating func responseDone(_ responseID: String) {
        if runningResponse == responseID || responseID.isEmpty { runningResponse = nil }
        interruptedResponses.remove(responseID)
    }

    /// Reply audio arrived (`bytes` in the wire format).
    /// Called for every audio delta: the latest item's compares its id, another known item's hashes it once.
    public mutating func audioReceived(itemID: String, responseID: String, contentIndex: Int, bytes: Int) {
        let known = lastAudioIndex.flatMap { lastAudioItem == itemID ? $0 : nil } ?? items.index(forKey: itemID)
        if let index = known {
            items.values[index].receivedBytes += bytes
            items.values[index].contentIndex = contentIndex
            if !responseID.isEmpty && items.values[index].responseID != responseID {
                items.values[index].responseID = responseID
            }
            lastAudioItem = itemID
            lastAudioIndex = index
        } else {
            remember(itemID)
            items[itemID] = ItemAudio(receivedBytes: bytes, contentIndex: contentIndex, responseID: responseID)
            lastAudioItem = itemID
            lastAudioIndex = items.index(forKey: itemID)
        }
    }

    public mutating func itemDeleted(_ itemID: String) {
        items[itemID] = nil
        if lastAudioItem == itemID { lastAudioItem = nil }
    }

    /// The host played `ms` of the item's audio in all (reports below an earlier one are ignored). Returns false
    /// when no audio of the item was received.
    @discardableResult
    public mutating func played(itemID: String, ms: Int) -> Bool {
        guard var item = items[itemID] else { return false }
        item.playedMs = max(item.playedMs, ms)
        items[itemID] = item
        return true
    }

    /// A new session took over the call (renewal, reconnect): the items received so far are replayed text in it.
    public mutating func sessionReplaced() {
        for index in items.indices { items.values[index].replayed = true }
    }

    /// Items remembered at most: a long session forgets the oldest (they are long played).
    static let maxItems = 256

    private mutating func remember(_ itemID: String) {
        order.append(itemID)
        if order.count > Self.maxItems * 2 {
            order.removeFirst(order.count - Self.maxItems)
            let keep = Set(order)
            items = items.filter { keep.contains($0.key) }
        }
    }

    // MARK: Queries

    public func receivedMs(itemID: String) -> Int {
        guard let item = items[itemID], wireBytesPerMs > 0 else { return 0 }
        return item.receivedBytes / wireBytesPerMs
    }

    public func receivedBytes(itemID: String) -> Int? { items[itemID]?.receivedBytes }

    public func playedMs(itemID: String) -> Int { items[itemID]?.playedMs ?? 0 }

    /// The item's audio came from an earlier session (see `sessionReplaced`).
    public func isReplayed(itemID: String) -> Bool { items[itemID]?.replayed ?? false }

    /// Audio that arrives after its item or response was interrupted: not to be delivered.
    public func shouldDrop(itemID: String, responseID: String) -> Bool {
        guard interruptedAny else { return false }  // no barge-in yet: nothing to look up
        if let item = items[itemID], item.interrupted { return true }
        return !responseID.isEmpty && interruptedResponses.contains(responseID)
    }

    public var isResponseRunning: Bool { runningResponse != nil }

    /// The response running now, if any.
    public var currentResponseID: String? { runningResponse }

    /// The host is still playing the latest reply: it reported some of it played, not all (a host that never
    /// reports is not waited for). The caller listens and may barge in: no renewal switch now.
    public var isReplyPlaying: Bool {
        guard let id = lastAudioItem, let item = items[id], !item.interrupted, item.playedMs > 0 else { return false }
        return item.playedMs < (wireBytesPerMs > 0 ? item.receivedBytes / wireBytesPerMs : 0)
    }

    // MARK: Barge-in

    /// The user started speaking: decides what to send and whether to flush, and marks the item and response
    /// interrupted so this happens once.
    public mutating func speechStarted() -> BargeInDecision {
        var decision = BargeInDecision()
        let running = runningResponse.flatMap { interruptedResponses.contains($0) ? nil : $0 }
        if let id = lastAudioItem, var item = items[id], !item.interrupted {
            let received = wireBytesPerMs > 0 ? item.receivedBytes / wireBytesPerMs : 0
            let streaming = running != nil && item.responseID == running
            if streaming || item.playedMs < received {
                let position = max(0, min(item.playedMs, received))
                let cut = BargeInDecision.Truncation(itemID: id, contentIndex: item.contentIndex, audioEndMs: position)
                if position > 0, item.replayed {
                    decision.rewrite = cut
                } else if position > 0 {
                    decision.truncate = cut
                }
                decision.flush = cut
                item.interrupted = true
                interruptedAny = true
                items[id] = item
            }
        }
        if let running {
            interruptedResponses.insert(running)
            interruptedAny = true
            if !serverInterrupts { decision.cancelResponseID = running }
        }
        return decision
    }
}
