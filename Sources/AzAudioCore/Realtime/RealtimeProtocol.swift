/// Which realtime protocol a session speaks, and where.
///
/// - `ga`: the GA protocol at `/openai/v1/realtime?model=DEPLOYMENT` (no api-version: Azure answers 401 if one is
///   given), with nested `audio.input` / `audio.output` session settings and the GA event names
///   (`response.output_audio.delta` ...).
/// - `preview`: the preview protocol at `/openai/realtime?api-version=V&deployment=DEPLOYMENT`, flat session
///   settings and the preview event names (`response.audio.delta` ...). Azure deprecated it from 2026-04-30.
public enum RealtimeProtocol: Sendable, Equatable {
    case ga
    case preview(apiVersion: String)

    public static let defaultPreviewAPIVersion = "2025-04-01-preview"

    /// The WebSocket URL for a deployment on an endpoint.
    public func url(endpoint: ServiceEndpoint, deployment: String) -> ServiceURL {
        let name = APIFamily.percentEncodePathSegment(deployment)
        switch self {
        case .ga:
            return endpoint.url(path: "/openai/v1/realtime", query: "model=\(name)", webSocket: true)
        case .preview(let version):
            return endpoint.url(
                path: "/openai/realtime", query: "api-version=\(version)&deployment=\(name)", webSocket: true)
        }
    }

    public var isPreview: Bool {
        if case .preview = self { return true }
        return false
    }
}

/// The audio formats a realtime session sends or receives are the kit's `AudioFormat`s at the session's rate:
/// PCM16 at 24 kHz, G.711 mu-law and A-law at 8 kHz.
extension AudioFormat {
    /// The preview protocol's name.
    public var previewName: String {
        switch self {
        case .pcm16: return "pcm16"
        case .ulaw: return "g711_ulaw"
        case .alaw: return "g711_alaw"
        // Not session formats: RealtimeSessionConfig.validate refuses them before anything is sent.
        case .pcm8, .pcm24, .pcm32, .float32, .float64: return "pcm16"
        }
    }

    /// The GA protocol's format object.
    public var gaFormatJSON: String {
        switch self {
        case .pcm16: return #"{"type":"audio/pcm","rate":24000}"#
        case .ulaw: return #"{"type":"audio/pcmu"}"#
        case .alaw: return #"{"type":"audio/pcma"}"#
        // Not session formats: RealtimeSessionConfig.validate refuses them before anything is sent.
        case .pcm8, .pcm24, .pcm32, .float32, .float64: return #"{"type":"audio/pcm","rate":24000}"#
        }
    }

    /// Reads a format from either protocol's session JSON (a preview name, or a GA format object).
    public init?(wire: JSONValue?) {
        guard let wire else { return nil }
        let name = wire.stringValue ?? wire["type"]?.stringValue
        switch name {
        case "pcm16", "audio/pcm": self = .pcm16
        case "g711_ulaw", "audio/pcmu": self = .ulaw
        case "g711_alaw", "audio/pcma": self = .alaw
        default: return nil
        }
    }
}
