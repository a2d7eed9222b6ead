import AzAudioCore
import CAzAudio
import Glibc

// An `azaudio_frame_cursor *` is a retained engine `FrameCursor`.

private func cursor(_ pointer: OpaquePointer) -> FrameCursor {
    Unmanaged<FrameCursor>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
}

private func layout(
    _ format: Int32, _ sampleRate: UInt32, _ channels: UInt32, _ frameMs: UInt32
) throws(AzError) -> FrameLayout {
    try FrameLayout(
        format: try WAVInfoABI.format(format), sampleRate: Int(sampleRate), channels: Int(channels),
        milliseconds: Int(frameMs))
}

@c @implementation
public func azaudio_frame_bytes(
    _ format: Int32, _ sampleRate: UInt32, _ channels: UInt32, _ frameMs: UInt32, _ outBytes: UnsafeMutablePointer<Int>!
) -> azaudio_result {
    do throws(AzError) {
        guard let outBytes else { throw .invalidArgument("out_bytes is NULL") }
        outBytes.pointee = try layout(format, sampleRate, channels, frameMs).bytesPerFrame
        return AZAUDIO_OK
    } catch {
        return fail(prefixed(error, "azaudio_frame_bytes"))
    }
}

@c @implementation
public func azaudio_frame_cursor_create(
    _ format: Int32, _ sampleRate: UInt32, _ channels: UInt32, _ frameMs: UInt32, _ data: UnsafeRawPointer!,
    _ size: Int, _ outCursor: UnsafeMutablePointer<OpaquePointer?>!
) -> azaudio_result {
    do throws(AzError) {
        guard let outCursor else { throw .invalidArgument("out_cursor is NULL") }
        guard size >= 0 else { throw .invalidArgument("size is too large") }
        guard data != nil || size == 0 else { throw .invalidArgument("data is NULL") }
        let audio = UnsafeRawBufferPointer(start: size == 0 ? nil : data, count: size)
        let c = try FrameCursor(layout: try layout(format, sampleRate, channels, frameMs), audio: audio)
        outCursor.pointee = OpaquePointer(Unmanaged.passRetained(c).toOpaque())
        return AZAUDIO_OK
    } catch {
        return fail(prefixed(error, "azaudio_frame_cursor_create"))
    }
}

@c @implementation
public func azaudio_frame_cursor_next(
    _ c: OpaquePointer!, _ outFrame: UnsafeMutablePointer<UnsafeRawPointer?>!, _ outSize: UnsafeMutablePointer<Int>!,
    _ outTimestampUs: UnsafeMutablePointer<UInt64>!
) -> azaudio_result {
    guard let c else { return fail(.invalidArgument, "azaudio_frame_cursor_next: cursor is NULL") }
    guard let outFrame else { return fail(.invalidArgument, "azaudio_frame_cursor_next: out_frame is NULL") }
    guard let outSize else { return fail(.invalidArgument, "azaudio_frame_cursor_next: out_size is NULL") }
    if let (frame, timestamp) = cursor(c).next() {
        outFrame.pointee = frame.baseAddress
        outSize.pointee = frame.count
        outTimestampUs?.pointee = UInt64(timestamp)
    } else {
        outFrame.pointee = nil
        outSize.pointee = 0
    }
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_frame_cursor_count(_ c: OpaquePointer!) -> Int {
    guard let c else { return 0 }
    return cursor(c).frameCount
}

@c @implementation
public func azaudio_frame_cursor_rewind(_ c: OpaquePointer!) -> azaudio_result {
    guard let c else { return fail(.invalidArgument, "azaudio_frame_cursor_rewind: cursor is NULL") }
    cursor(c).rewind()
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_frame_cursor_destroy(_ c: OpaquePointer!) {
    guard let c else { return }
    Unmanaged<FrameCursor>.fromOpaque(UnsafeRawPointer(c)).release()
}

@c @implementation
public func azaudio_monotonic_us() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
}

@c @implementation
public func azaudio_sleep_until_us(_ deadlineUs: UInt64) -> azaudio_result {
    var ts = timespec(tv_sec: Int(deadlineUs / 1_000_000), tv_nsec: Int(deadlineUs % 1_000_000) * 1000)
    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
    return AZAUDIO_OK
}
