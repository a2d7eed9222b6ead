/// How far the upload of one request body has got.
public struct UploadProgress: Sendable, Equatable {
    /// Body bytes sent so far in this attempt (a retry starts again at 0).
    public var sent: UInt64
    /// The body's length, or 0 while it is unknown (a chunked upload).
    public var total: UInt64

    public init(sent: UInt64, total: UInt64) {
        self.sent = sent
        self.total = total
    }

    /// True for the report that ends an upload: everything sent, and the length known.
    public var isComplete: Bool { total > 0 && sent == total }
}

/// Receives upload progress on the thread that runs the transfer. Throwing stops the transfer with that error.
public typealias UploadProgressHandler = @Sendable (UploadProgress) throws(AzError) -> Void

/// Decides which of curl's frequent progress ticks reach the caller: at most one per `interval` while bytes go out,
/// never the same count twice, and exactly one final report when the upload completes. One per attempt.
public struct UploadProgressThrottle {
    /// The least time between two reports before the final one, in seconds.
    public static let defaultInterval = 0.1

    private let handler: UploadProgressHandler
    private let interval: Double
    private var lastReport: Double
    private var lastSent: UInt64 = 0
    /// True once the final report was made: nothing more is reported.
    public private(set) var finished = false

    public init(handler: @escaping UploadProgressHandler, interval: Double = defaultInterval, now: Double) {
        self.handler = handler
        self.interval = interval
        self.lastReport = now
    }

    /// One of curl's progress ticks: `sent` of `total` body bytes (total 0: unknown), at monotonic time `now`.
    public mutating func observe(sent: UInt64, total: UInt64, now: Double) throws(AzError) {
        guard !finished, sent > lastSent else { return }
        let progress = UploadProgress(sent: sent, total: total)
        if progress.isComplete {
            try finish(progress)
        } else if now - lastReport >= interval {
            lastReport = now
            lastSent = sent
            try handler(progress)
        }
    }

    /// The transfer is over and the whole body went out: makes the final report unless a tick already did.
    /// `total` 0 (the length was unknown until now) reports `sent` as the total.
    public mutating func complete(sent: UInt64, total: UInt64) throws(AzError) {
        guard !finished, sent > 0 else { return }
        if total > 0 && sent != total { return }
        try finish(UploadProgress(sent: sent, total: sent))
    }

    private mutating func finish(_ progress: UploadProgress) throws(AzError) {
        finished = true
        lastSent = progress.sent
        try handler(progress)
    }
}
