/// The head of the server's answer to the Upgrade request: status line and headers.
public struct WebSocketHandshakeResponse: Sendable, Equatable {
    /// The HTTP status (101 on success).
    public var status: Int
    /// The reason phrase of the status line.
    public var reason: String
    public var headers: HTTPHeaders
    /// Bytes of the head, including the blank line; what follows belongs to the body or to the WebSocket stream.
    public var headLength: Int

    /// What `parse` found in the bytes received so far.
    public enum ParseResult: Sendable, Equatable {
        /// The blank line that ends the head has not arrived yet.
        case incomplete
        case complete(WebSocketHandshakeResponse)
        /// Not an HTTP/1.1 response head, or larger than the limit.
        case invalid(String)
    }

    /// Parses the head at the start of `bytes`, allowing at most `maxHeadBytes` before the blank line.
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxHeadBytes: Int) -> ParseResult {
        // Find CRLF CRLF.
        var end = -1
        if bytes.count >= 4 {
            var i = 0
            while i + 3 < bytes.count {
                if bytes[i] == 0x0D && bytes[i + 1] == 0x0A && bytes[i + 2] == 0x0D && bytes[i + 3] == 0x0A {
                    end = i
                    break
                }
                i += 1
            }
        }
        guard end >= 0 else {
            return bytes.count > maxHeadBytes
                ? .invalid("the handshake response head exceeds \(maxHeadBytes) bytes") : .incomplete
        }
        guard end + 4 <= maxHeadBytes else {
            return .invalid("the handshake response head exceeds \(maxHeadBytes) bytes")
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard !lines.isEmpty else { return .invalid("empty handshake response") }
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]) else {
            return .invalid("the server did not answer with an HTTP/1.1 status line: '\(statusLine.prefix(80))'")
        }
        var headers = HTTPHeaders()
        for line in lines {
            guard line.contains(":") else { return .invalid("malformed header line in the handshake response") }
            headers.addRawLine(String(line))
        }
        return .complete(
            WebSocketHandshakeResponse(
                status: status, reason: parts.count > 2 ? String(parts[2]) : "", headers: headers, headLength: end + 4))
    }
}
