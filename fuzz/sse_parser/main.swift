// libFuzzer target: the SSE parser must never crash, whatever bytes arrive and however they are split. The first
// input byte chooses the chunk size; each complete event's data must be valid as a Swift String.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSSEParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let chunk = Int(data[0]) % 64 + 1
    let bytes = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    var parser = SSEParser(maxLineLength: 4096, maxEventSize: 8192)
    var offset = 0
    var total = 0
    while offset < bytes.count {
        let end = min(bytes.count, offset + chunk)
        do throws(AzError) {
            try parser.feed(UnsafeRawBufferPointer(rebasing: bytes[offset..<end])) { event in
                total += event.data.utf8.count + event.name.utf8.count
                if event.isDoneSentinel { total += 1 }
            }
        } catch {
            precondition(error.kind == .protocolViolation)
            return 0
        }
        offset = end
    }
    precondition(total >= 0)
    return 0
}
