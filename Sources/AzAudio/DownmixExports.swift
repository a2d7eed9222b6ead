import AzAudioCore
import CAzAudio

// Down-mix and whole-buffer conversion to mono PCM16 (the audio kit's "any WAV in").

@c @implementation
public func azaudio_audio_to_mono_pcm16(
    _ format: Int32, _ channels: UInt32, _ input: UnsafeRawPointer!, _ frames: Int,
    _ outPCM: UnsafeMutablePointer<Int16>!
) -> azaudio_result {
    do throws(AzError) {
        let kit = try WAVInfoABI.format(format)
        guard channels > 0, channels <= 65535 else {
            throw .invalidArgument("channels is \(channels); use 1 to 65535")
        }
        guard frames >= 0, frames <= Int.max / (Int(channels) * 8) else {
            throw .invalidArgument("frames is \(UInt(bitPattern: frames)): the input size would overflow")
        }
        guard frames == 0 || (input != nil && outPCM != nil) else {
            throw .invalidArgument(input == nil ? "in is NULL" : "out_pcm is NULL")
        }
        guard frames > 0 else { return AZAUDIO_OK }
        Downmix.toMonoPCM16(
            UnsafeRawBufferPointer(start: input, count: frames * Int(channels) * kit.bytesPerSample),
            format: kit, channels: Int(channels),
            into: UnsafeMutableBufferPointer(start: outPCM, count: frames))
        return AZAUDIO_OK
    } catch {
        return fail(prefixed(error, "azaudio_audio_to_mono_pcm16"))
    }
}

@c @implementation
public func azaudio_audio_buffer_to_mono_pcm16(
    _ buffer: OpaquePointer!, _ sampleRate: UInt32, _ outBuffer: UnsafeMutablePointer<OpaquePointer?>!
) -> azaudio_result {
    do throws(AzError) {
        guard let buffer else { throw .invalidArgument("buffer is NULL") }
        guard let outBuffer else { throw .invalidArgument("out_buffer is NULL") }
        let source = Unmanaged<AudioBuffer>.fromOpaque(UnsafeRawPointer(buffer)).takeUnretainedValue()
        let converted = try source.monoPCM16(sampleRate: Int(sampleRate))
        outBuffer.pointee = OpaquePointer(Unmanaged.passRetained(converted).toOpaque())
        return AZAUDIO_OK
    } catch {
        return fail(prefixed(error, "azaudio_audio_buffer_to_mono_pcm16"))
    }
}
