/// A `realtime.call.incoming` webhook: the service has a SIP call for the application to accept, reject or refer
/// (schema WebhookRealtimeCallIncoming).
public struct IncomingCall: Sendable, Equatable {
    public struct SIPHeader: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// The event's id (also in the webhook-id header) and type ("realtime.call.incoming").
    public var eventID: String
    public var type: String
    public var createdAt: Int64
    /// The call to answer with the calls endpoints and to attach a sideband session to.
    public var callID: String
    /// The SIP INVITE's headers, in order (From, To, Call-ID, ...).
    public var sipHeaders: [SIPHeader]

    /// The first SIP header named `name` (case-insensitive), or nil.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return sipHeaders.first { $0.name.lowercased() == wanted }?.value
    }

    /// Reads a webhook body. Errors: `.protocolViolation` for a body that is not such an event.
    public static func parse(_ body: [UInt8]) throws(AzError) -> IncomingCall {
        let json: JSONValue
        do throws(JSONParseError) { json = try JSONParser.parse(body) } catch {
            throw AzError(.protocolViolation, "the webhook body is not JSON (\(error))")
        }
        let type = json["type"]?.stringValue ?? ""
        guard type == "realtime.call.incoming" else {
            throw AzError(
                .protocolViolation,
                "the webhook is '\(type.prefix(60))', not realtime.call.incoming")
        }
        guard let data = json["data"], let callID = data["call_id"]?.stringValue, !callID.isEmpty else {
            throw AzError(.protocolViolation, "the realtime.call.incoming webhook has no data.call_id")
        }
        let headers = (data["sip_headers"]?.arrayValue ?? []).compactMap { h -> SIPHeader? in
            guard let name = h["name"]?.stringValue, let value = h["value"]?.stringValue else { return nil }
            return SIPHeader(name: name, value: value)
        }
        return IncomingCall(
            eventID: json["id"]?.stringValue ?? "", type: type,
            createdAt: (json["created_at"]?.doubleValue ?? 0).saturatingInt64(.towardZero), callID: callID,
            sipHeaders: headers)
    }
}
