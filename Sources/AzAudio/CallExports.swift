import AzAudioCore
import CAzAudio
import Glibc

// SIP calls answered by the service: webhook verification, the incoming call, and the calls endpoints.

/// What an `azaudio_incoming_call *` points to.
final class IncomingCallHandle {
    let call: IncomingCall
    let callID: OwnedCString
    let names: [OwnedCString]
    let values: [OwnedCString]

    init(_ call: IncomingCall) {
        self.call = call
        callID = OwnedCString(call.callID)
        names = call.sipHeaders.map { OwnedCString($0.name) }
        values = call.sipHeaders.map { OwnedCString($0.value) }
    }

    static func from(_ pointer: OpaquePointer) -> IncomingCallHandle {
        Unmanaged<IncomingCallHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }
}

private func bodyBytes(_ body: UnsafeRawPointer?, _ size: Int) throws(AzError) -> UnsafeRawBufferPointer {
    guard size >= 0, size <= 64 * 1024 * 1024 else { throw .invalidArgument("body_size \(size) is out of range") }
    guard body != nil || size == 0 else { throw .invalidArgument("body is NULL") }
    return UnsafeRawBufferPointer(start: size == 0 ? nil : body, count: size)
}

@c @implementation
public func azaudio_webhook_verify(
    _ secret: UnsafePointer<CChar>!, _ id: UnsafePointer<CChar>!, _ timestamp: UnsafePointer<CChar>!,
    _ signature: UnsafePointer<CChar>!, _ body: UnsafeRawPointer!, _ bodySize: Int, _ nowUnix: Int64,
    _ toleranceSeconds: Int64
) -> azaudio_result {
    do throws(AzError) {
        let verifier = try WebhookVerifier(secret: try requiredString(secret, "secret"))
        let now = nowUnix != 0 ? nowUnix : Int64(time(nil))
        try verifier.verify(
            id: try requiredString(id, "webhook_id"), timestamp: try requiredString(timestamp, "webhook_timestamp"),
            signatures: try requiredString(signature, "webhook_signature"), body: try bodyBytes(body, bodySize),
            now: now,
            toleranceSeconds: toleranceSeconds > 0 ? toleranceSeconds : WebhookVerifier.defaultToleranceSeconds)
        return AZAUDIO_OK
    } catch {
        return fail(prefixed(error, "azaudio_webhook_verify"))
    }
}

@c @implementation
public func azaudio_incoming_call_parse(
    _ body: UnsafeRawPointer!, _ bodySize: Int, _ out: UnsafeMutablePointer<OpaquePointer?>!
) -> azaudio_result {
    do throws(AzError) {
        guard let out else { throw .invalidArgument("out_call is NULL") }
        let call = try IncomingCall.parse(Array(try bodyBytes(body, bodySize)))
        out.pointee = OpaquePointer(Unmanaged.passRetained(IncomingCallHandle(call)).toOpaque())
        return AZAUDIO_OK
    } catch {
        return fail(prefixed(error, "azaudio_incoming_call_parse"))
    }
}

@c @implementation
public func azaudio_incoming_call_id(_ call: OpaquePointer!) -> UnsafePointer<CChar>! {
    guard let call else { return nil }
    return UnsafePointer(IncomingCallHandle.from(call).callID.pointer)
}

@c @implementation
public func azaudio_incoming_call_sip_header_count(_ call: OpaquePointer!) -> Int {
    guard let call else { return 0 }
    return IncomingCallHandle.from(call).names.count
}

@c @implementation
public func azaudio_incoming_call_sip_header(
    _ call: OpaquePointer!, _ index: Int, _ name: UnsafeMutablePointer<UnsafePointer<CChar>?>!,
    _ value: UnsafeMutablePointer<UnsafePointer<CChar>?>!
) -> azaudio_result {
    guard let call else { return fail(.invalidArgument, "azaudio_incoming_call_sip_header: call is NULL") }
    let h = IncomingCallHandle.from(call)
    guard index >= 0, index < h.names.count else {
        return fail(
            .invalidArgument,
            "azaudio_incoming_call_sip_header: index \(index) is out of range (\(h.names.count) headers)")
    }
    name?.pointee = UnsafePointer(h.names[index].pointer)
    value?.pointee = UnsafePointer(h.values[index].pointer)
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_incoming_call_sip_header_value(
    _ call: OpaquePointer!, _ name: UnsafePointer<CChar>!
)
    -> UnsafePointer<CChar>!
{
    guard let call, let name else { return nil }
    let h = IncomingCallHandle.from(call)
    let wanted = String(cString: name).lowercased()
    guard let index = h.call.sipHeaders.firstIndex(where: { $0.name.lowercased() == wanted }) else { return nil }
    return UnsafePointer(h.values[index].pointer)
}

@c @implementation
public func azaudio_incoming_call_free(_ call: OpaquePointer!) {
    guard let call else { return }
    Unmanaged<IncomingCallHandle>.fromOpaque(UnsafeRawPointer(call)).release()
}

enum CallAcceptOptionsABI: SizedStructABI {
    static let typeName = "azaudio_call_accept_options"
    /// New in 0.2.0: its first release is its whole size.
    static let firstReleaseSize = end(of: \azaudio_call_accept_options.max_retries)

    static var defaults: azaudio_call_accept_options {
        var o = azaudio_call_accept_options()
        o.struct_size = UInt32(MemoryLayout<azaudio_call_accept_options>.size)
        o.timeout_ms = -1
        o.max_retries = -1
        return o
    }
}

@c @implementation
public func azaudio_call_accept_options_init(
    _ options: UnsafeMutablePointer<azaudio_call_accept_options>!
)
    -> azaudio_result
{
    guard let options else { return fail(.invalidArgument, "azaudio_call_accept_options_init: options is NULL") }
    options.pointee = CallAcceptOptionsABI.defaults
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_call_accept(
    _ client: OpaquePointer!, _ callID: UnsafePointer<CChar>!, _ options: UnsafePointer<azaudio_call_accept_options>!
) -> azaudio_result {
    withClient(client, "azaudio_call_accept") { (handle: ClientHandle) throws(AzError) in
        let o = try CallAcceptOptionsABI.read(options)
        var accept = CallAcceptOptions()
        accept.deployment = try optionalString(o.deployment, "options->deployment")
        accept.instructions = try optionalString(o.instructions, "options->instructions")
        accept.voice = try optionalString(o.voice, "options->voice")
        accept.sessionJSON = try optionalString(o.session_json, "options->session_json")
        let settings = try callSettings(cancel: o.cancel_token, timeoutMs: o.timeout_ms, maxRetries: o.max_retries)
        try handle.client.acceptCall(try requiredString(callID, "call_id"), options: accept, settings: settings)
    }
}

@c @implementation
public func azaudio_call_reject(
    _ client: OpaquePointer!, _ callID: UnsafePointer<CChar>!, _ status: Int32
)
    -> azaudio_result
{
    withClient(client, "azaudio_call_reject") { (handle: ClientHandle) throws(AzError) in
        try handle.client.rejectCall(try requiredString(callID, "call_id"), statusCode: Int(status))
    }
}

@c @implementation
public func azaudio_call_refer(
    _ client: OpaquePointer!, _ callID: UnsafePointer<CChar>!, _ target: UnsafePointer<CChar>!
) -> azaudio_result {
    withClient(client, "azaudio_call_refer") { (handle: ClientHandle) throws(AzError) in
        try handle.client.referCall(
            try requiredString(callID, "call_id"), targetURI: try requiredString(target, "target_uri"))
    }
}

@c @implementation
public func azaudio_call_hangup(_ client: OpaquePointer!, _ callID: UnsafePointer<CChar>!) -> azaudio_result {
    withClient(client, "azaudio_call_hangup") { (handle: ClientHandle) throws(AzError) in
        try handle.client.hangUpCall(try requiredString(callID, "call_id"))
    }
}
