/// One piece of a long recording: the frames uploaded, and the part of the timeline whose results it owns.
///
/// Pieces cut at a pause do not overlap (`keepFrom == start`, `keepUntil == end`). A hard cut (no pause before the
/// limit) overlaps the next piece by a little, and each side keeps the results whose middle falls on its side of
/// the overlap's midpoint, so a word cut in two is heard whole by one of the pieces.
public struct PiecePlan: Sendable, Equatable {
    public var index: Int
    public var start: Int64
    public var end: Int64
    public var keepFrom: Int64
    public var keepUntil: Int64

    public var frames: Int64 { end - start }
}

/// Decides where to cut a long recording. Pure: frames and pauses in, pieces out.
public struct CutPlanner: Sendable {
    /// The most frames a piece may hold (from the upload limit and the duration ceiling).
    public var maxFrames: Int64
    /// The overlap of a hard cut, in frames.
    public var overlapFrames: Int64
    /// A pause closer than this to the piece's start is not used (it would make a tiny piece).
    public var minFrames: Int64

    public init(maxFrames: Int64, overlapFrames: Int64, minFrames: Int64) {
        self.maxFrames = max(1, maxFrames)
        self.overlapFrames = max(0, min(overlapFrames, self.maxFrames / 4))
        self.minFrames = max(0, min(minFrames, self.maxFrames / 2))
    }

    /// The pieces covering `totalFrames`, in order. `pauses` must be sorted by start.
    public func plan(totalFrames: Int64, pauses: [Pause]) -> [PiecePlan] {
        guard totalFrames > 0 else { return [] }
        var pieces: [PiecePlan] = []
        var start: Int64 = 0
        var keepFrom: Int64 = 0
        var next = 0  // first pause that may still matter
        while totalFrames - start > maxFrames {
            let limit = start + maxFrames
            while next < pauses.count && pauses[next].middle <= start + minFrames { next += 1 }
            var best: Pause? = nil
            var i = next
            while i < pauses.count && pauses[i].middle <= limit {
                best = pauses[i]
                i += 1
            }
            if let pause = best {
                let cut = pause.middle
                pieces.append(
                    PiecePlan(index: pieces.count, start: start, end: cut, keepFrom: keepFrom, keepUntil: cut))
                start = cut
                keepFrom = cut
            } else {
                let boundary = limit - overlapFrames / 2
                pieces.append(
                    PiecePlan(
                        index: pieces.count, start: start, end: limit, keepFrom: keepFrom,
                        keepUntil: boundary))
                start = limit - overlapFrames
                keepFrom = boundary
            }
        }
        pieces.append(
            PiecePlan(
                index: pieces.count, start: start, end: totalFrames, keepFrom: keepFrom,
                keepUntil: totalFrames))
        return pieces
    }
}
