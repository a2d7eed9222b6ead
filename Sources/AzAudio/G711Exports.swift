import AzAudioCore
import CAzAudio

// G.711 over caller buffers: check the pointers, then convert; no allocation.

@c @implementation
public func azaudio_g711_ulaw_encode(
    _ pcm: UnsafePointer<Int16>!, _ samples: Int, _ outCodes: UnsafeMutablePointer<UInt8>!
) -> azaudio_result {
    if samples == 0 { return AZAUDIO_OK }
    guard samples > 0 else { return fail(.invalidArgument, "azaudio_g711_ulaw_encode: samples is too large") }
    guard let pcm else { return fail(.invalidArgument, "azaudio_g711_ulaw_encode: pcm is NULL") }
    guard let outCodes else { return fail(.invalidArgument, "azaudio_g711_ulaw_encode: out_codes is NULL") }
    MuLaw.encode(UnsafeBufferPointer(start: pcm, count: samples),
                 into: UnsafeMutableBufferPointer(start: outCodes, count: samples))
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_g711_ulaw_decode(
    _ codes: UnsafePointer<UInt8>!, _ samples: Int, _ outPCM: UnsafeMutablePointer<Int16>!
) -> azaudio_result {
    if samples == 0 { return AZAUDIO_OK }
    guard samples > 0 else { return fail(.invalidArgument, "azaudio_g711_ulaw_decode: samples is too large") }
    guard let codes else { return fail(.invalidArgument, "azaudio_g711_ulaw_decode: codes is NULL") }
    guard let outPCM else { return fail(.invalidArgument, "azaudio_g711_ulaw_decode: out_pcm is NULL") }
    MuLaw.decode(UnsafeBufferPointer(start: codes, count: samples),
                 into: UnsafeMutableBufferPointer(start: outPCM, count: samples))
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_g711_alaw_encode(
    _ pcm: UnsafePointer<Int16>!, _ samples: Int, _ outCodes: UnsafeMutablePointer<UInt8>!
) -> azaudio_result {
    if samples == 0 { return AZAUDIO_OK }
    guard samples > 0 else { return fail(.invalidArgument, "azaudio_g711_alaw_encode: samples is too large") }
    guard let pcm else { return fail(.invalidArgument, "azaudio_g711_alaw_encode: pcm is NULL") }
    guard let outCodes else { return fail(.invalidArgument, "azaudio_g711_alaw_encode: out_codes is NULL") }
    ALaw.encode(UnsafeBufferPointer(start: pcm, count: samples),
                into: UnsafeMutableBufferPointer(start: outCodes, count: samples))
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_g711_alaw_decode(
    _ codes: UnsafePointer<UInt8>!, _ samples: Int, _ outPCM: UnsafeMutablePointer<Int16>!
) -> azaudio_result {
    if samples == 0 { return AZAUDIO_OK }
    guard samples > 0 else { return fail(.invalidArgument, "azaudio_g711_alaw_decode: samples is too large") }
    guard let codes else { return fail(.invalidArgument, "azaudio_g711_alaw_decode: codes is NULL") }
    guard let outPCM else { return fail(.invalidArgument, "azaudio_g711_alaw_decode: out_pcm is NULL") }
    ALaw.decode(UnsafeBufferPointer(start: codes, count: samples),
                into: UnsafeMutableBufferPointer(start: outPCM, count: samples))
    return AZAUDIO_OK
}
