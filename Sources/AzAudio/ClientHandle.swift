import AzAudioCore
import CAzAudio
import Glibc

/// What an `azaudio_client *` points to: the engine's client plus the endpoint as a C string. Failures of calls
/// made through it are recorded per thread (`ThreadError`), never in the handle.
final class ClientHandle {
    let client: ServiceClient
    let endpointText: OwnedCString

    init(client: ServiceClient) {
        self.client = client
        self.endpointText = OwnedCString(client.configuration.endpoint.root)
    }

    static func from(_ pointer: OpaquePointer) -> ClientHandle {
        Unmanaged<ClientHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }

    func retainedPointer() -> OpaquePointer { OpaquePointer(Unmanaged.passRetained(self).toOpaque()) }

    /// Records `error` for this thread as a failure of a call made through this client and returns its code.
    func fail(_ error: AzError) -> azaudio_result { AzAudio.fail(error, client: self) }

    var lastError: ErrorRecord? { ThreadError.last(for: self) }
}
