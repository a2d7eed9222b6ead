import AzAudioCore
import CAzAudio
import Glibc

/// The per-call fields every REST options struct carries, turned into the engine's settings; the upload progress
/// callback for the calls that upload audio.
func callSettings(
    cancel: OpaquePointer?, timeoutMs: Int64, maxRetries: Int32, progress: azaudio_progress_fn? = nil,
    progressUserData: UnsafeMutableRawPointer? = nil
) throws(AzError) -> CallSettings {
    guard timeoutMs >= -1, timeoutMs <= Int64(UInt32.max) else {
        throw .invalidArgument("timeout_ms is \(timeoutMs); use -1 (the client's), 0 (no limit) or milliseconds")
    }
    guard maxRetries >= -1, maxRetries <= 100 else {
        throw .invalidArgument("max_retries is \(maxRetries); use -1 (the client's) or 0 to 100")
    }
    return CallSettings(
        timeoutMs: timeoutMs < 0 ? nil : UInt32(timeoutMs), maxRetries: maxRetries < 0 ? nil : Int(maxRetries),
        cancel: cancel.map { CancelTokenHandle.from($0).token },
        onUploadProgress: progress.map { ProgressCallback(fn: $0, user: progressUserData).handler })
}

/// A caller's azaudio_progress_fn and its user data. The engine calls it only on the thread that made the call,
/// so carrying the raw pointer in a Sendable closure is safe.
struct ProgressCallback: @unchecked Sendable {
    let fn: azaudio_progress_fn
    let user: UnsafeMutableRawPointer?

    var handler: UploadProgressHandler {
        { (p: UploadProgress) throws(AzError) in
            let rc = fn(p.sent, p.total, user)
            if rc != 0 { throw AzError(.cancelled, "the progress callback returned \(rc): the call was stopped") }
        }
    }
}

/// A required string argument that goes to the service: UTF-8 checked (see `utf8String`).
func requiredString(_ pointer: UnsafePointer<CChar>?, _ name: String) throws(AzError) -> String {
    guard let pointer else { throw .invalidArgument("\(name) is NULL") }
    return try utf8String(pointer, name)
}

/// A required path argument: the bytes go to open(2), not to the service, so they are not checked as UTF-8.
func requiredPath(_ pointer: UnsafePointer<CChar>?, _ name: String) throws(AzError) -> String {
    guard let pointer else { throw .invalidArgument("\(name) is NULL") }
    return String(cString: pointer)
}

/// An optional path option (NULL and "" both mean unset): the bytes go to the file system, not to the service, so
/// they are not checked as UTF-8.
func optionalPath(_ pointer: UnsafePointer<CChar>?) -> String? {
    guard let pointer, pointer.pointee != 0 else { return nil }
    return String(cString: pointer)
}

/// An optional string argument that goes to the service (NULL or "" means not set): UTF-8 checked.
func optionalString(_ pointer: UnsafePointer<CChar>?, _ name: String) throws(AzError) -> String? {
    guard let pointer, pointer.pointee != 0 else { return nil }
    return try utf8String(pointer, name)
}

/// Runs a client call: records a failure for the client and thread, and returns the result code.
func withClient(
    _ client: OpaquePointer?, _ function: String, _ body: (ClientHandle) throws(AzError) -> Void
) -> azaudio_result {
    guard let client else { return fail(.invalidArgument, "\(function): client is NULL") }
    let handle = ClientHandle.from(client)
    do throws(AzError) {
        try body(handle)
        return AZAUDIO_OK
    } catch {
        return handle.fail(prefixed(error, function))
    }
}

/// Fills a caller's azaudio_usage under the sized-struct rule.
enum UsageABI: SizedStructABI {
    static let typeName = "azaudio_usage"
    static let firstReleaseSize = end(of: \azaudio_usage.seconds)
    static let remedy = "set it to sizeof(azaudio_usage)"

    static var defaults: azaudio_usage {
        var out = azaudio_usage()
        out.struct_size = UInt32(MemoryLayout<azaudio_usage>.size)
        out.type = StaticCString.empty
        out.input_tokens = -1
        out.output_tokens = -1
        out.total_tokens = -1
        out.seconds = -1
        return out
    }

    static func fill(
        _ usage: Usage?, into pointer: UnsafeMutablePointer<azaudio_usage>?, function: String
    )
        -> azaudio_result
    {
        var out = defaults
        if let usage {
            out.type = UsageTypeText.pointer(usage.type)
            out.input_tokens = usage.inputTokens
            out.output_tokens = usage.outputTokens
            out.total_tokens = usage.totalTokens
            out.seconds = usage.seconds
        }
        return fill(out, into: pointer, argument: "usage", function: function)
    }
}

/// Static C strings for usage types.
enum UsageTypeText {
    nonisolated(unsafe) static let tokens = StaticCString.make("tokens")
    nonisolated(unsafe) static let duration = StaticCString.make("duration")
    static func pointer(_ type: String) -> UnsafePointer<CChar> {
        switch type {
        case "tokens": return tokens
        case "duration": return duration
        default: return StaticCString.empty
        }
    }
}

/// Calls a C text callback; a non-zero return stops the call.
func deliverText(_ fn: azaudio_text_fn?, _ user: UnsafeMutableRawPointer?, _ text: String) throws(AzError) {
    guard let fn else { return }
    let rc = text.withCString { fn($0, text.utf8.count, user) }
    if rc != 0 { throw AzError(.cancelled, "the callback returned \(rc): the call was stopped") }
}

/// Calls a C audio callback; a non-zero return stops the call.
func deliverAudio(
    _ fn: azaudio_audio_fn, _ user: UnsafeMutableRawPointer?, _ bytes: UnsafeRawBufferPointer
)
    throws(AzError)
{
    guard !bytes.isEmpty else { return }
    let rc = fn(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes.count, user)
    if rc != 0 { throw AzError(.cancelled, "the audio callback returned \(rc): the call was stopped") }
}

/// A copy of bytes as a malloc'd, NUL-terminated buffer owned by a result object.
final class OwnedBytes {
    let pointer: UnsafeMutablePointer<UInt8>
    let count: Int

    init(_ bytes: [UInt8]) {
        count = bytes.count
        pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count + 1)
        bytes.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { pointer.initialize(from: base, count: bytes.count) }
        }
        pointer[bytes.count] = 0
    }

    deinit { pointer.deallocate() }

    var cString: UnsafePointer<CChar> { UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self) }
}

@c @implementation
public func azaudio_free(_ pointer: UnsafeMutableRawPointer!) {
    free(pointer)
}
