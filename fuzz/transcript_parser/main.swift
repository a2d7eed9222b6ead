// libFuzzer target: transcription replies (json and verbose_json) and streamed chat chunks parse or fail with a
// protocol error, never crash.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTranscriptParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    for format in [TranscriptFormat.json, .verboseJSON, .text] {
        do throws(AzError) {
            let t = try TranscriptParser.parse(body, format: format)
            precondition(t.rawBody.count == size)
            for s in t.segments { precondition(s.text.utf8.count <= size) }
        } catch {
            precondition(error.kind == .protocolViolation)
        }
    }
    do throws(AzError) {
        _ = try ChatReplyParser.parse(body)
    } catch {
        precondition(error.kind == .protocolViolation)
    }
    return 0
}
