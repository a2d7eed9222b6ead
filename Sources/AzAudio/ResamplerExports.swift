import AzAudioCore
import CAzAudio

// An `azaudio_resampler *` is a retained engine `Resampler`.

private func resampler(_ pointer: OpaquePointer) -> Resampler {
    Unmanaged<Resampler>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
}

@c @implementation
public func azaudio_resampler_create(
    _ inRate: UInt32, _ outRate: UInt32, _ outResampler: UnsafeMutablePointer<OpaquePointer?>!
) -> azaudio_result {
    guard let outResampler else { return fail(.invalidArgument, "azaudio_resampler_create: out_resampler is NULL") }
    guard inRate > 0, outRate > 0 else {
        return fail(
            .invalidArgument,
            "azaudio_resampler_create: rates must be positive (in_rate \(inRate), out_rate \(outRate))")
    }
    guard let r = Resampler(inRate: Int(inRate), outRate: Int(outRate)) else {
        return fail(
            .unsupported,
            "azaudio_resampler_create: \(inRate) -> \(outRate) Hz is not supported; rates must be 8000 to 192000 Hz")
    }
    outResampler.pointee = OpaquePointer(Unmanaged.passRetained(r).toOpaque())
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_resampler_destroy(_ r: OpaquePointer!) {
    guard let r else { return }
    Unmanaged<Resampler>.fromOpaque(UnsafeRawPointer(r)).release()
}

@c @implementation
public func azaudio_resampler_max_output(_ r: OpaquePointer!, _ inSamples: Int) -> Int {
    guard let r else { return 0 }
    // size_t values above Int.max arrive negative: no buffer can be large enough for them.
    return inSamples < 0 ? Int.max : resampler(r).maxOutput(forInput: inSamples)
}

@c @implementation
public func azaudio_resampler_latency_samples(_ r: OpaquePointer!) -> UInt32 {
    guard let r else { return 0 }
    return UInt32(resampler(r).latency)
}

@c @implementation
public func azaudio_resampler_process(
    _ r: OpaquePointer!, _ input: UnsafePointer<Int16>!, _ inSamples: Int, _ output: UnsafeMutablePointer<Int16>!,
    _ outCapacity: Int, _ outWritten: UnsafeMutablePointer<Int>!
) -> azaudio_result {
    let name = "azaudio_resampler_process"
    guard let r else { return fail(.invalidArgument, "\(name): resampler is NULL") }
    guard let outWritten else { return fail(.invalidArgument, "\(name): out_written is NULL") }
    guard input != nil || inSamples == 0 else { return fail(.invalidArgument, "\(name): in is NULL") }
    guard output != nil || outCapacity == 0 else { return fail(.invalidArgument, "\(name): out is NULL") }
    guard inSamples >= 0, inSamples <= Resampler.maxInputPerCall else {
        return fail(.invalidArgument, "\(name): in_samples is too large")
    }
    let outCapacity = outCapacity < 0 ? Int.max : outCapacity  // size_t above Int.max
    let engine = resampler(r)
    let needed = engine.outputCount(forInput: inSamples)
    guard outCapacity >= needed else {
        return fail(
            .invalidArgument,
            "\(name): out_capacity is \(outCapacity) but this call produces \(needed) samples; "
                + "size out with azaudio_resampler_max_output()")
    }
    outWritten.pointee = engine.process(
        UnsafeBufferPointer(start: input, count: inSamples),
        into: UnsafeMutableBufferPointer(start: output, count: outCapacity))
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_resampler_flush(
    _ r: OpaquePointer!, _ output: UnsafeMutablePointer<Int16>!, _ outCapacity: Int,
    _ outWritten: UnsafeMutablePointer<Int>!
) -> azaudio_result {
    let name = "azaudio_resampler_flush"
    guard let r else { return fail(.invalidArgument, "\(name): resampler is NULL") }
    guard let outWritten else { return fail(.invalidArgument, "\(name): out_written is NULL") }
    guard output != nil || outCapacity == 0 else { return fail(.invalidArgument, "\(name): out is NULL") }
    let outCapacity = outCapacity < 0 ? Int.max : outCapacity  // size_t above Int.max
    let engine = resampler(r)
    let needed = engine.pendingCount
    guard outCapacity >= needed else {
        return fail(
            .invalidArgument,
            "\(name): out_capacity is \(outCapacity) but \(needed) samples are pending; "
                + "size out with azaudio_resampler_max_output(r, 0)")
    }
    outWritten.pointee = engine.flush(into: UnsafeMutableBufferPointer(start: output, count: outCapacity))
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_resampler_reset(_ r: OpaquePointer!) -> azaudio_result {
    guard let r else { return fail(.invalidArgument, "azaudio_resampler_reset: resampler is NULL") }
    resampler(r).reset()
    return AZAUDIO_OK
}
