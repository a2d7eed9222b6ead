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

/// The calling thread's last failure, behind azaudio_last_error().
enum ThreadError {
    private final class Slot {
        var record: ErrorRecord?
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

    static func set(_ record: ErrorRecord) { slot.record = record }

    static var message: UnsafePointer<CChar> {
        guard let record = slot.record else { return StaticCString.empty }
        return UnsafePointer(record.message.pointer)
    }
}

/// Records a failure for the calling thread and returns its result code: the tail of every failing export.
func fail(_ error: AzError) -> azaudio_result {
    let record = ErrorRecord(error)
    ThreadError.set(record)
    return record.result
}

func fail(_ kind: ErrorKind, _ message: String) -> azaudio_result { fail(AzError(kind, message)) }

@c @implementation
public func azaudio_last_error() -> UnsafePointer<CChar>! {
    ThreadError.message
}
