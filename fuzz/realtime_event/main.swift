// libFuzzer target: the realtime server-event decoder must never crash on any text a server sends: it returns
// an event or a protocol error. Decoded audio must be exactly what the base64 says.

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
    return 0
}
