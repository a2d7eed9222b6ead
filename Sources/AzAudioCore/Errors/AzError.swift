/// What kind of failure an `AzError` is. The C layer maps each kind to one `AZAUDIO_ERR_*` code.
public enum ErrorKind: Sendable, Equatable, CaseIterable {
    case invalidArgument
    case outOfMemory
    case network
    case tls
    case timeout
    case cancelled
    case http
    case auth
    case rateLimited
    case notFound
    case payloadTooLarge
    case unsupported
    case protocolViolation
    case closed
    case busy
    case badRequest
    case server
    case contentFilter
    case io
    case invalidState
    case `internal`
}

/// A failure, with everything a caller may need to act on it or report it.
///
/// `message` is complete and human readable; it never contains a credential.
public struct AzError: Error, Sendable, Equatable, CustomStringConvertible {
    public var kind: ErrorKind
    public var message: String
    /// The service's HTTP status, or 0 when no response was received.
    public var httpStatus: Int
    /// The service's error code (e.g. `DeploymentNotFound`), or "".
    public var serviceCode: String
    /// `apim-request-id` (or `x-request-id`) of the failed response, or "".
    public var requestID: String
    /// The error body as received (capped), or "".
    public var rawBody: String
    /// The wait the service asked for in seconds, or 0.
    public var retryAfterSeconds: Double

    public init(
        _ kind: ErrorKind, _ message: String, httpStatus: Int = 0, serviceCode: String = "", requestID: String = "",
        rawBody: String = "", retryAfterSeconds: Double = 0
    ) {
        self.kind = kind
        self.message = message
        self.httpStatus = httpStatus
        self.serviceCode = serviceCode
        self.requestID = requestID
        self.rawBody = rawBody
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { message }

    public static func invalidArgument(_ message: String) -> AzError { AzError(.invalidArgument, message) }
}
