import CCurl
import Glibc

/// What one attempt produced.
public enum TransferOutcome: Sendable {
    /// A 1xx-3xx response; its body went to the handler.
    case response(HTTPResponseHead)
    /// A 4xx/5xx response; its body (capped) was collected for error parsing.
    case httpError(HTTPResponseHead, body: [UInt8])
    /// The transfer failed. `retryable` says whether sending again could help; `bodyDelivered` whether the
    /// handler already received response data (then a retry is never made).
    case failed(AzError, retryable: Bool, bodyDelivered: Bool)
}

/// Sends HTTP requests with libcurl, keeping connections, DNS results and TLS sessions for reuse.
///
/// Safe to use from several threads at once: each call takes its own easy handle from a pool, and all handles
/// share one connection cache through a locked curl share handle.
public final class HTTPTransport: @unchecked Sendable {
    public let settings: TransportSettings
    private let share: OpaquePointer
    private let idle = Locked<[UnsafeMutableRawPointer]>([])
    /// Idle easy handles kept for reuse.
    private let maxIdle = 8

    public init(settings: TransportSettings) throws(AzError) {
        try CurlRuntime.ensure()
        guard let share = ccurl_share_create() else { throw AzError(.outOfMemory, "could not create a curl share") }
        self.settings = settings
        self.share = share
    }

    deinit {
        let handles = idle.withLock { list in
            let all = list
            list.removeAll()
            return all
        }
        for easy in handles { curl_easy_cleanup(easy) }
        ccurl_share_destroy(share)
    }

    private func checkout() throws(AzError) -> UnsafeMutableRawPointer {
        if let easy = idle.withLock({ $0.popLast() }) {
            curl_easy_reset(easy)
            return easy
        }
        guard let easy = curl_easy_init() else { throw AzError(.outOfMemory, "could not create a curl handle") }
        return easy
    }

    private func checkin(_ easy: UnsafeMutableRawPointer) {
        let kept = idle.withLock { list -> Bool in
            guard list.count < maxIdle else { return false }
            list.append(easy)
            return true
        }
        if !kept { curl_easy_cleanup(easy) }
    }

    /// Sends one request once. `timeoutMs` 0 means no total limit for this attempt. `progress`, if given, hears
    /// how far the body's upload has got (throttled; see `UploadProgressThrottle`), on this thread.
    public func send(
        _ request: HTTPRequest, handler: ResponseHandler, cancel: CancellationToken?, timeoutMs: UInt32,
        progress: UploadProgressHandler? = nil
    ) -> TransferOutcome {
        let easy: UnsafeMutableRawPointer
        do throws(AzError) { easy = try checkout() } catch {
            return .failed(error, retryable: false, bodyDelivered: false)
        }
        let transfer = HTTPTransfer(
            easy: easy, body: request.body, handler: handler, cancel: cancel, progress: progress)
        transfer.stall = StallWatch(
            idleTimeoutMs: settings.idleTimeoutMs, minBodyBytesPerSecond: settings.minBodyBytesPerSecond,
            bodyRateWindowMs: settings.bodyRateWindowMs, now: monotonicSeconds())
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer {
            curl_slist_free_all(headerList)
            errorBuffer.deallocate()
            checkin(easy)
        }
        let user = Unmanaged.passUnretained(transfer).toOpaque()
        let code = withExtendedLifetime(transfer) { () -> CURLcode in
            if let failure = configure(
                easy, request: request, user: user, headerList: &headerList, errorBuffer: errorBuffer,
                timeoutMs: timeoutMs)
            {
                return failure
            }
            return perform(easy, cancel: cancel)
        }
        if code == CURLE_OK {
            do throws(AzError) {
                try transfer.finishUpload(length: request.body.length)
            } catch {
                return .failed(error, retryable: false, bodyDelivered: transfer.bodyDelivered)
            }
        }
        return outcome(of: code, transfer: transfer, errorBuffer: errorBuffer, url: request.url)
    }

    private func configure(
        _ easy: UnsafeMutableRawPointer, request: HTTPRequest, user: UnsafeMutableRawPointer,
        headerList: inout UnsafeMutablePointer<curl_slist>?, errorBuffer: UnsafeMutablePointer<CChar>,
        timeoutMs: UInt32
    ) -> CURLcode? {
        var failure: CURLcode? = nil
        func set(_ rc: CURLcode) { if rc != CURLE_OK && failure == nil { failure = rc } }
        set(ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        set(ccurl_setopt_string(easy, CURLOPT_URL, request.url.text))
        set(ccurl_setopt_share(easy, ccurl_share_handle(share)))
        set(ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        set(ccurl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(ccurl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0))
        set(ccurl_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS)))
        set(ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(settings.connectTimeoutMs)))
        set(ccurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(timeoutMs)))
        set(ccurl_setopt_string(easy, CURLOPT_USERAGENT, settings.userAgent))
        set(ccurl_setopt_long(easy, CURLOPT_UPLOAD_BUFFERSIZE, 64 * 1024))
        settings.applyConnectionOptions(to: easy, set)

        set(ccurl_setopt_data_fn(easy, CURLOPT_HEADERFUNCTION, curlHeaderCallback))
        set(ccurl_setopt_pointer(easy, CURLOPT_HEADERDATA, user))
        set(ccurl_setopt_data_fn(easy, CURLOPT_WRITEFUNCTION, curlWriteCallback))
        set(ccurl_setopt_pointer(easy, CURLOPT_WRITEDATA, user))
        set(ccurl_setopt_xferinfo_fn(easy, curlProgressCallback))
        set(ccurl_setopt_pointer(easy, CURLOPT_XFERINFODATA, user))

        switch request.method {
        case "GET": set(ccurl_setopt_long(easy, CURLOPT_HTTPGET, 1))
        case "POST":
            set(ccurl_setopt_long(easy, CURLOPT_POST, 1))
            set(ccurl_setopt_data_fn(easy, CURLOPT_READFUNCTION, curlReadCallback))
            set(ccurl_setopt_pointer(easy, CURLOPT_READDATA, user))
            set(ccurl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, Int(request.body.length ?? -1)))
        default: set(ccurl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method))
        }
        // No "Expect: 100-continue" round trip: it costs a full second against servers that do not answer it.
        var lines = ["Expect:"]
        for (name, value) in request.headers { lines.append("\(name): \(value)") }
        for line in lines { headerList = curl_slist_append(headerList, line) }
        set(ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList))
        return failure
    }

    private func perform(_ easy: UnsafeMutableRawPointer, cancel: CancellationToken?) -> CURLcode {
        guard let multi = curl_multi_init() else { return CURLE_OUT_OF_MEMORY }
        defer { curl_multi_cleanup(multi) }
        guard curl_multi_add_handle(multi, easy) == CURLM_OK else { return CURLE_FAILED_INIT }
        defer { curl_multi_remove_handle(multi, easy) }
        cancel?.attach(multi)
        defer { cancel?.detach(multi) }
        var running: Int32 = 1
        while true {
            if curl_multi_perform(multi, &running) != CURLM_OK { return CURLE_FAILED_INIT }
            if running == 0 { break }
            if cancel?.isCancelled == true { return CURLE_ABORTED_BY_CALLBACK }
            if curl_multi_poll(multi, nil, 0, 1000, nil) != CURLM_OK { return CURLE_FAILED_INIT }
        }
        var pending: Int32 = 0
        while let message = curl_multi_info_read(multi, &pending) {
            if message.pointee.msg == CURLMSG_DONE { return message.pointee.data.result }
        }
        return CURLE_FAILED_INIT
    }

    private func outcome(
        of code: CURLcode, transfer: HTTPTransfer, errorBuffer: UnsafeMutablePointer<CChar>, url: ServiceURL
    ) -> TransferOutcome {
        if code == CURLE_OK {
            if transfer.isErrorStatus { return .httpError(transfer.head, body: transfer.errorBody) }
            do throws(AzError) {
                try transfer.deliverHeadIfNeeded()
            } catch {
                return .failed(error, retryable: false, bodyDelivered: transfer.bodyDelivered)
            }
            return .response(transfer.head)
        }
        if let callbackError = transfer.callbackError {
            return .failed(callbackError, retryable: false, bodyDelivered: transfer.bodyDelivered)
        }
        if code == CURLE_ABORTED_BY_CALLBACK || transfer.cancel?.isCancelled == true {
            return .failed(
                AzError(.cancelled, "the call was cancelled"), retryable: false,
                bodyDelivered: transfer.bodyDelivered)
        }
        let detail = String(cString: errorBuffer)
        var message = "\(CurlRuntime.describe(code))" + (detail.isEmpty ? "" : ": \(detail)")
        message += " (\(url.redacted))"
        if transfer.bodyDelivered { message += "; the response was cut off after part of its body was delivered" }
        let error = AzError(
            CurlRuntime.kind(of: code), message, httpStatus: transfer.status,
            requestID: transfer.headers.requestID)
        return .failed(error, retryable: CurlRuntime.isRetryable(code), bodyDelivered: transfer.bodyDelivered)
    }
}
