import AzAudioCore
import CAzAudio

/// What an `azaudio_cancel_token *` points to.
final class CancelTokenHandle {
    let token = CancellationToken()

    static func from(_ pointer: OpaquePointer) -> CancelTokenHandle {
        Unmanaged<CancelTokenHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }
}

@c @implementation
public func azaudio_cancel_token_create(_ outToken: UnsafeMutablePointer<OpaquePointer?>!) -> azaudio_result {
    guard let outToken else { return fail(.invalidArgument, "azaudio_cancel_token_create: out_token is NULL") }
    outToken.pointee = OpaquePointer(Unmanaged.passRetained(CancelTokenHandle()).toOpaque())
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_cancel_token_cancel(_ token: OpaquePointer!) {
    guard let token else { return }
    CancelTokenHandle.from(token).token.cancel()
}

@c @implementation
public func azaudio_cancel_token_reset(_ token: OpaquePointer!) {
    guard let token else { return }
    CancelTokenHandle.from(token).token.reset()
}

@c @implementation
public func azaudio_cancel_token_is_cancelled(_ token: OpaquePointer!) -> Int32 {
    guard let token else { return 0 }
    return CancelTokenHandle.from(token).token.isCancelled ? 1 : 0
}

@c @implementation
public func azaudio_cancel_token_destroy(_ token: OpaquePointer!) {
    guard let token else { return }
    Unmanaged<CancelTokenHandle>.fromOpaque(UnsafeRawPointer(token)).release()
}
