/// Turns an Azure OpenAI error response into an `AzError`.
///
/// Parsing is lenient: the wire differs from the spec (`innererror` vs `inner_error`, a numeric or string `code`,
/// API Management's `{"statusCode", "message"}` shape, plain text from proxies), so every shape is read and the raw
/// body is always kept.
public enum ServiceErrorParser {
    /// The most of an error body kept for the caller.
    public static let maxRawBody = 64 * 1024

    public static func error(status: Int, headers: HTTPHeaders, body: [UInt8]) -> AzError {
        if (300..<400).contains(status) { return redirect(status: status, headers: headers) }
        let raw = String(decoding: body.prefix(maxRawBody), as: UTF8.self)
        var code = ""
        var message = ""
        var innerCode = ""
        if let json = try? JSONParser.parse(body) {
            let error = json["error"] ?? json
            code = error["code"]?.stringOrNumberText ?? error["type"]?.stringValue ?? ""
            message = error["message"]?.stringValue ?? json["message"]?.stringValue ?? ""
            let inner = error["innererror"] ?? error["inner_error"]
            innerCode = inner?["code"]?.stringOrNumberText ?? ""
        } else {
            message = raw.trimmingASCIIWhitespace()
            if message.count > 300 { message = String(message.prefix(300)) + "..." }
        }
        let kind = kind(status: status, code: code, innerCode: innerCode)
        let requestID = headers.requestID
        var text = "HTTP \(status)"
        if !code.isEmpty { text += " \(code)" }
        text += ": " + (message.isEmpty ? reason(status) : message)
        if !requestID.isEmpty { text += " (apim-request-id: \(requestID))" }
        return AzError(
            kind, text, httpStatus: status, serviceCode: code, requestID: requestID, rawBody: raw,
            retryAfterSeconds: RetryPolicy.serverRequestedWait(headers) ?? 0)
    }

    static func kind(status: Int, code: String, innerCode: String) -> ErrorKind {
        if code == "content_filter" || innerCode == "ResponsibleAIPolicyViolation" { return .contentFilter }
        switch status {
        case 400: return .badRequest
        case 401, 403: return .auth
        case 404: return .notFound
        case 408: return .timeout
        case 413: return .payloadTooLarge
        case 415: return .unsupported
        case 429: return .rateLimited
        case 500...599: return .server
        default: return .http
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 400: return "bad request"
        case 401: return "unauthorized (check the API key or token)"
        case 403: return "forbidden"
        case 404: return "not found (check the endpoint and deployment name)"
        case 413: return "request body too large"
        case 429: return "too many requests"
        case 500: return "internal server error"
        case 502: return "bad gateway"
        case 503: return "service unavailable"
        case 504: return "gateway timeout"
        default: return "request failed"
        }
    }

    /// A 3xx: never followed (the key or token would go to whatever host the Location names), reported with that
    /// host so the caller can see where it pointed (a captive portal, a proxy's login page, a wrong endpoint).
    static func redirect(status: Int, headers: HTTPHeaders) -> AzError {
        let location = headers["location"] ?? ""
        let host = locationHost(location)
        var text =
            "HTTP \(status): the server redirected the call to "
            + (!host.isEmpty
                ? "host '\(host)'"
                : location.isEmpty ? "nowhere (no Location header)" : "another path on the endpoint's host")
            + "; redirects are never followed, so the credential was not sent there. Check the endpoint (a captive "
            + "portal or proxy login page answers like this)"
        let requestID = headers.requestID
        if !requestID.isEmpty { text += " (apim-request-id: \(requestID))" }
        return AzError(.http, text, httpStatus: status, requestID: requestID)
    }

    /// The host (and port) of a Location header value; "" for a relative one. Never the path or query.
    static func locationHost(_ location: String) -> String {
        guard let scheme = location.firstRange(of: "://") else { return "" }
        let rest = location[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        return String(host.prefix(200))
    }
}
