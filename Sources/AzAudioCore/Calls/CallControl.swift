/// Answering SIP calls the service received (Azure: `sip:proj_<id>@<region>.sip.ai.azure.com`): accept with a
/// session configuration, reject with a SIP status, refer (transfer) to another URI, or hang up. Always the GA
/// URLs `{root}/openai/v1/realtime/calls/{call_id}/{action}`, whatever the client's REST family.
public enum CallAction: String, Sendable {
    case accept, reject, refer, hangup
}

/// How to accept a call: the session the call is bridged to (RealtimeSessionCreateRequestGA).
public struct CallAcceptOptions: Sendable {
    /// The realtime deployment that answers (sent as `model`). Required unless `sessionJSON` is given.
    public var deployment: String? = nil
    public var instructions: String? = nil
    /// A voice name (alloy, ash, ballad, cedar, coral, echo, marin, sage, shimmer, verse) or a custom voice id.
    public var voice: String? = nil
    /// A whole session object to send instead (it must be a JSON object; `type` defaults to "realtime").
    public var sessionJSON: String? = nil

    public init() {}

    /// The request body.
    public func body() throws(AzError) -> [UInt8] {
        if let sessionJSON, !sessionJSON.isEmpty {
            guard deployment == nil && instructions == nil && voice == nil else {
                throw .invalidArgument("give either session_json or deployment/instructions/voice, not both")
            }
            guard case .object(var members)? = try? JSONParser.parse(sessionJSON) else {
                throw .invalidArgument("session_json is not a JSON object")
            }
            if members["type"] == nil { members["type"] = .string("realtime") }
            guard members["model"]?.stringValue?.isEmpty == false else {
                throw .invalidArgument("session_json has no \"model\": name the realtime deployment that answers")
            }
            return Array(JSONWriter.serialize(.object(members)).utf8)
        }
        guard let deployment, !deployment.isEmpty else {
            throw .invalidArgument("deployment is empty: name the realtime deployment that answers the call")
        }
        var members: [String: JSONValue] = ["type": .string("realtime"), "model": .string(deployment)]
        if let instructions, !instructions.isEmpty { members["instructions"] = .string(instructions) }
        if let voice, !voice.isEmpty {
            let isCustom = voice.hasPrefix("voice_")
            members["audio"] = .object([
                "output": .object([
                    "voice": isCustom ? .object(["id": .string(voice)]) : .string(voice)
                ])
            ])
        }
        return Array(JSONWriter.serialize(.object(members)).utf8)
    }
}

extension ServiceClient {
    /// The URL of a call action.
    public func callURL(callID: String, action: CallAction) -> ServiceURL {
        configuration.endpoint.url(
            path: "/openai/v1/realtime/calls/\(APIFamily.percentEncodePathSegment(callID))/\(action.rawValue)")
    }

    /// Sends one call action and returns the HTTP status (200). `body` nil sends none.
    @discardableResult
    public func callAction(
        _ action: CallAction, callID: String, body: [UInt8]?, settings: CallSettings = CallSettings()
    ) throws(AzError) -> Int {
        guard !callID.isEmpty else { throw .invalidArgument("call_id is empty: take it from the webhook") }
        guard callID.utf8.count <= 256 else { throw .invalidArgument("call_id is \(callID.utf8.count) bytes") }
        let request = HTTPRequest(
            method: "POST", url: callURL(callID: callID, action: action),
            headers: body == nil ? [] : [("Content-Type", "application/json")], body: .bytes(body ?? []))
        let reader = ResponseBody()
        let head = try execute(
            request, settings: settings, handler: reader.handler { (_: SSEEvent) throws(AzError) in })
        return head.status
    }

    public func acceptCall(
        _ callID: String, options: CallAcceptOptions, settings: CallSettings = CallSettings()
    )
        throws(AzError)
    {
        try callAction(.accept, callID: callID, body: try options.body(), settings: settings)
    }

    /// Rejects with a SIP status (e.g. 486 Busy Here, 603 Decline); 0 lets the service choose (603).
    public func rejectCall(
        _ callID: String, statusCode: Int, settings: CallSettings = CallSettings()
    )
        throws(AzError)
    {
        guard statusCode == 0 || (400...699).contains(statusCode) else {
            throw .invalidArgument("SIP status \(statusCode) cannot reject a call: use 400 to 699 (e.g. 486, 603)")
        }
        let body = statusCode == 0 ? "{}" : "{\"status_code\":\(statusCode)}"
        try callAction(.reject, callID: callID, body: Array(body.utf8), settings: settings)
    }

    /// Transfers the call with SIP REFER to `targetURI` (`tel:+14155550123`, `sip:agent@example.com`).
    public func referCall(
        _ callID: String, targetURI: String, settings: CallSettings = CallSettings()
    )
        throws(AzError)
    {
        let lower = targetURI.lowercased()
        guard lower.hasPrefix("tel:") || lower.hasPrefix("sip:") || lower.hasPrefix("sips:"), targetURI.count > 4,
            !targetURI.utf8.contains(where: { $0 < 0x21 })
        else {
            throw .invalidArgument(
                "target URI '\(targetURI.prefix(80))' is not a tel:, sip: or sips: URI without spaces")
        }
        let body = JSONWriter.serialize(.object(["target_uri": .string(targetURI)]))
        try callAction(.refer, callID: callID, body: Array(body.utf8), settings: settings)
    }

    public func hangUpCall(_ callID: String, settings: CallSettings = CallSettings()) throws(AzError) {
        try callAction(.hangup, callID: callID, body: nil, settings: settings)
    }
}
