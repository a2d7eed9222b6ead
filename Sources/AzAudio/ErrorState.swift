import AzAudioCore
import CAzAudio
import Glibc

/// One failure, with its text kept as C strings for the caller.
final class ErrorRecord {
    let result: azaudio_result
    let httpStatus: Int32
    let message: OwnedCString
    let serviceCode: OwnedCString
    let requestID: OwnedCString
    let rawBody: OwnedCString
    let retryAfterSeconds: Double

    init(_ error: AzError) {
        result = error.kind.resultCode
        httpStatus = Int32(clamping: error.httpStatus)
        message = OwnedCString(error.message)
        serviceCode = OwnedCString(error.serviceCode)
        requestID = OwnedCString(error.requestID)
        rawBody = OwnedCString(error.rawBody)
        retryAfterSeconds = error.retryAfterSeconds
    }
}

/// The calling thread's failures: the one route every error takes (azaudio_last_error(),
/// azaudio_last_error_details() and azaudio_client_last_error() all read it). No lock: each thread owns its slot.
enum ThreadError {
    private final class Slot {
        /// The thread's last failure of any call.
        var record: ErrorRecord?
        /// The last failure of a call made through a client, and that client (weak: a destroyed client's record is
        /// never reported for a new client that happens to reuse its address).
        var clientRecord: ErrorRecord?
        weak var client: ClientHandle?
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            Unmanaged<AnyObject>.fromOpaque(pointer).release()
        }
        return key
    }()

    private static var slot: Slot {
        if let existing = pthread_getspecific(key) {
            return Unmanaged<Slot>.fromOpaque(existing).takeUnretainedValue()
        }
        let slot = Slot()
        pthread_setspecific(key, Unmanaged.passRetained(slot as AnyObject).toOpaque())
        return slot
    }

    /// Records a failure; `client` is the client the call went through, if any.
    static func set(_ record: ErrorRecord, client: ClientHandle? = nil) {
        let slot = slot
        slot.record = record
        if let client {
            slot.clientRecord = record
            slot.client = client
        }
    }

    /// The thread's last failure of any call.
    static var last: ErrorRecord? { slot.record }

    /// The thread's last failure of a call made through `client`, if its latest client failure was through it.
    static func last(for client: ClientHandle) -> ErrorRecord? {
        let slot = slot
        return slot.client === client ? slot.clientRecord : nil
    }

    static var message: UnsafePointer<CChar> {
        guard let record = slot.record else { return StaticCString.empty }
        return UnsafePointer(record.message.pointer)
    }
}

/// Records a failure for the calling thread and returns its result code: the tail of every failing export.
func fail(_ error: AzError, client: ClientHandle? = nil) -> azaudio_result {
    let record = ErrorRecord(error)
    ThreadError.set(record, client: client)
    return record.result
}

func fail(_ kind: ErrorKind, _ message: String) -> azaudio_result { fail(AzError(kind, message)) }

/// azaudio_error_details under the sized-struct rule.
enum ErrorDetailsABI: SizedStructABI {
    static let typeName = "azaudio_error_details"
    static let firstReleaseSize = end(of: \azaudio_error_details.retry_after_seconds)
    static let remedy = "set it to sizeof(azaudio_error_details)"

    static var defaults: azaudio_error_details {
        var out = azaudio_error_details()
        out.struct_size = UInt32(MemoryLayout<azaudio_error_details>.size)
        out.result = AZAUDIO_OK
        out.message = StaticCString.empty
        out.service_code = StaticCString.empty
        out.request_id = StaticCString.empty
        out.raw_body = StaticCString.empty
        return out
    }

    /// Fills the caller's details with `record` (AZAUDIO_OK and empty strings when nil).
    static func fill(
        _ record: ErrorRecord?, into pointer: UnsafeMutablePointer<azaudio_error_details>?,
        function: String
    ) -> azaudio_result {
        var out = defaults
        if let record {
            out.result = record.result
            out.http_status = record.httpStatus
            out.message = UnsafePointer(record.message.pointer)
            out.service_code = UnsafePointer(record.serviceCode.pointer)
            out.request_id = UnsafePointer(record.requestID.pointer)
            out.raw_body = UnsafePointer(record.rawBody.pointer)
            out.retry_after_seconds = record.retryAfterSeconds
        }
        return fill(out, into: pointer, argument: "details", function: function)
    }
}

@c @implementation
public func azaudio_last_error() -> UnsafePointer<CChar>! {
    ThreadError.message
}

@c @implementation
public func azaudio_last_error_details(_ details: UnsafeMutablePointer<azaudio_error_details>!) -> azaudio_result {
    ErrorDetailsABI.fill(ThreadError.last, into: details, function: "azaudio_last_error_details")
}
