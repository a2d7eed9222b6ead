/// The stall rules of one REST attempt (issue 18 item 6), as plain state fed by curl's progress ticks:
///
/// - **idle**: no byte moved either way (upload or download) for `idleTimeoutMs` fails the attempt. The default,
///   600 s, is openai-python's read timeout: a transcription of a long file may legitimately think for minutes
///   before its first byte, and the cap of a whole call stays `timeout_ms` (no limit by default).
/// - **body rate**: once the response body has started, each window of `bodyRateWindowMs` must bring at least
///   `minBodyBytesPerSecond` times the window's length in bytes. The defaults (64 bytes/s over 60 s) are far
///   below the slowest legitimate body (streamed text deltas arrive at kilobytes per second) and far above a
///   connection that dribbles a byte now and then to dodge the idle rule.
///
/// Either value 0 turns its rule off.
public struct StallWatch: Sendable {
    public var idleTimeoutMs: UInt32
    public var minBodyBytesPerSecond: UInt32
    public var bodyRateWindowMs: UInt32

    private var lastMoved: Double
    private var lastTotal: Int64 = 0
    private var windowStart: Double? = nil
    private var windowBytes: Int64 = 0

    public init(idleTimeoutMs: UInt32, minBodyBytesPerSecond: UInt32, bodyRateWindowMs: UInt32, now: Double) {
        self.idleTimeoutMs = idleTimeoutMs
        self.minBodyBytesPerSecond = minBodyBytesPerSecond
        self.bodyRateWindowMs = bodyRateWindowMs
        lastMoved = now
    }

    /// One tick: the bytes uploaded and downloaded so far (body bytes only for `downloaded`). Returns the error that
    /// ends the attempt, or nil.
    public mutating func observe(now: Double, uploaded: Int64, downloaded: Int64) -> AzError? {
        let total = uploaded &+ downloaded
        if total != lastTotal {
            lastTotal = total
            lastMoved = now
        }
        if idleTimeoutMs > 0, now - lastMoved >= Double(idleTimeoutMs) / 1000 {
            return AzError(
                .timeout,
                "no byte was sent or received for \(idleTimeoutMs) ms (idle_timeout_ms): the server stalled "
                    + "(\(downloaded) bytes of the answer had arrived)")
        }
        guard minBodyBytesPerSecond > 0, bodyRateWindowMs > 0, downloaded > 0 else { return nil }
        guard let start = windowStart else {
            windowStart = now
            windowBytes = downloaded
            return nil
        }
        let window = Double(bodyRateWindowMs) / 1000
        guard now - start >= window else { return nil }
        let moved = downloaded - windowBytes
        let needed = Int64((Double(minBodyBytesPerSecond) * window).rounded(.up))
        if moved < needed {
            return AzError(
                .timeout,
                "the answer's body trickled in at \(moved) bytes in \(bodyRateWindowMs) ms, below the minimum of "
                    + "\(minBodyBytesPerSecond) bytes/s (min_body_bytes_per_s over body_rate_window_ms)")
        }
        windowStart = now
        windowBytes = downloaded
        return nil
    }
}
