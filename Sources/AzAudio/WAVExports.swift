import AzAudioCore
import CAzAudio

// An `azaudio_audio_buffer *` is a retained engine `AudioBuffer`.

private func audioBuffer(_ pointer: OpaquePointer) -> AudioBuffer {
    Unmanaged<AudioBuffer>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
}

/// The caller's bytes, checked: NULL is allowed only for an empty buffer; sizes above Int.max are refused.
private func callerBytes(
    _ data: UnsafeRawPointer?, _ size: Int, _ name: String
) throws(AzError) -> UnsafeRawBufferPointer {
    guard size >= 0 else { throw .invalidArgument("size is too large") }
    guard data != nil || size == 0 else { throw .invalidArgument("\(name) is NULL") }
    return UnsafeRawBufferPointer(start: size == 0 ? nil : data, count: size)
}

@c @implementation
public func azaudio_wav_info_init(_ info: UnsafeMutablePointer<azaudio_wav_info>!) -> azaudio_result {
    guard let info else { return fail(.invalidArgument, "azaudio_wav_info_init: info is NULL") }
    info.pointee = WAVInfoABI.defaults
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_wav_parse(
    _ data: UnsafeRawPointer!, _ size: Int, _ info: UnsafeMutablePointer<azaudio_wav_info>!
) -> azaudio_result {
    do throws(AzError) {
        guard let info else { throw .invalidArgument("info is NULL") }
        try WAVInfoABI.checkOutput(info)
        let bytes = try callerBytes(data, size, "data")
        try WAVInfoABI.write(try WAVParser.parse(MemoryByteSource(bytes)), to: info)
        return AZAUDIO_OK
    } catch {
        return fail(prefixed(error, "azaudio_wav_parse"))
    }
}

@c @implementation
public func azaudio_wav_read_file(
    _ path: UnsafePointer<CChar>!, _ outBuffer: UnsafeMutablePointer<OpaquePointer?>!
) -> azaudio_result {
    do throws(AzError) {
        guard let path else { throw .invalidArgument("path is NULL") }
        guard let outBuffer else { throw .invalidArgument("out_buffer is NULL") }
        let buffer = try AudioBuffer(wavFile: String(cString: path))
        outBuffer.pointee = OpaquePointer(Unmanaged.passRetained(buffer).toOpaque())
        return AZAUDIO_OK
    } catch {
        return fail(prefixed(error, "azaudio_wav_read_file"))
    }
}

@c @implementation
public func azaudio_wav_read_memory(
    _ data: UnsafeRawPointer!, _ size: Int, _ outBuffer: UnsafeMutablePointer<OpaquePointer?>!
) -> azaudio_result {
    do throws(AzError) {
        guard let outBuffer else { throw .invalidArgument("out_buffer is NULL") }
        let buffer = try AudioBuffer(wav: MemoryByteSource(try callerBytes(data, size, "data")))
        outBuffer.pointee = OpaquePointer(Unmanaged.passRetained(buffer).toOpaque())
        return AZAUDIO_OK
    } catch {
        return fail(prefixed(error, "azaudio_wav_read_memory"))
    }
}

@c @implementation
public func azaudio_audio_buffer_info(
    _ buffer: OpaquePointer!, _ info: UnsafeMutablePointer<azaudio_wav_info>!
) -> azaudio_result {
    do throws(AzError) {
        guard let buffer else { throw .invalidArgument("buffer is NULL") }
        guard let info else { throw .invalidArgument("info is NULL") }
        try WAVInfoABI.checkOutput(info)
        try WAVInfoABI.write(audioBuffer(buffer).info, to: info)
        return AZAUDIO_OK
    } catch {
        return fail(prefixed(error, "azaudio_audio_buffer_info"))
    }
}

@c @implementation
public func azaudio_audio_buffer_data(_ buffer: OpaquePointer!) -> UnsafeRawPointer! {
    guard let buffer else { return nil }
    return UnsafeRawPointer(audioBuffer(buffer).storage)
}

@c @implementation
public func azaudio_audio_buffer_size(_ buffer: OpaquePointer!) -> Int {
    guard let buffer else { return 0 }
    return audioBuffer(buffer).bytes.count
}

@c @implementation
public func azaudio_audio_buffer_destroy(_ buffer: OpaquePointer!) {
    guard let buffer else { return }
    Unmanaged<AudioBuffer>.fromOpaque(UnsafeRawPointer(buffer)).release()
}

@c @implementation
public func azaudio_wav_header(
    _ info: UnsafePointer<azaudio_wav_info>!, _ dataSize: UInt32, _ out: UnsafeMutablePointer<UInt8>!,
    _ outCapacity: Int
) -> azaudio_result {
    do throws(AzError) {
        guard let info else { throw .invalidArgument("info is NULL") }
        guard let out else { throw .invalidArgument("out is NULL") }
        guard outCapacity < 0 || outCapacity >= WAVHeader.size else {
            throw .invalidArgument(
                "out_capacity is \(outCapacity); the header needs AZAUDIO_WAV_HEADER_SIZE (44) bytes")
        }
        try WAVHeader.write(
            try WAVInfoABI.read(info), dataSize: Int(dataSize),
            into: UnsafeMutableRawBufferPointer(start: out, count: WAVHeader.size))
        return AZAUDIO_OK
    } catch {
        return fail(prefixed(error, "azaudio_wav_header"))
    }
}

@c @implementation
public func azaudio_wav_write_file(
    _ path: UnsafePointer<CChar>!, _ info: UnsafePointer<azaudio_wav_info>!, _ data: UnsafeRawPointer!, _ size: Int
) -> azaudio_result {
    do throws(AzError) {
        guard let path else { throw .invalidArgument("path is NULL") }
        guard let info else { throw .invalidArgument("info is NULL") }
        let samples = try callerBytes(data, size, "data")
        try WAVFileWriter.write(path: String(cString: path), info: try WAVInfoABI.read(info), samples: samples)
        return AZAUDIO_OK
    } catch {
        return fail(prefixed(error, "azaudio_wav_write_file"))
    }
}
