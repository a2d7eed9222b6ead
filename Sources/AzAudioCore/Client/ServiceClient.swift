/// Per-call overrides of the client's timeout and retry settings, plus the call's cancel token and progress.
public struct CallSettings: Sendable {
    /// Milliseconds for the whole call; nil: the client's. 0 means no limit.
    public var timeoutMs: UInt32?
    /// Retries allowed; nil: the client's.
    public var maxRetries: Int?
    public var cancel: CancellationToken?
    /// Hears how far each attempt's request body has been uploaded (counts restart at 0 on a retry), on the
    /// calling thread; throwing stops the call with that error.
    public var onUploadProgress: UploadProgressHandler?

    public init(
        timeoutMs: UInt32? = nil, maxRetries: Int? = nil, cancel: CancellationToken? = nil,
        onUploadProgress: UploadProgressHandler? = nil
    ) {
        self.timeoutMs = timeoutMs
        self.maxRetries = maxRetries
        self.cancel = cancel
        self.onUploadProgress = onUploadProgress
    }
}

/// The engine's client: a configuration plus a transport, and the request loop every operation shares
/// (authentication, retries with server-requested waits, the total deadline, error parsing, logging).
public final class ServiceClient: Sendable {
    public let configuration: ClientConfiguration
    public let transport: HTTPTransport
    /// The I/O threads of this client's realtime sessions, started with the first session.
    private let loops = Locked<EventLoopGroup?>(nil)
    /// How many I/O threads realtime sessions share.
    public let realtimeThreads: Int

    public init(configuration: ClientConfiguration, realtimeThreads: Int = 1) throws(AzError) {
        self.configuration = configuration
        self.transport = try HTTPTransport(settings: configuration.transport)
        self.realtimeThreads = max(1, realtimeThreads)
    }

    deinit {
        loops.withLock { $0 }?.shutdown()
    }

    /// The event loop for the next realtime session (sessions are spread over the client's I/O threads).
    public func realtimeLoop() throws(AzError) -> EventLoop {
        try loops.withLock { group throws(AzError) -> EventLoop in
            if let group { return group.next() }
            let made = try EventLoopGroup(threads: realtimeThreads)
            group = made
            return made.next()
        }
    }

    /// The URL of `operation` on `deployment` in the client's URL family.
    public func url(deployment: String, operation: String) -> ServiceURL {
        configuration.family.url(endpoint: configuration.endpoint, deployment: deployment, operation: operation)
    }

    /// Sends `request` until it succeeds or fails for good, and returns the successful response's head; the body
    /// went to `handler`. Never retries once the handler has received body bytes, nor when the body cannot rewind.
    public func execute(
        _ request: HTTPRequest, settings: CallSettings = CallSettings(), handler: ResponseHandler
    ) throws(AzError) -> HTTPResponseHead {
        var policy = configuration.retry
        if let retries = settings.maxRetries { policy.maxRetries = max(0, retries) }
        let timeoutMs = settings.timeoutMs ?? configuration.timeoutMs
        let deadline = timeoutMs == 0 ? nil : monotonicSeconds() + Double(timeoutMs) / 1000
        let logger = configuration.logger
        let target = request.url.redacted
        var retriesDone = 0
        var refreshToken = false
        var refreshedOnce = false
        while true {
            if settings.cancel?.isCancelled == true { throw AzError(.cancelled, "the call was cancelled") }
            var attempt = request
            let auth = try configuration.credential.header(refresh: refreshToken)
            attempt.headers.append(auth)
            let remaining = try remainingMs(deadline, timeoutMs: timeoutMs)
            let started = monotonicSeconds()
            let outcome = transport.send(
                attempt, handler: handler, cancel: settings.cancel, timeoutMs: remaining,
                progress: settings.onUploadProgress)
            let elapsed = Int((monotonicSeconds() - started) * 1000)

            let failure: AzError
            let retryable: Bool
            var headers = HTTPHeaders()
            switch outcome {
            case .response(let head):
                logger.log(
                    .debug,
                    "\(request.method) \(target) -> \(head.status) in \(elapsed) ms"
                        + Self.requestIDSuffix(head.headers))
                return head
            case .httpError(let head, let body):
                failure = ServiceErrorParser.error(status: head.status, headers: head.headers, body: body)
                headers = head.headers
                logger.log(
                    .info,
                    "\(request.method) \(target) -> \(head.status) in \(elapsed) ms"
                        + Self.requestIDSuffix(head.headers))
                if head.status == 401 && configuration.credential.canRefresh && !refreshedOnce {
                    guard Self.rewind(request.body) else { throw failure }
                    refreshToken = true
                    refreshedOnce = true
                    logger.log(.info, "401: asking the token provider for a fresh token")
                    continue
                }
                retryable = RetryPolicy.isRetryableStatus(head.status)
            case .failed(let error, let canRetry, let bodyDelivered):
                logger.log(.info, "\(request.method) \(target) failed after \(elapsed) ms: \(error.message)")
                if bodyDelivered || !canRetry { throw error }
                failure = error
                retryable = true
            }
            refreshToken = false
            switch policy.decide(retriesDone: retriesDone, retryable: retryable, headers: headers) {
            case .giveUp:
                throw retriesDone == 0 ? failure : Self.annotate(failure, attempts: retriesDone + 1)
            case .waitTooLong(let seconds):
                var error = failure
                error.message +=
                    "; the service asked to wait \(Self.seconds(seconds)) before retrying, more than "
                    + "max_retry_wait_ms allows (\(Self.seconds(policy.maxServerWait))), so no retry was made"
                throw error
            case .retry(let wait):
                if let deadline, monotonicSeconds() + wait >= deadline {
                    var error = failure
                    error.message += "; no time left for a retry within timeout_ms"
                    throw error
                }
                guard Self.rewind(request.body) else { throw failure }
                logger.log(
                    .warn,
                    "retrying \(request.method) \(target) in \(Self.seconds(wait)) "
                        + "(retry \(retriesDone + 1) of \(policy.maxRetries)): \(failure.message)")
                if let cancel = settings.cancel {
                    if !cancel.sleep(seconds: wait) { throw AzError(.cancelled, "the call was cancelled") }
                } else {
                    CancellationToken().sleepUncancellable(seconds: wait)
                }
                retriesDone += 1
            }
        }
    }

    private func remainingMs(_ deadline: Double?, timeoutMs: UInt32) throws(AzError) -> UInt32 {
        guard let deadline else { return 0 }
        let left = deadline - monotonicSeconds()
        if left <= 0.001 { throw AzError(.timeout, "the call did not finish within timeout_ms (\(timeoutMs) ms)") }
        return UInt32(max(1, (left * 1000).rounded(.up)))
    }

    private static func rewind(_ body: RequestBody) -> Bool {
        if case .stream(let stream) = body { return stream.rewind() }
        return true
    }

    private static func annotate(_ error: AzError, attempts: Int) -> AzError {
        var e = error
        e.message += " (after \(attempts) attempts)"
        return e
    }

    private static func requestIDSuffix(_ headers: HTTPHeaders) -> String {
        let id = headers.requestID
        return id.isEmpty ? "" : " (apim-request-id \(id))"
    }

    /// A wait for messages. Saturating: the wait may be a server's (Retry-After: 1e300), and Int(...) of it trapped.
    static func seconds(_ s: Double) -> String {
        s >= 10 ? "\(s.saturatingInt64()) s" : "\((s * 1000).saturatingInt64()) ms"
    }
}

extension CancellationToken {
    /// Sleeps for `seconds`; nothing can wake it (used when the caller gave no token).
    func sleepUncancellable(seconds: Double) { _ = sleep(seconds: seconds) }
}
