import CCurl
import CLinux
import Glibc

/// The loop thread's half of `WebSocketConnection`: readiness, reading and decoding, answering pings, the close
/// handshake, writing what senders queued, and the end of the connection.
extension WebSocketConnection {
    /// Stops reading after the current read until `resumeReading`, so a consumer that falls behind holds back
    /// the server (through TCP flow control) instead of growing a queue. Loop thread only (e.g. from a delegate
    /// call). A hang-up or socket error is still read, so the end of the connection is never missed.
    public func pauseReading() {
        guard !readPaused else { return }
        readPaused = true
        updateInterest()
    }

    public func runScheduled() {
        guard !finished else { return }
        lock()
        let resume = resumeRequested
        resumeRequested = false
        unlock()
        if resume && readPaused {
            readPaused = false
            updateInterest()
            readAvailable()  // TLS: curl may hold decrypted bytes that epoll will not report
            if finished { return }
        }
        if token == nil {
            guard let token = loop.register(self, fd: socket.fd, events: EPOLLIN.rawValue) else {
                teardown(
                    WebSocketCloseInfo(
                        code: .abnormalClosure, reason: "",
                        error: AzError(.io, "could not watch the socket (errno \(errno))"),
                        initiatedLocally: true))
                return
            }
            self.token = token
            lock()
            directWrites = phase == .open
            unlock()
            logger.log(.debug, "websocket: \(label) started on the I/O loop")
            if !leftover.isEmpty {
                let bytes = leftover
                leftover = []
                bytes.withUnsafeBytes { process($0) }
                if finished { return }
            }
            // TLS (or a proxy's): the handshake's reads may have left bytes in OpenSSL (read ahead, or a record
            // longer than the handshake's buffer) that epoll will never announce.
            if !socket.bypassesCurl && !readPaused {
                readAvailable()
                if finished { return }
            }
        }
        flush()
    }

    public func handleEvents(_ events: UInt32) {
        guard !finished else { return }
        let hangup = events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0
        if hangup || (!readPaused && events & EPOLLIN.rawValue != 0) {
            readAvailable()
            if finished { return }
        }
        if needsFlush || events & EPOLLOUT.rawValue != 0 { flush() }
    }

    public func handleDeadline() {
        guard !finished else { return }
        if let ending {
            teardown(ending)
        } else {
            teardown(
                WebSocketCloseInfo(
                    code: localCloseCode, reason: "",
                    error: AzError(
                        .timeout, "the server did not answer the close handshake within \(limits.closeTimeoutMs) ms"),
                    initiatedLocally: true))
        }
    }

    public func loopWillShutdown(deliver: Bool) {
        guard !finished else { return }
        // Best effort: tell the server we are going away, with whatever the socket takes right now.
        lock()
        if phase == .open {
            phase = .closing
            encoder.encodeClose(code: .goingAway, reason: "client shutting down", into: pending)
        }
        if writing.isEmpty { swap(&pending, &writing) } else { writing.append(pending.readableBytes); pending.clear() }
        unlock()
        if token != nil, !writing.isEmpty { _ = ioSend(writing.readableBytes) }
        teardown(
            WebSocketCloseInfo(
                code: .goingAway, reason: "client shutting down",
                error: AzError(.closed, "the I/O loop shut down"), initiatedLocally: true),
            deliver: deliver)
    }

    /// Ends the connection at once with `error` (no close handshake: the peer is taken for dead, e.g. nothing
    /// arrived for the liveness timeout). `didClose` reports code 1006 and the error. Loop thread only.
    public func fail(_ error: AzError) {
        teardown(WebSocketCloseInfo(code: .abnormalClosure, reason: "", error: error, initiatedLocally: true))
    }

    /// Reads until the socket has nothing more (or the connection ends), decoding as it goes.
    private func readAvailable() {
        let buffer = loop.readBuffer
        while true {
            let (result, mayHoldMore) = ioReceive(buffer)
            switch result {
            case .wouldBlock:
                return
            case .failed(let code):
                teardown(
                    WebSocketCloseInfo(
                        code: .abnormalClosure, reason: "",
                        error: AzError(CurlRuntime.kind(of: code), "\(CurlRuntime.describe(code)) on \(label)"),
                        initiatedLocally: false))
                return
            case .done(0):
                teardown(
                    ending
                        ?? WebSocketCloseInfo(
                            code: .abnormalClosure, reason: "",
                            error: AzError(
                                .network, "the server closed the connection without a close handshake (\(label))"),
                            initiatedLocally: false))
                return
            case .done(let n):
                lastReceivedMs = Monotonic.now()
                process(UnsafeRawBufferPointer(start: buffer.baseAddress, count: n))
                if finished || ending != nil || readPaused { return }
                // A short read emptied the kernel buffer (epoll is level-triggered, so anything newer wakes us),
                // unless TLS may hold decrypted bytes the kernel no longer shows: then read until EAGAIN.
                if n < buffer.count && !mayHoldMore { return }
            }
        }
    }

    /// Decodes bytes and acts on what they hold.
    private func process(_ bytes: UnsafeRawBufferPointer) {
        do throws(WebSocketProtocolError) {
            try decoder.decode(bytes) { inbound in self.handle(inbound) }
        } catch {
            logger.log(.warn, "websocket: \(label): \(error.description); closing with \(error.closeCode)")
            lock()
            let queueClose = phase == .open
            if queueClose {
                phase = .closing
                encoder.encodeClose(code: error.closeCode, reason: error.description, into: pending)
            }
            unlock()
            ending = WebSocketCloseInfo(
                code: error.closeCode, reason: error.description,
                error: AzError(.protocolViolation, "the server broke the WebSocket protocol: \(error.description)"),
                initiatedLocally: true)
            needsFlush = true
        }
        if ending != nil {
            flush()
            if !finished, let token {
                loop.setDeadline(token: token, atMs: Monotonic.now() + UInt64(limits.closeTimeoutMs))
            }
        }
    }

    /// One decoded item. Returns false to stop decoding.
    private func handle(_ inbound: WebSocketInbound) -> Bool {
        switch inbound {
        case .text(let bytes):
            if deliverable() { deliver { $0.webSocket(self, didReceiveText: bytes) } }
        case .binary(let bytes):
            if deliverable() { deliver { $0.webSocket(self, didReceiveBinary: bytes) } }
        case .ping(let bytes):
            lock()
            if phase == .open { encoder.encode(.pong, payload: bytes, into: pending) }
            unlock()
            needsFlush = true
        case .pong:
            break
        case .close(let code, let reason):
            lock()
            let wasOpen = phase == .open
            if wasOpen {
                // Echo the server's code (section 5.5.1).
                phase = .closing
                encoder.encodeClose(code: code, reason: "", into: pending)
            }
            unlock()
            ending = WebSocketCloseInfo(
                code: code ?? .noStatusReceived, reason: String(decoding: reason, as: UTF8.self), error: nil,
                initiatedLocally: !wasOpen)
            needsFlush = true
            return false
        }
        return true
    }

    /// Calls the delegate, if any, without retaining it: `delegateHolder` holds it for the call, and a change of
    /// the delegate inside the call keeps the old holder in `heldDuringCall` until here (see `delegate`).
    @inline(__always)
    private func deliver(_ call: (any WebSocketConnectionDelegate) -> Void) {
        guard let holder = delegateHolder else { return }
        delivering = true
        holder._withUnsafeGuaranteedRef { call($0.target) }
        delivering = false
        if let held = heldDuringCall {
            heldDuringCall = nil
            held.release()
        }
    }

    /// Lock-free (see `phase`): a `close` on another thread stops delivery from the next message on.
    @inline(__always)
    private func deliverable() -> Bool { phase == .open }

    /// Writes what is queued, as far as the socket takes it; ends the connection once a pending end is written.
    private func flush() {
        needsFlush = false
        while true {
            if writing.isEmpty {
                lock()
                isScheduled = false
                if !pending.isEmpty { swap(&pending, &writing) }
                writingCount = writing.readableCount
                unlock()
                if writing.isEmpty { break }
            }
            let count = writing.readableCount
            switch ioSend(writing.readableBytes) {
            case .done(let n):
                writing.consume(n)
                if n < count {
                    watchWritable(true)
                    syncWritingCount()
                    return
                }
            case .wouldBlock:
                watchWritable(true)
                syncWritingCount()
                return
            case .failed(let code):
                teardown(
                    WebSocketCloseInfo(
                        code: .abnormalClosure, reason: "",
                        error: AzError(CurlRuntime.kind(of: code), "\(CurlRuntime.describe(code)) on \(label)"),
                        initiatedLocally: false))
                return
            }
        }
        watchWritable(false)
        // Everything queued is written.
        if let ending {
            teardown(ending)
            return
        }
        if !awaitingServerClose {
            lock()
            let closing = phase == .closing
            unlock()
            if closing, let token {
                awaitingServerClose = true
                loop.setDeadline(token: token, atMs: Monotonic.now() + UInt64(limits.closeTimeoutMs))
            }
        }
    }

    /// Plain TCP reads the socket itself (recv(2) beside a sender's send(2) is safe, and only this thread closes
    /// it), so a sender in the middle of a direct write never makes the loop wait; TLS, or any connection through a
    /// proxy, shares one curl handle (OpenSSL state) and takes `ioMutex`.
    /// A receive that returned data also says whether TLS may hold more than epoll can announce (see
    /// `CurlSocket.tlsMayHoldBytes`), asked under the same lock.
    @inline(__always)
    private func ioReceive(_ buffer: UnsafeMutableRawBufferPointer) -> (CurlSocket.IOResult, mayHoldMore: Bool) {
        if socket.bypassesCurl { return (socket.receive(into: buffer), false) }
        pthread_mutex_lock(ioMutex)
        defer { pthread_mutex_unlock(ioMutex) }
        let result = socket.receive(into: buffer)
        guard case .done(let n) = result, n > 0 else { return (result, false) }
        return (result, socket.tlsMayHoldBytes())
    }

    @inline(__always)
    private func ioSend(_ bytes: UnsafeRawBufferPointer) -> CurlSocket.IOResult {
        pthread_mutex_lock(ioMutex)
        defer { pthread_mutex_unlock(ioMutex) }
        return socket.send(bytes)
    }

    private func syncWritingCount() {
        lock()
        writingCount = writing.readableCount
        unlock()
    }

    private func watchWritable(_ on: Bool) {
        guard on != watchingWritable else { return }
        watchingWritable = on
        updateInterest()
    }

    private func updateInterest() {
        guard let token else { return }
        let events = (readPaused ? 0 : EPOLLIN.rawValue) | (watchingWritable ? EPOLLOUT.rawValue : 0)
        loop.modify(token: token, fd: socket.fd, events: events)
    }

    /// Closes the socket and reports the end once.
    private func teardown(_ info: WebSocketCloseInfo, deliver: Bool = true) {
        guard !finished else { return }
        finished = true
        lock()
        phase = .closed
        directWrites = false
        pending.clear()
        writingCount = 0
        unlock()
        writing.clear()
        if let token { loop.deregister(token: token, fd: socket.fd) }
        socket.close()
        if let error = info.error {
            logger.log(.info, "websocket: \(label) ended: \(error.message)")
        } else {
            logger.log(.debug, "websocket: \(label) closed with \(info.code)")
        }
        let delegate = self.delegate
        self.delegate = nil
        if deliver { delegate?.webSocket(self, didClose: info) }
    }
}
