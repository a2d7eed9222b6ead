/// One server-sent event.
public struct SSEEvent: Sendable, Equatable {
    /// The `event:` field, or "message" when the event named none.
    public var name: String
    /// The `data:` lines joined with "\n".
    public var data: String
    /// The last `id:` seen, or "".
    public var id: String

    public init(name: String = "message", data: String, id: String = "") {
        self.name = name
        self.data = data
        self.id = id
    }

    /// True for OpenAI's end-of-stream sentinel, `data: [DONE]`.
    public var isDoneSentinel: Bool { data == "[DONE]" }
}

/// An incremental parser for `text/event-stream` (the WHATWG server-sent events format).
///
/// Feed it bytes as they come off the wire, split anywhere (inside a line, between CR and LF, inside a UTF-8
/// sequence); it hands back each complete event. Lines end with LF, CRLF or CR; lines starting with ':' are
/// comments; several `data:` lines join with "\n"; a blank line dispatches the event. An event that never got its
/// blank line is not dispatched (the stream was cut). Lines are bounded so a hostile server cannot exhaust memory.
public struct SSEParser: Sendable {
    /// The longest line accepted, in bytes.
    public let maxLineLength: Int
    /// The most data one event may accumulate, in bytes.
    public let maxEventSize: Int

    private var line: [UInt8] = []
    private var lastWasCR = false
    private var eventName = ""
    private var data: [UInt8] = []
    private var hasData = false
    private var lastID = ""
    private var sawBOMCheck = false

    public init(maxLineLength: Int = 16 << 20, maxEventSize: Int = 32 << 20) {
        self.maxLineLength = maxLineLength
        self.maxEventSize = maxEventSize
    }

    /// True when bytes of an unfinished event or line are pending (the stream ended mid-event if it stops here).
    public var hasPendingEvent: Bool { !line.isEmpty || hasData || !eventName.isEmpty }

    /// Parses `bytes` and calls `onEvent` for each event completed by them.
    public mutating func feed(
        _ bytes: UnsafeRawBufferPointer, onEvent: (SSEEvent) throws(AzError) -> Void
    ) throws(AzError) {
        var start = 0
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0x0A || b == 0x0D {
                if b == 0x0A && lastWasCR && start == i && line.isEmpty {
                    // The LF of a CRLF whose CR ended the previous line (possibly in the previous chunk).
                    lastWasCR = false
                    i += 1
                    start = i
                    continue
                }
                try append(UnsafeRawBufferPointer(rebasing: bytes[start..<i]))
                lastWasCR = b == 0x0D
                try endLine(onEvent)
                i += 1
                start = i
                continue
            }
            lastWasCR = false
            i += 1
        }
        if start < n { try append(UnsafeRawBufferPointer(rebasing: bytes[start..<n])) }
    }

    public mutating func feed(_ bytes: [UInt8], onEvent: (SSEEvent) throws(AzError) -> Void) throws(AzError) {
        var copy = self
        let result: Result<Void, AzError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(AzError) in try copy.feed(buffer, onEvent: onEvent) }
        }
        self = copy
        try result.get()
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) throws(AzError) {
        guard !bytes.isEmpty else { return }
        guard line.count + bytes.count <= maxLineLength else {
            throw AzError(.protocolViolation, "an event-stream line is longer than \(maxLineLength) bytes")
        }
        line.append(contentsOf: bytes)
    }

    private mutating func endLine(_ onEvent: (SSEEvent) throws(AzError) -> Void) throws(AzError) {
        defer { line.removeAll(keepingCapacity: true) }
        if !sawBOMCheck {
            sawBOMCheck = true
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        }
        if line.isEmpty {
            try dispatch(onEvent)
            return
        }
        if line[0] == UInt8(ascii: ":") { return }  // comment
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let field = colon.map { Array(line[..<$0]) } ?? line
        var valueStart = colon.map { $0 + 1 } ?? line.count
        if valueStart < line.count && line[valueStart] == 0x20 { valueStart += 1 }
        let value = line[valueStart...]
        switch String(decoding: field, as: UTF8.self) {
        case "data":
            guard data.count + value.count + 1 <= maxEventSize else {
                throw AzError(.protocolViolation, "an event-stream event is larger than \(maxEventSize) bytes")
            }
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        case "event":
            eventName = String(decoding: value, as: UTF8.self)
        case "id":
            if !value.contains(0) { lastID = String(decoding: value, as: UTF8.self) }
        default:
            break  // "retry" and unknown fields are ignored
        }
    }

    private mutating func dispatch(_ onEvent: (SSEEvent) throws(AzError) -> Void) throws(AzError) {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventName = ""
        }
        guard hasData else { return }
        let event = SSEEvent(
            name: eventName.isEmpty ? "message" : eventName, data: String(decoding: data, as: UTF8.self), id: lastID)
        try onEvent(event)
    }
}
