import Glibc

/// When and how long to wait before sending a failed request again.
///
/// Retries 429, 500, 502, 503, 504 and connection failures. A server-requested wait (`retry-after-ms`, then
/// `x-ms-retry-after-ms`, then `retry-after` in seconds or as an HTTP date) is honoured when it is within
/// `maxServerWait`; a longer one fails at once with a message naming the wait, since Azure has asked for waits of
/// hours. Without such a header the wait is jittered exponential backoff.
public struct RetryPolicy: Sendable, Equatable {
    public var maxRetries: Int
    /// The longest server-requested wait honoured, in seconds.
    public var maxServerWait: Double
    /// The first backoff wait, in seconds; doubled on each retry.
    public var baseDelay: Double
    /// The longest backoff wait, in seconds.
    public var maxBackoff: Double

    public init(maxRetries: Int = 2, maxServerWait: Double = 60, baseDelay: Double = 0.5, maxBackoff: Double = 8) {
        self.maxRetries = maxRetries
        self.maxServerWait = maxServerWait
        self.baseDelay = baseDelay
        self.maxBackoff = maxBackoff
    }

    public enum Decision: Equatable, Sendable {
        case retry(afterSeconds: Double)
        case giveUp
        /// The server asked for a wait longer than `maxServerWait`; the message says so.
        case waitTooLong(seconds: Double)
    }

    public static func isRetryableStatus(_ status: Int) -> Bool {
        status == 429 || status == 500 || status == 502 || status == 503 || status == 504
    }

    /// Decides what to do after failed attempt number `retriesDone + 1`.
    /// - Parameters:
    ///   - retriesDone: retries already made (0 after the first attempt).
    ///   - retryable: whether the failure is of a retryable kind at all.
    ///   - headers: the failed response's headers (empty for connection failures).
    ///   - random: a source of uniform values in 0..<1 for jitter.
    public func decide(
        retriesDone: Int, retryable: Bool, headers: HTTPHeaders, random: () -> Double = { Double.random(in: 0..<1) }
    ) -> Decision {
        guard retryable, retriesDone < maxRetries else { return .giveUp }
        if let wait = Self.serverRequestedWait(headers) {
            if wait > maxServerWait { return .waitTooLong(seconds: wait) }
            return .retry(afterSeconds: wait)
        }
        return .retry(afterSeconds: backoff(retriesDone: retriesDone, random: random))
    }

    /// Exponential backoff with "equal jitter": half the exponential wait plus a random part of the other half.
    public func backoff(retriesDone: Int, random: () -> Double) -> Double {
        let exponential = min(maxBackoff, baseDelay * Double(1 << min(retriesDone, 20)))
        return exponential / 2 + exponential / 2 * random()
    }

    /// The wait the server asked for, in seconds, or nil if it did not (or said something unreadable).
    public static func serverRequestedWait(_ headers: HTTPHeaders, now: Double = currentTime()) -> Double? {
        for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
            if let text = headers[name], let ms = Double(text), ms.isFinite, ms >= 0 { return ms / 1000 }
        }
        guard let text = headers["retry-after"] else { return nil }
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 { return seconds }
        if let date = parseHTTPDate(text) { return max(0, date - now) }
        return nil
    }

    public static func currentTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") into seconds since the epoch.
    public static func parseHTTPDate(_ text: String) -> Double? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]) else {
            return nil
        }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let month = months.firstIndex(of: String(parts[2])) else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, let h = Int(clock[0]), let m = Int(clock[1]), let s = Int(clock[2]) else { return nil }
        guard (1...31).contains(day), (0...23).contains(h), (0...59).contains(m), (0...60).contains(s),
            (1970...9999).contains(year)
        else { return nil }
        var t = tm()
        t.tm_year = Int32(year - 1900)
        t.tm_mon = Int32(month)
        t.tm_mday = Int32(day)
        t.tm_hour = Int32(h)
        t.tm_min = Int32(m)
        t.tm_sec = Int32(s)
        return Double(timegm(&t))
    }
}
