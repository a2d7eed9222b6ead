import AzAudioCore
import CAzAudio

/// The one place engine error kinds become C result codes.
extension ErrorKind {
    var resultCode: azaudio_result {
        switch self {
        case .invalidArgument: return AZAUDIO_ERR_INVALID_ARGUMENT
        case .outOfMemory: return AZAUDIO_ERR_OUT_OF_MEMORY
        case .network: return AZAUDIO_ERR_NETWORK
        case .tls: return AZAUDIO_ERR_TLS
        case .timeout: return AZAUDIO_ERR_TIMEOUT
        case .cancelled: return AZAUDIO_ERR_CANCELLED
        case .http: return AZAUDIO_ERR_HTTP
        case .auth: return AZAUDIO_ERR_AUTH
        case .rateLimited: return AZAUDIO_ERR_RATE_LIMITED
        case .notFound: return AZAUDIO_ERR_NOT_FOUND
        case .payloadTooLarge: return AZAUDIO_ERR_PAYLOAD_TOO_LARGE
        case .unsupported: return AZAUDIO_ERR_UNSUPPORTED
        case .protocolViolation: return AZAUDIO_ERR_PROTOCOL
        case .closed: return AZAUDIO_ERR_CLOSED
        case .busy: return AZAUDIO_ERR_BUSY
        case .badRequest: return AZAUDIO_ERR_BAD_REQUEST
        case .server: return AZAUDIO_ERR_SERVER
        case .contentFilter: return AZAUDIO_ERR_CONTENT_FILTER
        case .io: return AZAUDIO_ERR_IO
        case .invalidState: return AZAUDIO_ERR_INVALID_STATE
        case .internal: return AZAUDIO_ERR_INTERNAL
        }
    }
}

/// Static text for each result code.
enum ResultText {
    nonisolated(unsafe) static let table: [UnsafePointer<CChar>] = [
        "ok", "invalid argument", "out of memory", "network error", "TLS error", "timed out", "cancelled",
        "HTTP error", "authentication failed", "rate limited", "not found", "payload too large", "unsupported",
        "protocol error", "closed", "busy", "bad request", "server error", "blocked by the content filter",
        "I/O error", "invalid state", "internal error",
    ].map(StaticCString.make)
    nonisolated(unsafe) static let unknown = StaticCString.make("unknown result code")

    static func text(_ code: azaudio_result) -> UnsafePointer<CChar> {
        guard code >= 0, Int(code) < table.count else { return unknown }
        return table[Int(code)]
    }
}

@c @implementation
public func azaudio_result_string(_ result: azaudio_result) -> UnsafePointer<CChar>! {
    ResultText.text(result)
}
