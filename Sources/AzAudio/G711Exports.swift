import AzAudioCore
import CAzAudio

// G.711 over caller buffers: check the pointers, then convert; no allocation.

/// The checks every G.711 export makes, then the conversion.
@inline(__always)
private func convert<In, Out>(
    _ function: String, _ inName: String, _ outName: String, _ input: UnsafePointer<In>?, _ samples: Int,
    _ output: UnsafeMutablePointer<Out>?,
    _ body: (UnsafeBufferPointer<In>, UnsafeMutableBufferPointer<Out>) -> Void
) -> azaudio_result {
    if samples == 0 { return AZAUDIO_OK }
    guard samples > 0 else { return fail(.invalidArgument, "\(function): samples is too large") }
    guard let input else { return fail(.invalidArgument, "\(function): \(inName) is NULL") }
    guard let output else { return fail(.invalidArgument, "\(function): \(outName) is NULL") }
    body(UnsafeBufferPointer(start: input, count: samples), UnsafeMutableBufferPointer(start: output, count: samples))
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_g711_ulaw_encode(
    _ pcm: UnsafePointer<Int16>!, _ samples: Int, _ outCodes: UnsafeMutablePointer<UInt8>!
) -> azaudio_result {
    convert("azaudio_g711_ulaw_encode", "pcm", "out_codes", pcm, samples, outCodes) { ULaw.encode($0, into: $1) }
}

@c @implementation
public func azaudio_g711_ulaw_decode(
    _ codes: UnsafePointer<UInt8>!, _ samples: Int, _ outPCM: UnsafeMutablePointer<Int16>!
) -> azaudio_result {
    convert("azaudio_g711_ulaw_decode", "codes", "out_pcm", codes, samples, outPCM) { ULaw.decode($0, into: $1) }
}

@c @implementation
public func azaudio_g711_alaw_encode(
    _ pcm: UnsafePointer<Int16>!, _ samples: Int, _ outCodes: UnsafeMutablePointer<UInt8>!
) -> azaudio_result {
    convert("azaudio_g711_alaw_encode", "pcm", "out_codes", pcm, samples, outCodes) { ALaw.encode($0, into: $1) }
}

@c @implementation
public func azaudio_g711_alaw_decode(
    _ codes: UnsafePointer<UInt8>!, _ samples: Int, _ outPCM: UnsafeMutablePointer<Int16>!
) -> azaudio_result {
    convert("azaudio_g711_alaw_decode", "codes", "out_pcm", codes, samples, outPCM) { ALaw.decode($0, into: $1) }
}
