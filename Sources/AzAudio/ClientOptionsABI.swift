import AzAudioCore
import CAzAudio
import Glibc

/// Turns the C client options into the engine's validated configuration.
enum ClientOptionsABI: SizedStructABI {
    static let typeName = "azaudio_client_options"
    /// 0.1.0 declared the fields up to log_level; fields appended later are read only when struct_size covers them.
    static let firstReleaseSize = end(of: \azaudio_client_options.log_level)

    static var defaults: azaudio_client_options {
        var o = azaudio_client_options()
        o.struct_size = UInt32(MemoryLayout<azaudio_client_options>.size)
        o.connect_timeout_ms = 10_000
        o.timeout_ms = 0
        o.max_retries = 2
        o.max_retry_wait_ms = 60_000
        o.log_level = AZAUDIO_LOG_WARN
        o.idle_timeout_ms = 600_000
        o.min_body_bytes_per_s = 64
        o.body_rate_window_ms = 60_000
        return o
    }

    static func configuration(_ o: azaudio_client_options) throws(AzError) -> ClientConfiguration {
        guard let endpoint = String(optionalCString: o.endpoint) else {
            throw .invalidArgument("options->endpoint is NULL: set it to https://NAME.openai.azure.com")
        }
        let credential = try credential(o)
        guard o.max_retries >= 0, o.max_retries <= 100 else {
            throw .invalidArgument("options->max_retries is \(o.max_retries); it must be from 0 to 100")
        }
        guard (AZAUDIO_LOG_ERROR...AZAUDIO_LOG_DEBUG).contains(o.log_level) || o.log_level == 0 else {
            throw .invalidArgument("options->log_level is \(o.log_level); use one of the AZAUDIO_LOG_* values")
        }
        var transport = TransportSettings()
        transport.connectTimeoutMs = o.connect_timeout_ms == 0 ? 10_000 : o.connect_timeout_ms
        transport.caFile = String(optionalCString: o.ca_file)
        transport.caPath = String(optionalCString: o.ca_path)
        transport.verifyTLS = o.insecure_skip_tls_verify == 0
        transport.idleTimeoutMs = o.idle_timeout_ms
        transport.minBodyBytesPerSecond = o.min_body_bytes_per_s
        transport.bodyRateWindowMs = o.body_rate_window_ms
        transport.proxy = String(optionalCString: o.proxy)
        transport.proxyCAFile = String(optionalCString: o.proxy_ca_file)
        if let suffix = String(optionalCString: o.user_agent_suffix), !suffix.isEmpty {
            guard !suffix.isUnsafeHeaderValue else {
                throw .invalidArgument("options->user_agent_suffix contains a line break")
            }
            transport.userAgent += " " + suffix
        }
        let retry = RetryPolicy(maxRetries: Int(o.max_retries), maxServerWait: Double(o.max_retry_wait_ms) / 1000)
        return try ClientConfiguration(
            endpoint: endpoint, apiVersion: String(optionalCString: o.api_version), credential: credential,
            transport: transport, retry: retry, timeoutMs: o.timeout_ms, logger: logger(o))
    }

    private static func credential(_ o: azaudio_client_options) throws(AzError) -> Credential {
        let given = [o.api_key != nil, o.bearer_token != nil, o.token_provider != nil].filter { $0 }.count
        guard given == 1 else {
            throw .invalidArgument(
                given == 0
                    ? "no credential: set exactly one of options->api_key, bearer_token or token_provider"
                    : "conflicting credentials: set only one of options->api_key, bearer_token or token_provider")
        }
        if let key = o.api_key { return .apiKey(String(cString: key)) }
        if let token = o.bearer_token {
            let n = strlen(token)
            guard n <= TokenProviderBridge.maxTokenBytes else {
                throw .invalidArgument(
                    "options->bearer_token is \(n) bytes; the longest token that can be sent is "
                        + "\(TokenProviderBridge.maxTokenBytes) bytes")
            }
            return .bearerToken(String(cString: token))
        }
        return .tokenProvider(TokenProviderBridge(fn: o.token_provider!, userData: o.token_provider_user_data).call)
    }

    private static func logger(_ o: azaudio_client_options) -> Logger {
        guard let fn = o.log_callback else { return .disabled }
        let bridge = LogBridge(fn: fn, userData: o.log_user_data)
        let level = Logger.Level(rawValue: o.log_level) ?? .warn
        return Logger(level: level) { level, message in bridge.emit(level.rawValue, message) }
    }
}

/// Calls a C token provider, growing the buffer when the token does not fit.
struct TokenProviderBridge: @unchecked Sendable {
    /// The longest token (bytes) the library sends: libcurl refuses a request whose headers pass 1 MiB ("out of
    /// memory"), so a token must leave room under that for the URL and the other headers.
    static let maxTokenBytes = (1 << 19) - 1
    let fn: azaudio_token_fn
    let userData: UnsafeMutableRawPointer?

    func call(refresh: Bool) throws(AzError) -> String {
        var capacity = 8192
        for _ in 0..<3 {
            var buffer = [CChar](repeating: 0, count: capacity)
            let reason = refresh ? AZAUDIO_TOKEN_REFRESH : AZAUDIO_TOKEN_NEEDED
            let n = buffer.withUnsafeMutableBufferPointer { fn(reason, $0.baseAddress, capacity, userData) }
            if n < 0 { throw AzError(.auth, "the token provider failed (returned \(n))") }
            if n < capacity {
                return String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            guard n <= Self.maxTokenBytes else {
                throw AzError(
                    .auth,
                    "the token provider's token is \(n) bytes; the longest token that can be sent is "
                        + "\(Self.maxTokenBytes) bytes")
            }
            capacity = Int(n) + 1
        }
        throw AzError(.auth, "the token provider kept asking for a larger buffer")
    }
}

/// Calls a C log callback.
struct LogBridge: @unchecked Sendable {
    let fn: azaudio_log_fn
    let userData: UnsafeMutableRawPointer?

    func emit(_ level: Int32, _ message: String) {
        message.withCString { fn(level, $0, userData) }
    }
}
