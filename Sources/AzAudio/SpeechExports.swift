import AzAudioCore
import CAzAudio
import Glibc

enum SpeechOptionsABI: SizedStructABI {
    static let typeName = "azaudio_speech_options"
    static let firstReleaseSize = end(of: \azaudio_speech_options.max_retries)

    static var defaults: azaudio_speech_options {
        var o = azaudio_speech_options()
        o.struct_size = UInt32(MemoryLayout<azaudio_speech_options>.size)
        o.timeout_ms = -1
        o.max_retries = -1
        return o
    }

    static func engine(_ p: UnsafePointer<azaudio_speech_options>?) throws(AzError) -> (SpeechOptions, CallSettings) {
        let o = try read(p)
        var e = SpeechOptions(deployment: try requiredString(o.deployment, "options->deployment"))
        e.model = try optionalString(o.model, "options->model")
        if let voice = try optionalString(o.voice, "options->voice") { e.voice = voice }
        e.responseFormat = try optionalString(o.response_format, "options->response_format")
        e.speed = o.speed == 0 ? nil : o.speed
        e.instructions = try optionalString(o.instructions, "options->instructions")
        e.streamFormat = try optionalString(o.stream_format, "options->stream_format")
        return (e, try callSettings(cancel: o.cancel_token, timeoutMs: o.timeout_ms, maxRetries: o.max_retries))
    }
}

/// A file written as audio arrives; removed unless the call succeeds.
final class AudioFileWriter {
    let path: String
    let fd: Int32
    var committed = false

    init(path: String) throws(AzError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw AzError(.io, "cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.fd = fd
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(AzError) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw AzError(.io, "writing '\(path)' failed: \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    func commit() throws(AzError) {
        guard close(fd) == 0 else {
            unlink(path)
            throw AzError(.io, "closing '\(path)' failed: \(String(cString: strerror(errno)))")
        }
        committed = true
    }

    deinit {
        if !committed {
            close(fd)
            unlink(path)
        }
    }
}

@c @implementation
public func azaudio_speech_options_init(_ options: UnsafeMutablePointer<azaudio_speech_options>!) -> azaudio_result {
    guard let options else { return fail(.invalidArgument, "azaudio_speech_options_init: options is NULL") }
    options.pointee = SpeechOptionsABI.defaults
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_speak(
    _ client: OpaquePointer!, _ text: UnsafePointer<CChar>!, _ options: UnsafePointer<azaudio_speech_options>!,
    _ onAudio: azaudio_audio_fn!, _ userData: UnsafeMutableRawPointer!
) -> azaudio_result {
    withClient(client, "azaudio_speak") { (handle: ClientHandle) throws(AzError) in
        let input = try requiredString(text, "text")
        guard let onAudio else { throw .invalidArgument("on_audio is NULL") }
        let (o, settings) = try SpeechOptionsABI.engine(options)
        _ = try handle.client.speak(text: input, options: o, settings: settings) {
            (bytes: UnsafeRawBufferPointer) throws(AzError) in try deliverAudio(onAudio, userData, bytes)
        }
    }
}

@c @implementation
public func azaudio_speak_to_file(
    _ client: OpaquePointer!, _ text: UnsafePointer<CChar>!, _ path: UnsafePointer<CChar>!,
    _ options: UnsafePointer<azaudio_speech_options>!
) -> azaudio_result {
    withClient(client, "azaudio_speak_to_file") { (handle: ClientHandle) throws(AzError) in
        let input = try requiredString(text, "text")
        let target = try requiredPath(path, "path")
        guard !target.isEmpty else { throw .invalidArgument("path is empty") }
        let (o, settings) = try SpeechOptionsABI.engine(options)
        // Check the request before creating (and truncating) the file.
        _ = try SpeechRequest.body(text: input, options: o, family: handle.client.configuration.family)
        let writer = try AudioFileWriter(path: target)
        _ = try handle.client.speak(text: input, options: o, settings: settings) {
            (bytes: UnsafeRawBufferPointer) throws(AzError) in try writer.write(bytes)
        }
        try writer.commit()
    }
}

@c @implementation
public func azaudio_speak_to_buffer(
    _ client: OpaquePointer!, _ text: UnsafePointer<CChar>!, _ options: UnsafePointer<azaudio_speech_options>!,
    _ outData: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>!, _ outSize: UnsafeMutablePointer<Int>!
) -> azaudio_result {
    withClient(client, "azaudio_speak_to_buffer") { (handle: ClientHandle) throws(AzError) in
        let input = try requiredString(text, "text")
        guard let outData, let outSize else { throw .invalidArgument("out_data or out_size is NULL") }
        let (o, settings) = try SpeechOptionsABI.engine(options)
        var audio: [UInt8] = []
        _ = try handle.client.speak(text: input, options: o, settings: settings) {
            (bytes: UnsafeRawBufferPointer) throws(AzError) in audio.append(contentsOf: bytes)
        }
        guard let buffer = malloc(max(1, audio.count))?.assumingMemoryBound(to: UInt8.self) else {
            throw AzError(.outOfMemory, "could not allocate \(audio.count) bytes for the audio")
        }
        audio.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { buffer.initialize(from: base, count: audio.count) }
        }
        outData.pointee = buffer
        outSize.pointee = audio.count
    }
}
