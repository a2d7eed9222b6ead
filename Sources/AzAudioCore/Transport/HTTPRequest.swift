/// One HTTP request as the transport sends it.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: ServiceURL
    /// Extra headers (authentication is added per attempt by the client).
    public var headers: [(String, String)]
    public var body: RequestBody

    public init(method: String, url: ServiceURL, headers: [(String, String)] = [], body: RequestBody = .none) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A request body: nothing, bytes in memory, or a stream read as the upload proceeds.
public enum RequestBody: Sendable {
    case none
    case bytes([UInt8])
    case stream(any BodyStream)

    /// The body's length, if known before sending.
    public var length: Int64? {
        switch self {
        case .none: return 0
        case .bytes(let b): return Int64(b.count)
        case .stream(let s): return s.length
        }
    }
}

/// A body produced while it is uploaded (a file read from disk, a multipart form, a caller's callback).
public protocol BodyStream: AnyObject, Sendable {
    /// Total length in bytes, or nil to send with chunked transfer encoding.
    var length: Int64? { get }
    /// Copies the next bytes into `buffer`; returns how many (0 at the end).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(AzError) -> Int
    /// Starts over from the first byte for a retry; returns false if the stream cannot (then no retry happens).
    func rewind() -> Bool
}

/// The status line and headers of a response.
public struct HTTPResponseHead: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaders

    public init(status: Int, headers: HTTPHeaders) {
        self.status = status
        self.headers = headers
    }
}

/// Receives a successful response as it arrives. Either closure may throw to abort the transfer.
public struct ResponseHandler {
    public var onHead: (HTTPResponseHead) throws(AzError) -> Void
    public var onBody: (UnsafeRawBufferPointer) throws(AzError) -> Void

    public init(
        onHead: @escaping (HTTPResponseHead) throws(AzError) -> Void = { _ throws(AzError) in },
        onBody: @escaping (UnsafeRawBufferPointer) throws(AzError) -> Void
    ) {
        self.onHead = onHead
        self.onBody = onBody
    }
}
