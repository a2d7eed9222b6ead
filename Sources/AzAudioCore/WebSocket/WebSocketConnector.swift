import CCurl
import Glibc

/// Opens WebSocket connections: curl connects (TCP, TLS, proxy), then the opening handshake runs on the calling
/// thread, which blocks until the server accepted the upgrade, refused it, or the time ran out.
public enum WebSocketConnector {
    /// A socket that completed the handshake, with any WebSocket bytes that arrived right after the 101 head.
    public struct Upgraded {
        public let socket: CurlSocket
        public let response: WebSocketHandshakeResponse
        /// Frame bytes the server sent in the same packet as the handshake answer.
        public let leftover: [UInt8]
    }

    /// Connects to `url` and upgrades it. The whole setup (connect, TLS, handshake) is bounded by
    /// `settings.connectTimeoutMs`.
    ///
    /// A refused upgrade (any status but 101) throws the service's error as `ServiceErrorParser` reads it: HTTP
    /// status, service error code, request id and the body (read by Content-Length, at most
    /// `ServiceErrorParser.maxRawBody`). Network and TLS failures throw `.network` / `.tls`, an expired time
    /// `.timeout`, a bad 101 answer `.protocolViolation`.
    public static func connect(
        url: ServiceURL, headers: [(name: String, value: String)], settings: TransportSettings,
        limits: WebSocketLimits = WebSocketLimits(), logger: Logger = .disabled
    ) throws(AzError) -> Upgraded {
        let deadline = Monotonic.now() + UInt64(max(settings.connectTimeoutMs, 1))
        let handshake = try WebSocketHandshake(url: url, headers: headers, userAgent: settings.userAgent)
        let socket = try CurlSocket(url: url, settings: settings, timeoutMs: settings.connectTimeoutMs)
        logger.log(.debug, "websocket: connected to \(url.redacted), sending the upgrade request")
        try sendAll(handshake.requestBytes, on: socket, deadline: deadline, url: url)

        // Read the head.
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var response: WebSocketHandshakeResponse
        while true {
            try receiveSome(
                into: &chunk, appendingTo: &received, on: socket, deadline: deadline, url: url,
                what: "the handshake response")
            let parsed = received.withUnsafeBytes {
                WebSocketHandshakeResponse.parse($0, maxHeadBytes: limits.maxHandshakeHeadBytes)
            }
            switch parsed {
            case .incomplete: continue
            case .invalid(let why):
                socket.close()
                throw AzError(.protocolViolation, "\(why) (\(url.redacted))")
            case .complete(let head): response = head
            }
            break
        }
        let rest = Array(received[response.headLength...])
        if response.status == 101 {
            do throws(AzError) { try handshake.verify(response) } catch {
                socket.close()
                throw error
            }
            logger.log(.debug, "websocket: upgraded \(url.redacted)")
            return Upgraded(socket: socket, response: response, leftover: rest)
        }

        // Refused: read the body (bounded) so the caller sees the service's error.
        var body = rest
        let limit = ServiceErrorParser.maxRawBody
        let declared = response.headers["content-length"].flatMap { Int($0) }
        let wanted = min(declared ?? limit, limit)
        while body.count < wanted {
            do throws(AzError) {
                try receiveSome(
                    into: &chunk, appendingTo: &body, on: socket, deadline: deadline, url: url, what: "the error body")
            } catch {
                break  // Keep what arrived: the status alone is worth reporting.
            }
        }
        socket.close()
        if body.count > limit { body.removeLast(body.count - limit) }
        var error = ServiceErrorParser.error(status: response.status, headers: response.headers, body: body)
        error.message += " (WebSocket upgrade of \(url.redacted))"
        if let hint = WebSocketRedirectHint.describe(
            status: response.status, location: response.headers["location"], requestPath: url.redacted)
        {
            error.message = hint + " (" + error.message + ")"
        }
        throw error
    }

    private static func sendAll(
        _ bytes: [UInt8], on socket: CurlSocket, deadline: UInt64, url: ServiceURL
    ) throws(AzError) {
        var offset = 0
        while offset < bytes.count {
            let result = bytes.withUnsafeBytes { socket.send(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            switch result {
            case .done(let n): offset += n
            case .wouldBlock:
                guard let left = remaining(deadline), socket.wait(for: Int16(POLLOUT), timeoutMs: left) else {
                    socket.close()
                    throw AzError(.timeout, "timed out sending the WebSocket upgrade request (\(url.redacted))")
                }
            case .failed(let code):
                socket.close()
                throw AzError(
                    CurlRuntime.kind(of: code),
                    "\(CurlRuntime.describe(code)) while sending the WebSocket upgrade request (\(url.redacted))")
            }
        }
    }

    /// Appends at least one byte to `out`, waiting up to the deadline. Throws on EOF, error or timeout.
    private static func receiveSome(
        into chunk: inout [UInt8], appendingTo out: inout [UInt8], on socket: CurlSocket, deadline: UInt64,
        url: ServiceURL, what: String
    ) throws(AzError) {
        while true {
            let result = chunk.withUnsafeMutableBytes { socket.receive(into: $0) }
            switch result {
            case .done(0):
                socket.close()
                throw AzError(
                    .network, "the server closed the connection before \(what) was complete (\(url.redacted))")
            case .done(let n):
                out.append(contentsOf: chunk[0..<n])
                return
            case .wouldBlock:
                guard let left = remaining(deadline), socket.wait(for: Int16(POLLIN), timeoutMs: left) else {
                    socket.close()
                    throw AzError(.timeout, "timed out waiting for \(what) (\(url.redacted))")
                }
            case .failed(let code):
                socket.close()
                throw AzError(
                    CurlRuntime.kind(of: code), "\(CurlRuntime.describe(code)) while reading \(what) (\(url.redacted))")
            }
        }
    }

    private static func remaining(_ deadline: UInt64) -> Int32? {
        let now = Monotonic.now()
        return now >= deadline ? nil : Int32(min(deadline - now, UInt64(Int32.max)))
    }
}
