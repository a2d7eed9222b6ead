// libFuzzer target for the WebSocket frame decoder (and base64, which decodes the same peer's audio).
//
// Properties checked on every input, besides "no crash, no sanitizer report":
// - decoding the input in one chunk and in chunks (sizes drawn from the input's first byte) yields the same
//   messages and the same error: the state machine does not depend on where a read split the stream;
// - every delivered text message and close reason is valid UTF-8, control payloads are <= 125 bytes, messages
//   respect the limits;
// - base64: whatever decodes re-encodes to the same text.
//
// Build and run: see build.sh beside this file.

enum Event: Equatable {
    case text([UInt8]), binary([UInt8]), ping([UInt8]), pong([UInt8]), close(UInt16?, [UInt8])
}

func decodeAll(
    _ data: UnsafeRawBufferPointer, chunk: Int, limits: WebSocketLimits
) -> ([Event], WebSocketProtocolError?) {
    var decoder = WebSocketFrameDecoder(limits: limits)
    var events: [Event] = []
    var offset = 0
    while offset < data.count {
        let n = min(chunk, data.count - offset)
        let slice = UnsafeRawBufferPointer(rebasing: data[offset..<offset + n])
        do {
            try decoder.decode(slice) { inbound in
                switch inbound {
                case .text(let b):
                    precondition(UTF8Validator.isValid(b) && b.count <= limits.maxMessageSize)
                    events.append(.text(Array(b)))
                case .binary(let b):
                    precondition(b.count <= limits.maxMessageSize)
                    events.append(.binary(Array(b)))
                case .ping(let b):
                    precondition(b.count <= 125)
                    events.append(.ping(Array(b)))
                case .pong(let b):
                    precondition(b.count <= 125)
                    events.append(.pong(Array(b)))
                case .close(let code, let reason):
                    precondition(reason.count <= 123 && UTF8Validator.isValid(reason))
                    precondition(code.map { $0.isSendable } ?? true)
                    events.append(.close(code?.rawValue, Array(reason)))
                }
                return true
            }
        } catch {
            return (events, error)
        }
        offset += n
    }
    return (events, nil)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let control = start.load(as: UInt8.self)
    let data = UnsafeRawBufferPointer(start: start + 1, count: count - 1)
    var limits = WebSocketLimits()
    limits.maxFrameSize = 4096
    limits.maxMessageSize = 8192
    let whole = decodeAll(data, chunk: Int.max, limits: limits)
    let split = decodeAll(data, chunk: Int(control & 0x1F) + 1, limits: limits)
    precondition(whole.0 == split.0 && whole.1 == split.1, "chunking changed the decoder's result")

    if let decoded = Base64.decode(data) {
        let again = Base64.encode(decoded)
        precondition(Array(again.utf8).elementsEqual(data), "base64 did not round-trip")
    }
    return 0
}
