import AzAudioCore
import CAzAudio
import Glibc

/// What an `azaudio_client *` points to: the engine's client plus the C-facing state (per-thread error details,
/// the endpoint as a C string).
final class ClientHandle {
    let client: ServiceClient
    let endpointText: OwnedCString
    /// Last failure per calling thread, so threads sharing a client never see each other's errors.
    private let errors = Locked<[pthread_t: ErrorRecord]>([:])
    /// Entries kept at most; threads that ended leave theirs behind, so the oldest is dropped past this.
    private static let maxThreads = 256
    private let order = Locked<[pthread_t]>([])

    init(client: ServiceClient) {
        self.client = client
        self.endpointText = OwnedCString(client.configuration.endpoint.root)
    }

    static func from(_ pointer: OpaquePointer) -> ClientHandle {
        Unmanaged<ClientHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }

    func retainedPointer() -> OpaquePointer { OpaquePointer(Unmanaged.passRetained(self).toOpaque()) }

    /// Records `error` for this thread (and as the thread's global last error) and returns its code.
    func fail(_ error: AzError) -> azaudio_result {
        let record = ErrorRecord(error)
        ThreadError.set(record)
        let me = pthread_self()
        errors.withLock { map in
            if map[me] == nil {
                order.withLock { list in
                    list.append(me)
                    if list.count > Self.maxThreads { map[list.removeFirst()] = nil }
                }
            }
            map[me] = record
        }
        return record.result
    }

    var lastError: ErrorRecord? { errors.withLock { $0[pthread_self()] } }
}
