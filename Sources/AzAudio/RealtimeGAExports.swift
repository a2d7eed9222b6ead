import AzAudioCore
import CAzAudio

// Appended for the 2026 service: GA event accessors, typed responses (out of band), image items, the sideband
// output buffer.

@c @implementation
public func azaudio_realtime_event_rate_limit(
    _ event: OpaquePointer!, _ name: UnsafePointer<CChar>!, _ limit: UnsafeMutablePointer<Int64>!,
    _ remaining: UnsafeMutablePointer<Int64>!, _ resetSeconds: UnsafeMutablePointer<Double>!
) -> Int32 {
    var found: RealtimeRateLimit?
    if let event, let name, let wanted = try? utf8String(name, "name"),
        case let e = RealtimeEventBox.from(event).event, e.kind == .rateLimitsUpdated
    {
        found = e.extras?.rateLimits.first { $0.name == wanted }
    }
    limit?.pointee = found?.limit ?? -1
    remaining?.pointee = found?.remaining ?? -1
    resetSeconds?.pointee = found?.resetSeconds ?? -1
    return found == nil ? 0 : 1
}

@c @implementation
public func azaudio_realtime_event_audio_range(
    _ event: OpaquePointer!, _ startMs: UnsafeMutablePointer<Int64>!, _ endMs: UnsafeMutablePointer<Int64>!
) -> Int32 {
    var range: (Int64, Int64)?
    if let event, case let e = RealtimeEventBox.from(event).event, e.kind == .inputTimeoutTriggered {
        range = (e.extras?.audioStartMs ?? -1, e.audioMs)
    }
    startMs?.pointee = range?.0 ?? -1
    endMs?.pointee = range?.1 ?? -1
    return range == nil ? 0 : 1
}

@c @implementation
public func azaudio_realtime_event_received_at(_ event: OpaquePointer!) -> Int64 {
    guard let event, case let e = RealtimeEventBox.from(event).event, e.kind == .dtmfReceived else { return -1 }
    return e.extras?.receivedAt ?? -1
}

@c @implementation
public func azaudio_realtime_event_out_of_band(_ event: OpaquePointer!) -> Int32 {
    guard let event else { return 0 }
    return RealtimeEventBox.from(event).event.outOfBand ? 1 : 0
}

enum ResponseOptionsABI: SizedStructABI {
    static let typeName = "azaudio_realtime_response_options"
    /// New in 0.2.0: its first release is its whole size.
    static let firstReleaseSize = end(of: \azaudio_realtime_response_options.input_json)

    static var defaults: azaudio_realtime_response_options {
        var o = azaudio_realtime_response_options()
        o.struct_size = UInt32(MemoryLayout<azaudio_realtime_response_options>.size)
        o.modality = AZAUDIO_RESPONSE_MODALITY_DEFAULT
        return o
    }

    static func request(_ o: azaudio_realtime_response_options) throws(AzError) -> RealtimeResponseRequest {
        var r = RealtimeResponseRequest()
        guard o.out_of_band == 0 || o.out_of_band == 1 else {
            throw .invalidArgument("options->out_of_band is \(o.out_of_band); use 0 or 1")
        }
        r.outOfBand = o.out_of_band == 1
        r.instructions = try optionalUTF8String(o.instructions, "options->instructions")
        switch o.modality {
        case AZAUDIO_RESPONSE_MODALITY_DEFAULT: r.modality = nil
        case AZAUDIO_RESPONSE_MODALITY_AUDIO: r.modality = .audio
        case AZAUDIO_RESPONSE_MODALITY_TEXT: r.modality = .text
        default:
            throw .invalidArgument("options->modality is \(o.modality); use an AZAUDIO_RESPONSE_MODALITY_* value")
        }
        switch o.max_output_tokens {
        case 0: r.maxOutputTokens = nil
        case AZAUDIO_MAX_OUTPUT_TOKENS_INF: r.maxOutputTokens = .some(nil)
        default: r.maxOutputTokens = .some(Int(o.max_output_tokens))
        }
        r.metadataJSON = try optionalUTF8String(o.metadata_json, "options->metadata_json")
        r.inputJSON = try optionalUTF8String(o.input_json, "options->input_json")
        try r.validate()
        return r
    }
}

@c @implementation
public func azaudio_realtime_response_options_init(
    _ options: UnsafeMutablePointer<azaudio_realtime_response_options>!
) -> azaudio_result {
    guard let options else { return fail(.invalidArgument, "azaudio_realtime_response_options_init: options is NULL") }
    options.pointee = ResponseOptionsABI.defaults
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_realtime_create_response_with_options(
    _ session: OpaquePointer!, _ options: UnsafePointer<azaudio_realtime_response_options>!
) -> azaudio_result {
    withSession(session, "azaudio_realtime_create_response_with_options") { s throws(AzError) in
        try s.options.kind.require(conversation: "a response")
        guard let options else {
            try s.send(json: try RealtimeClientEvents.createResponse(nil))
            return
        }
        let request = try ResponseOptionsABI.request(try ResponseOptionsABI.read(options))
        try s.send(json: request.event(protocol: s.options.protocolKind))
    }
}

@c @implementation
public func azaudio_realtime_send_image(
    _ session: OpaquePointer!, _ image: UnsafeRawPointer!, _ size: Int, _ mimeType: UnsafePointer<CChar>!,
    _ text: UnsafePointer<CChar>!, _ detail: UnsafePointer<CChar>!
) -> azaudio_result {
    withSession(session, "azaudio_realtime_send_image") { s throws(AzError) in
        try s.options.kind.require(conversation: "an image item")
        guard let image else { throw .invalidArgument("image is NULL") }
        guard size >= 0 else { throw .invalidArgument("size is \(UInt(bitPattern: size)) bytes; far too large") }
        let json = try RealtimeImageItem.event(
            image: UnsafeRawBufferPointer(start: image, count: size),
            mimeType: try requiredString(mimeType, "mime_type"), text: try optionalUTF8String(text, "text"),
            detail: try optionalUTF8String(detail, "detail"), protocol: s.options.protocolKind)
        try s.send(json: json)
    }
}

@c @implementation
public func azaudio_realtime_clear_output_audio(_ session: OpaquePointer!) -> azaudio_result {
    withSession(session, "azaudio_realtime_clear_output_audio") { s throws(AzError) in try s.clearOutputAudio() }
}
