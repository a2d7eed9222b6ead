// libFuzzer target: the realtime server-event decoder must never crash on any text a server sends: it returns
// an event or a protocol error. When the audio-delta fast path takes an input, the full parser must decode it to
// the same event.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRealtimeEventDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    do throws(AzError) {
        let event = try RealtimeEventDecoder.decode(bytes)
        precondition(!event.type.isEmpty)
        if event.kind == .audioDelta {
            precondition(event.audio.count <= size)
        }
    } catch {
        precondition(error.kind == .protocolViolation)
    }
    // The fast path reads only valid UTF-8 in practice (the WebSocket layer checks text frames first).
    guard String(validating: bytes, as: UTF8.self) != nil, let fast = AudioDeltaScanner.scan(bytes) else { return 0 }
    guard let full = try? RealtimeEventDecoder.decodeFully(bytes) else {
        preconditionFailure("fast path took an invalid event")
    }
    precondition(
        fast.kind == full.kind && fast.type == full.type && fast.itemID == full.itemID
            && fast.responseID == full.responseID && fast.eventID == full.eventID
            && fast.outputIndex == full.outputIndex
            && fast.contentIndex == full.contentIndex && fast.audio.bytes == full.audio.bytes && fast.json == full.json)
    return 0
}
