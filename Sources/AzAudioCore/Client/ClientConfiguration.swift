/// Everything a client needs, validated: built from the C options by the ABI layer, or directly by Swift tests.
public struct ClientConfiguration: Sendable {
    public var endpoint: ServiceEndpoint
    public var family: APIFamily
    public var credential: Credential
    public var transport: TransportSettings
    public var retry: RetryPolicy
    /// Milliseconds for a whole call including retries; 0 means no limit.
    public var timeoutMs: UInt32
    public var logger: Logger

    public init(
        endpoint: String, apiVersion: String? = nil, credential: Credential,
        transport: TransportSettings = TransportSettings(), retry: RetryPolicy = RetryPolicy(), timeoutMs: UInt32 = 0,
        logger: Logger = .disabled
    ) throws(AzError) {
        let parsed = try ServiceEndpoint.parse(endpoint)
        self.endpoint = parsed
        self.family = try APIFamily.select(apiVersion: apiVersion, endpoint: parsed)
        self.credential = credential
        self.transport = transport
        self.retry = retry
        self.timeoutMs = timeoutMs
        self.logger = logger
        if case .apiKey(let key) = credential, key.isEmpty || key.isUnsafeHeaderValue {
            throw .invalidArgument("api_key is empty or contains a line break or control character")
        }
        if case .bearerToken(let token) = credential,
            token.isEmpty || token.isUnsafeHeaderValue
        {
            throw .invalidArgument("bearer_token is empty or contains a line break or control character")
        }
    }
}

/// Connection settings shared by REST and realtime.
public struct TransportSettings: Sendable, Equatable {
    public var connectTimeoutMs: UInt32 = 10_000
    public var caFile: String? = nil
    public var caPath: String? = nil
    public var verifyTLS: Bool = true
    /// nil: libcurl's defaults (environment); "": no proxy.
    public var proxy: String? = nil
    /// The CA bundle that verifies an HTTPS proxy's certificate; nil: the system's.
    public var proxyCAFile: String? = nil
    public var userAgent: String = "libazaudio/\(LibraryVersion.string)"
    /// The stall rules of every REST attempt (see `StallWatch`).
    public var idleTimeoutMs: UInt32 = 600_000
    public var minBodyBytesPerSecond: UInt32 = 64
    public var bodyRateWindowMs: UInt32 = 60_000

    public init() {}
}

/// The library's version, in one place.
public enum LibraryVersion {
    public static let major = 0
    public static let minor = 1
    public static let patch = 0
    public static let string = "\(major).\(minor).\(patch)"
    public static let number = UInt32(major * 1_000_000 + minor * 1000 + patch)
}
