/// How a WebSocket connection ended.
public struct WebSocketCloseInfo: Sendable, Equatable {
    /// The server's close code; 1005 when its close frame had none; 1006 when the connection ended without a close
    /// handshake; the code we sent when we failed the connection or gave up waiting.
    public var code: WebSocketCloseCode
    /// The close reason (UTF-8), or "".
    public var reason: String
    /// nil for a completed close handshake; otherwise why the connection failed (`.protocolViolation`,
    /// `.network`, `.tls`, `.timeout`, `.closed` for a loop shutdown).
    public var error: AzError?
    /// True when our side started the close (`close()`, a protocol error we detected, a shutdown).
    public var initiatedLocally: Bool

    public init(code: WebSocketCloseCode, reason: String, error: AzError?, initiatedLocally: Bool) {
        self.code = code
        self.reason = reason
        self.error = error
        self.initiatedLocally = initiatedLocally
    }
}

/// Receives a connection's messages and its end. Every method runs on the connection's event loop thread, one at
/// a time, and must not block. Pointers are valid only during the call.
///
/// A method may call anything on the connection, including `send` and `close`, and `EventLoop.shutdown` (which
/// then only flags the stop). `didClose` is called exactly once per started connection, last, unless the loop was
/// shut down from its own thread; after it the connection drops its reference to the delegate.
public protocol WebSocketConnectionDelegate: AnyObject {
    /// A complete text message, already validated as UTF-8.
    func webSocket(_ connection: WebSocketConnection, didReceiveText text: UnsafeRawBufferPointer)
    /// A complete binary message. The default ignores it.
    func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: UnsafeRawBufferPointer)
    /// The connection ended; nothing more will be delivered.
    func webSocket(_ connection: WebSocketConnection, didClose info: WebSocketCloseInfo)
}

extension WebSocketConnectionDelegate {
    public func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: UnsafeRawBufferPointer) {}
}
