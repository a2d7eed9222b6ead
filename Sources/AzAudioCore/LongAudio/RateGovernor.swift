/// How many pieces of a job may be in flight and when the next may start. Pure state.
///
/// A 429 halves the concurrency and holds every new start until the wait the service asked for (or a backoff when it
/// named none); each run of successes as long as the current concurrency raises it by one, up to the maximum.
public struct RateGovernor: Sendable, Equatable {
    public let maximum: Int
    public private(set) var limit: Int
    public private(set) var holdUntil: Double = 0
    public private(set) var consecutiveRateLimits = 0
    private var successes = 0

    public init(maximum: Int) {
        self.maximum = max(1, maximum)
        limit = self.maximum
    }

    public func mayStart(running: Int, now: Double) -> Bool { running < limit && now >= holdUntil }

    /// A piece was answered 429; returns the wait applied to the whole job.
    @discardableResult
    public mutating func rateLimited(retryAfter: Double?, now: Double, random: Double = 0.5) -> Double {
        consecutiveRateLimits += 1
        limit = max(1, limit / 2)
        successes = 0
        let backoff = min(30, 0.5 * Double(1 << min(consecutiveRateLimits - 1, 10))) * (0.5 + random / 2)
        let wait = retryAfter.map { max($0, 0) } ?? backoff
        holdUntil = max(holdUntil, now + wait)
        return wait
    }

    public mutating func succeeded() {
        consecutiveRateLimits = 0
        successes += 1
        if successes >= limit && limit < maximum {
            limit += 1
            successes = 0
        }
    }
}
