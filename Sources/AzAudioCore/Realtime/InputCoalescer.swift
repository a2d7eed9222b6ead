/// Input coalescing (`RealtimeSessionOptions.inputCoalesceMs`): wire-format input audio held until enough of it
/// waits to go out as one append. Pure bookkeeping; the session decides when to send and guards it with its send
/// lock.
struct InputCoalescer {
    /// Hold audio until this many ms wait.
    let holdMs: Int
    private(set) var held: [UInt8] = []
    /// When the oldest held byte arrived (monotonic ms); nil when nothing is held.
    private(set) var heldSinceMs: UInt64?

    init(holdMs: Int) {
        self.holdMs = holdMs
    }

    var isEmpty: Bool { held.isEmpty }

    /// How many bytes hold `holdMs` of audio at `bytesPerMs`.
    func thresholdBytes(bytesPerMs: Int) -> Int { max(1, holdMs * bytesPerMs) }

    /// True when adding `count` bytes reaches the threshold (so the held audio and them go out now).
    func reachesThreshold(adding count: Int, bytesPerMs: Int) -> Bool {
        held.count + count >= thresholdBytes(bytesPerMs: bytesPerMs)
    }

    mutating func hold(_ audio: UnsafeRawBufferPointer, nowMs: UInt64) {
        guard !audio.isEmpty else { return }
        if held.isEmpty {
            heldSinceMs = nowMs
            held.reserveCapacity(max(held.capacity, audio.count * 2))
        }
        held.append(contentsOf: audio)
    }

    /// True when held audio has waited `holdMs` or longer at `nowMs` (the I/O thread then sends it).
    func isDue(nowMs: UInt64) -> Bool {
        guard let since = heldSinceMs else { return false }
        return nowMs >= since + UInt64(holdMs)
    }

    /// Gives back audio held after the first `count` bytes (a send of it was refused).
    mutating func keepFirst(_ count: Int) {
        held.removeSubrange(min(count, held.count)...)
        if held.isEmpty { heldSinceMs = nil }
    }

    /// Forgets the held audio (sent or dropped), keeping the allocation.
    mutating func clear() {
        held.removeAll(keepingCapacity: true)
        heldSinceMs = nil
    }
}
