/// How requests authenticate.
public enum Credential: Sendable {
    /// Sent as the `api-key` header.
    case apiKey(String)
    /// A fixed Microsoft Entra ID token, sent as `Authorization: Bearer`.
    case bearerToken(String)
    /// Asked for a token before each request; `refresh` is true after the service rejected the last one.
    case tokenProvider(@Sendable (_ refresh: Bool) throws(AzError) -> String)

    /// True when a 401 is worth one more attempt with a fresh token.
    public var canRefresh: Bool {
        if case .tokenProvider = self { return true }
        return false
    }

    /// The authentication header for the next request.
    public func header(refresh: Bool) throws(AzError) -> (name: String, value: String) {
        switch self {
        case .apiKey(let key): return ("api-key", key)
        case .bearerToken(let token): return ("Authorization", "Bearer \(token)")
        case .tokenProvider(let provider):
            let token = try provider(refresh)
            guard !token.isEmpty, !token.isUnsafeHeaderValue else {
                throw AzError(.auth, "the token provider returned an empty or malformed token")
            }
            return ("Authorization", "Bearer \(token)")
        }
    }
}
