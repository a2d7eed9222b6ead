/// Explains a redirect answered to a WebSocket upgrade (the connector does not follow redirects: a WebSocket
/// upgrade cannot be replayed safely with credentials to another place).
///
/// Azure was seen (2026-06) redirecting a realtime transcription URL (`/openai/v1/realtime?intent=transcription`)
/// to the same path without `/openai`, which then answers 404. When the `Location` drops `/openai` from the path
/// asked for, the message says so plainly instead of leaving the caller with a bare status or a 404.
public enum WebSocketRedirectHint {
    /// The text to add to the refusal's message, or nil when `status` is not a redirect.
    public static func describe(status: Int, location: String?, requestPath: String) -> String? {
        guard (300..<400).contains(status) else { return nil }
        guard let location, !location.isEmpty else {
            return "the service answered a redirect (HTTP \(status)) without a Location to the WebSocket upgrade"
        }
        let target = path(of: location)
        let shown = String(target.prefix(200))
        if requestPath.contains("/openai/") && !target.contains("/openai") {
            return "the service redirected the WebSocket upgrade (HTTP \(status)) to \(shown), which drops the "
                + "/openai prefix of \(path(of: requestPath)): this is the known Azure redirect that ends in a 404 "
                + "(seen for transcription sessions); it was not followed. Check that the resource and deployment "
                + "support this session kind, or try a conversation session with input transcription"
        }
        return "the service redirected the WebSocket upgrade (HTTP \(status)) to \(shown); it was not followed"
    }

    /// The path of a URL or of a path with a query (no query, no credentials).
    static func path(of url: String) -> String {
        var rest = Substring(url)
        let parts = rest.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        if parts.count >= 3, parts[0].hasSuffix(":"), parts[1].isEmpty {  // scheme://authority/path
            rest = parts.count == 4 ? "/" + parts[3] : "/"
        }
        if let q = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<q] }
        return String(rest)
    }
}
