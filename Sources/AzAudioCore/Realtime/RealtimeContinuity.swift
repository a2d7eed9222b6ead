import Glibc

/// How to open a session's connection, again for a reconnect: the URL, the transport settings, the credential
/// (a 401 refreshes it once).
struct RealtimeDialer: Sendable {
    let configuration: ClientConfiguration
    let url: ServiceURL
    let settings: TransportSettings
    let limits: WebSocketLimits
    let loop: EventLoop

    init(client: ServiceClient, loop: EventLoop, options: RealtimeSessionOptions) throws(AzError) {
        configuration = client.configuration
        url = options.kind.url(options, endpoint: configuration.endpoint)
        var limits = WebSocketLimits()
        limits.maxQueuedBytes = options.maxSendQueueBytes
        self.limits = limits
        var settings = configuration.transport
        settings.connectTimeoutMs = min(settings.connectTimeoutMs, options.connectTimeoutMs)
        self.settings = settings
        self.loop = loop
    }

    func dial(delegate: WebSocketConnectionDelegate) throws(AzError) -> WebSocketConnection {
        var refresh = false
        while true {
            let auth = try configuration.credential.header(refresh: refresh)
            do throws(AzError) {
                return try WebSocketConnection.connect(
                    url: url, headers: [(name: auth.name, value: auth.value)], settings: settings, loop: loop,
                    delegate: delegate, limits: limits, logger: configuration.logger)
            } catch {
                if error.httpStatus == 401, configuration.credential.canRefresh, !refresh {
                    refresh = true
                    continue
                }
                throw error
            }
        }
    }
}

/// Which connection ends a reconnect may follow: a close without handshake (1006: network error, reset, liveness
/// failure), 1011, 1001 (the session expired or the service is going away) and any failure the peer caused.
/// Deliberate closes, 1000 from the service, a shutdown of the library's I/O loop and protocol violations are
/// final.
enum ReconnectPolicy {
    static func mayReconnect(after info: WebSocketCloseInfo) -> Bool {
        if let error = info.error {
            switch error.kind {
            case .network, .timeout, .tls, .io: return true
            default: return false
            }
        }
        switch info.code.rawValue {
        case 1001, 1006, 1011, 1012, 1013: return true
        default: return false
        }
    }

    /// Whether a failed attempt's error is worth another: not an auth failure or settings the service rejects.
    static func mayRetry(_ error: AzError) -> Bool {
        if error.httpStatus == 401 || error.httpStatus == 403 { return false }
        switch error.kind {
        case .auth, .badRequest, .invalidArgument, .unsupported: return false
        default: return true
        }
    }

    /// The wait before attempt `attempt` (1-based): `baseMs` doubled per attempt up to 8 s, times 0.5-1.0
    /// (`jitter` in 0..<1), at least the service's Retry-After.
    static func backoffMs(attempt: Int, baseMs: UInt32, jitter: Double, retryAfterSeconds: Double) -> UInt64 {
        let doubled = min(8000.0, Double(baseMs) * Double(1 << min(max(attempt - 1, 0), 16)))
        let waited = doubled * (0.5 + 0.5 * min(max(jitter, 0), 1))
        return UInt64(max(waited, retryAfterSeconds * 1000).saturatingInt64(.up))
    }
}

/// Runs closures on an event loop's thread (callback-mode delivery from another thread stays on the loop).
final class LoopHop: EventLoopChannel, @unchecked Sendable {
    private let loop: EventLoop
    private let work = Locked<[() -> Void]>([])

    init(loop: EventLoop) { self.loop = loop }

    /// Queues `body` for the loop thread. Returns false when the loop has stopped (nothing runs).
    @discardableResult
    func run(_ body: @escaping () -> Void) -> Bool {
        let first = work.withLock { (queue) -> Bool in
            queue.append(body)
            return queue.count == 1
        }
        return first ? loop.schedule(self) : true
    }

    func runScheduled() {
        let bodies = work.withLock { (queue) -> [() -> Void] in
            defer { queue = [] }
            return queue
        }
        for body in bodies { body() }
    }

    func handleEvents(_ events: UInt32) {}
    func handleDeadline() {}
    func loopWillShutdown(deliver: Bool) { work.withLock { $0 = [] } }
}

/// Liveness: pings a quiet connection after `keepaliveMs` and fails it when nothing at all arrived for
/// `livenessTimeoutMs` (which ends it with code 1006 and a `.timeout` error, so a reconnect may follow).
final class RealtimeLiveness: EventLoopTicker, @unchecked Sendable {
    private let link: RealtimeLink
    private let keepaliveMs: UInt64
    private let timeoutMs: UInt64
    /// Renewal on: the time between the margin and the lead (`RenewalPlan`), which the ticks must resolve.
    private let renewalWindowMs: UInt64?
    private let logger: Logger
    // Loop thread only.
    private var lastPingMs: UInt64 = 0
    /// Runs on every tick (the session's renewal check); set before the ticker is added.
    var onTick: (() -> Void)?

    init(link: RealtimeLink, options: RealtimeSessionOptions, logger: Logger) {
        self.link = link
        keepaliveMs = UInt64(options.keepaliveMs)
        timeoutMs = UInt64(options.livenessTimeoutMs)
        let margin = UInt64(options.renewalMarginMs)
        renewalWindowMs =
            options.reconnectMaxAttempts > 0 && margin > RenewalPlan.leadMs ? margin - RenewalPlan.leadMs : nil
        self.logger = logger
    }

    var isActive: Bool { keepaliveMs > 0 || timeoutMs > 0 }

    /// How often to look: a quarter of the shortest period, 20 ms to 1 s. The renewal's window (margin minus
    /// lead) counts as one: a look that comes late would leave the standby less time before the cap.
    var intervalMs: UInt32 {
        let periods = [keepaliveMs, timeoutMs, renewalWindowMs ?? 0].filter { $0 > 0 }
        let shortest: UInt64 = periods.min() ?? 400
        return UInt32(min(1000, max(20, shortest / 4)))
    }

    func tick() {
        onTick?()
        guard isActive, let connection = link.connection else { return }
        let now = Monotonic.now()
        let quiet = now &- connection.lastReceivedMs
        if timeoutMs > 0, quiet >= timeoutMs {
            logger.log(
                .warn,
                "realtime: nothing arrived for \(quiet) ms (liveness_timeout_ms \(timeoutMs)): the connection is taken for dead"
            )
            connection.fail(AzError(.timeout, "nothing arrived for \(quiet) ms (liveness_timeout_ms \(timeoutMs))"))
            return
        }
        if keepaliveMs > 0, quiet >= keepaliveMs, now &- lastPingMs >= keepaliveMs {
            lastPingMs = now
            try? connection.sendPing()
        }
    }
}
