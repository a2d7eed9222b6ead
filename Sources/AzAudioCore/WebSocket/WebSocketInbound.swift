/// One thing the frame decoder found in the server's bytes: a complete message or a control frame.
///
/// Payload pointers are valid only during the delivery call; copy what must outlive it.
public enum WebSocketInbound {
    /// A complete text message, already validated as UTF-8.
    case text(UnsafeRawBufferPointer)
    /// A complete binary message.
    case binary(UnsafeRawBufferPointer)
    /// A ping; the connection answers it with a pong carrying the same payload.
    case ping(UnsafeRawBufferPointer)
    /// A pong.
    case pong(UnsafeRawBufferPointer)
    /// The server's close frame: its code (nil when the frame had none, reported as 1005) and its UTF-8 reason.
    case close(code: WebSocketCloseCode?, reason: UnsafeRawBufferPointer)
}
