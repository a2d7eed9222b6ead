import CCurl
import Glibc

/// One attempt of one request on one curl easy handle: its callbacks' state and what they observed.
final class HTTPTransfer {
    let body: RequestBody
    let handler: ResponseHandler
    let cancel: CancellationToken?
    /// Reports upload progress to the caller, if it asked for it.
    var progress: UploadProgressThrottle?
    /// The idle and body-rate rules, fed by every progress tick.
    var stall: StallWatch?

    /// Bytes of an in-memory body already handed to curl.
    var bodyOffset = 0
    /// True once the body's last byte was handed to curl.
    var bodyEnded = false
    /// Set when a callback failed; reported instead of curl's generic code.
    var callbackError: AzError?
    var headers = HTTPHeaders()
    var status = 0
    var headDelivered = false
    /// True once any response body byte reached the handler: from then on, no retry.
    var bodyDelivered = false
    var errorBody: [UInt8] = []
    var errorBodyLimitReached = false
    let easy: UnsafeMutableRawPointer

    init(
        easy: UnsafeMutableRawPointer, body: RequestBody, handler: ResponseHandler, cancel: CancellationToken?,
        progress: UploadProgressHandler? = nil
    ) {
        self.easy = easy
        self.body = body
        self.handler = handler
        self.cancel = cancel
        self.progress = progress.map { UploadProgressThrottle(handler: $0, now: monotonicSeconds()) }
    }

    /// 4xx/5xx, and 3xx too: redirects are never followed (the key must not go to another host), so their body is
    /// collected for the message instead of reaching the handler.
    var isErrorStatus: Bool { status >= 300 }

    var head: HTTPResponseHead { HTTPResponseHead(status: status, headers: headers) }

    func onHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            // A new response (after 100 Continue, for instance): forget the previous headers.
            headers = HTTPHeaders()
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        } else {
            headers.addRawLine(line)
        }
    }

    /// Returns false to abort the transfer.
    func onData(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if isErrorStatus {
            let room = ServiceErrorParser.maxRawBody - errorBody.count
            if room > 0 { errorBody.append(contentsOf: bytes.prefix(room)) } else { errorBodyLimitReached = true }
            return true
        }
        // curl may hand over several buffered chunks in one go: after a cancel, deliver nothing more.
        if cancel?.isCancelled == true { return false }
        do throws(AzError) {
            try deliverHeadIfNeeded()
            bodyDelivered = true
            try handler.onBody(bytes)
            return true
        } catch {
            callbackError = error
            return false
        }
    }

    func deliverHeadIfNeeded() throws(AzError) {
        guard !headDelivered else { return }
        headDelivered = true
        try handler.onHead(head)
    }

    /// Fills curl's upload buffer. Returns bytes written, or nil to abort.
    func onRead(_ buffer: UnsafeMutableRawBufferPointer) -> Int? {
        switch body {
        case .none:
            bodyEnded = true
            return 0
        case .bytes(let bytes):
            let n = min(buffer.count, bytes.count - bodyOffset)
            if n > 0 {
                bytes.withUnsafeBytes { src in
                    buffer.baseAddress!.copyMemory(from: src.baseAddress! + bodyOffset, byteCount: n)
                }
                bodyOffset += n
            }
            if bodyOffset == bytes.count { bodyEnded = true }
            return n
        case .stream(let stream):
            do throws(AzError) {
                let n = try stream.read(into: buffer)
                if n == 0 { bodyEnded = true }
                return n
            } catch {
                callbackError = error
                return nil
            }
        }
    }

    /// One of curl's progress ticks. Returns false to abort the transfer.
    func onProgress(uploaded: Int64, uploadTotal: Int64, downloaded: Int64) -> Bool {
        if cancel?.isCancelled == true { return false }
        if let error = stall?.observe(now: monotonicSeconds(), uploaded: uploaded, downloaded: downloaded) {
            callbackError = error
            return false
        }
        guard progress != nil else { return true }
        do throws(AzError) {
            try progress?.observe(
                sent: UInt64(max(0, uploaded)), total: UInt64(max(0, uploadTotal)), now: monotonicSeconds())
            return true
        } catch {
            callbackError = error
            return false
        }
    }

    /// After a transfer that curl finished: the final progress report, when the whole body went out and no tick
    /// reported it yet. `length` is the body's length if it was known before sending.
    func finishUpload(length: Int64?) throws(AzError) {
        guard progress != nil else { return }
        var sent: curl_off_t = 0
        guard ccurl_getinfo_off(easy, CURLINFO_SIZE_UPLOAD_T, &sent) == CURLE_OK, sent > 0 else { return }
        let total = UInt64(max(0, length ?? 0))
        // A body of unknown length is complete only if its stream said so (the service may answer early).
        if total == 0 && !bodyEnded { return }
        try progress?.complete(sent: UInt64(sent), total: total)
    }
}

// C callbacks: each recovers its transfer from the user pointer.

let curlHeaderCallback: ccurl_data_fn = { data, size, count, user in
    let transfer = Unmanaged<HTTPTransfer>.fromOpaque(user!).takeUnretainedValue()
    transfer.onHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}

let curlWriteCallback: ccurl_data_fn = { data, size, count, user in
    let transfer = Unmanaged<HTTPTransfer>.fromOpaque(user!).takeUnretainedValue()
    return transfer.onData(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
}

let curlReadCallback: ccurl_data_fn = { data, size, count, user in
    let transfer = Unmanaged<HTTPTransfer>.fromOpaque(user!).takeUnretainedValue()
    guard let n = transfer.onRead(UnsafeMutableRawBufferPointer(start: data, count: size * count)) else {
        return Int(CURL_READFUNC_ABORT)
    }
    return n
}

let curlProgressCallback: ccurl_xferinfo_fn = { user, _, downloaded, uploadTotal, uploaded in
    let transfer = Unmanaged<HTTPTransfer>.fromOpaque(user!).takeUnretainedValue()
    return transfer.onProgress(
        uploaded: Int64(uploaded), uploadTotal: Int64(uploadTotal),
        downloaded: Int64(downloaded)) ? 0 : 1
}
