/// A normalised Azure OpenAI endpoint.
///
/// Users paste endpoints in many forms: the resource root, the same with `/openai` or `/openai/v1`, with trailing
/// slashes, a whole request URL from the portal, a `wss://` realtime URL, a gateway URL with a path prefix, or a
/// local emulator's `http://127.0.0.1:PORT`. `parse` reduces every one of them to scheme, host and path prefix,
/// and remembers what the pasted URL said about the API family.
public struct ServiceEndpoint: Sendable, Equatable {
    /// `https` or `http`.
    public let scheme: String
    /// Host with an optional `:port` (IPv6 literals keep their brackets), lowercased.
    public let authority: String
    /// A gateway path prefix before `/openai`, without a trailing slash; usually "".
    public let pathPrefix: String
    /// The pasted URL named the v1 API (`/openai/v1`).
    public let pastedV1: Bool
    /// The `api-version` query parameter of the pasted URL, if any.
    public let pastedAPIVersion: String?

    /// `scheme://authority/prefix`, never ending in a slash.
    public var root: String { "\(scheme)://\(authority)\(pathPrefix)" }

    public static func parse(_ input: String) throws(AzError) -> ServiceEndpoint {
        let text = input.trimmingASCIIWhitespace()
        guard !text.isEmpty else { throw .invalidArgument("endpoint is empty") }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            throw .invalidArgument("endpoint '\(text.prefix(200))' contains spaces or control characters")
        }
        guard let schemeEnd = text.firstRange(of: "://") else {
            throw .invalidArgument(
                "endpoint '\(text.prefix(200))' is not a URL: expected https://NAME.openai.azure.com "
                    + "(or http://127.0.0.1:PORT for a local emulator)")
        }
        let scheme: String
        switch text[..<schemeEnd.lowerBound].lowercased() {
        case "https", "wss": scheme = "https"
        case "http", "ws": scheme = "http"
        case let other:
            throw .invalidArgument("endpoint scheme '\(other)' is not supported: use https:// (or http:// locally)")
        }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd =
            rest.firstIndex(where: { (c: Character) -> Bool in c == "/" || c == "?" || c == "#" }) ?? rest.endIndex
        let authority = String(rest[..<authorityEnd]).lowercased()
        try validateAuthority(authority, endpoint: text)

        var remainder = rest[authorityEnd...]
        if let hash = remainder.firstIndex(of: "#") { remainder = remainder[..<hash] }
        var query: Substring = ""
        if let q = remainder.firstIndex(of: "?") {
            query = remainder[remainder.index(after: q)...]
            remainder = remainder[..<q]
        }
        let segments = remainder.split(separator: "/", omittingEmptySubsequences: true)
        var prefixSegments: [Substring] = []
        var pastedV1 = false
        if let openai = segments.firstIndex(where: { $0.lowercased() == "openai" }) {
            prefixSegments = Array(segments[..<openai])
            let after = segments.index(after: openai)
            pastedV1 = after < segments.endIndex && segments[after].lowercased() == "v1"
        } else {
            prefixSegments = Array(segments)
        }
        let prefix = prefixSegments.isEmpty ? "" : "/" + prefixSegments.joined(separator: "/")
        var apiVersion: String? = nil
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2, parts[0] == "api-version", !parts[1].isEmpty { apiVersion = String(parts[1]) }
        }
        return ServiceEndpoint(
            scheme: scheme, authority: authority, pathPrefix: prefix, pastedV1: pastedV1,
            pastedAPIVersion: apiVersion)
    }

    private static func validateAuthority(_ authority: String, endpoint: String) throws(AzError) {
        guard !authority.isEmpty else { throw .invalidArgument("endpoint '\(endpoint.prefix(200))' has no host") }
        guard !authority.contains("@") else {
            throw .invalidArgument("endpoint must not contain user credentials: pass the key as api_key")
        }
        var host = Substring(authority)
        var port: Substring? = nil
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                throw .invalidArgument("endpoint host '\(authority)' has an unterminated IPv6 literal")
            }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                port = after.dropFirst()
            } else if !after.isEmpty {
                throw .invalidArgument("endpoint host '\(authority)' is malformed")
            }
            host = host[...close]
            let inner = host.dropFirst().dropLast()
            guard !inner.isEmpty, inner.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw .invalidArgument("endpoint host '\(authority)' is not a valid IPv6 address")
            }
        } else {
            if let colon = host.lastIndex(of: ":") {
                port = host[host.index(after: colon)...]
                host = host[..<colon]
            }
            guard !host.isEmpty,
                host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }),
                !host.hasPrefix("."), !host.hasPrefix("-"), !host.contains("..")
            else {
                throw .invalidArgument("endpoint host '\(authority)' is not a valid host name")
            }
        }
        if let port {
            guard let number = Int(port), (1...65535).contains(number), port.allSatisfy(\.isNumber) else {
                throw .invalidArgument("endpoint port '\(port)' is not a number from 1 to 65535")
            }
        }
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
