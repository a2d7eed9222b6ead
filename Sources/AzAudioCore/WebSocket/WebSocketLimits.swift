/// Sizes and times that bound what one WebSocket connection may cost.
public struct WebSocketLimits: Sendable, Equatable {
    /// The largest single frame accepted from the server.
    public var maxFrameSize: Int = 16 * 1024 * 1024
    /// The largest message (all fragments together) accepted from the server.
    public var maxMessageSize: Int = 16 * 1024 * 1024
    /// The most encoded bytes waiting to be written per connection; sending beyond it fails with `.busy`.
    /// A single message larger than this is accepted when nothing else is queued.
    public var maxQueuedBytes: Int = 1024 * 1024
    /// How much one read asks for.
    public var readChunkSize: Int = 64 * 1024
    /// The largest handshake response head (status line and headers).
    public var maxHandshakeHeadBytes: Int = 16 * 1024
    /// How long a close handshake we started may wait for the server's close frame before the socket is dropped.
    public var closeTimeoutMs: UInt32 = 3000

    public init() {}
}
