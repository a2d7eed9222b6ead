/// Which of Azure OpenAI's two REST URL families a client speaks.
///
/// - `deployments`: `{root}/openai/deployments/{deployment}/{operation}?api-version=V`; the model is the path's
///   deployment.
/// - `v1`: `{root}/openai/v1/{operation}[?api-version=preview]`; the deployment name goes in the body as `model`.
public enum APIFamily: Sendable, Equatable {
    case deployments(apiVersion: String)
    case v1(apiVersion: String?)

    /// The dated version libazaudio uses by default: the newest covering transcription, translation, speech and
    /// audio chat.
    public static let defaultAPIVersion = "2025-04-01-preview"

    /// Chooses the family from the caller's `api_version` option and what the pasted endpoint said.
    public static func select(apiVersion option: String?, endpoint: ServiceEndpoint) throws(AzError) -> APIFamily {
        guard let option, !option.isEmpty else {
            if endpoint.pastedV1 { return .v1(apiVersion: endpoint.pastedAPIVersion == "preview" ? "preview" : nil) }
            if let pasted = endpoint.pastedAPIVersion, isDated(pasted) { return .deployments(apiVersion: pasted) }
            return .deployments(apiVersion: defaultAPIVersion)
        }
        switch option.lowercased() {
        case "v1", "latest": return .v1(apiVersion: nil)
        case "preview": return .v1(apiVersion: "preview")
        default:
            guard isDated(option) else {
                throw .invalidArgument(
                    "api_version '\(option.prefix(100))' is not valid: use a dated version such as "
                        + "'\(defaultAPIVersion)' or '2024-10-21', or 'v1' or 'preview'")
            }
            if endpoint.pastedV1 {
                throw .invalidArgument(
                    "the endpoint names the v1 API (/openai/v1) but api_version '\(option)' is a dated version: "
                        + "use api_version 'v1' or 'preview', or give the resource root as the endpoint")
            }
            return .deployments(apiVersion: option)
        }
    }

    /// `YYYY-MM-DD` or `YYYY-MM-DD-preview`.
    public static func isDated(_ version: String) -> Bool {
        let bytes = Array(version.utf8)
        let digitsAt = [0, 1, 2, 3, 5, 6, 8, 9]
        guard bytes.count == 10 || (bytes.count == 18 && version.hasSuffix("-preview")) else { return false }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        return digitsAt.allSatisfy { bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }
    }

    /// True when requests carry the deployment as `model` in the body.
    public var sendsModelInBody: Bool {
        if case .v1 = self { return true }
        return false
    }

    /// The URL of a REST operation (e.g. "audio/transcriptions", "chat/completions") on a deployment.
    public func url(endpoint: ServiceEndpoint, deployment: String, operation: String) -> ServiceURL {
        switch self {
        case .deployments(let version):
            return endpoint.url(
                path: "/openai/deployments/\(Self.percentEncodePathSegment(deployment))/\(operation)",
                query: "api-version=\(version)")
        case .v1(let version):
            return endpoint.url(path: "/openai/v1/\(operation)", query: version.map { "api-version=\($0)" })
        }
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters.
    public static func percentEncodePathSegment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out.append("%")
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0xF)]))
            }
        }
        return out
    }
}
