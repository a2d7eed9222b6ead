import AzAudioCore
import CAzAudio
import Glibc

/// What an `azaudio_transcript *` points to: the engine's transcript and its strings as C strings.
final class TranscriptHandle {
    let transcript: Transcript
    let text: OwnedCString
    let raw: OwnedBytes
    let language: OwnedCString
    let requestID: OwnedCString
    let segmentTexts: [OwnedCString]
    let segmentSpeakers: [OwnedCString]
    let segmentIDs: [OwnedCString]
    let wordTexts: [OwnedCString]

    init(_ t: Transcript) {
        transcript = t
        text = OwnedCString(t.text)
        raw = OwnedBytes(t.rawBody)
        language = OwnedCString(t.language ?? "")
        requestID = OwnedCString(t.requestID)
        segmentTexts = t.segments.map { OwnedCString($0.text) }
        segmentSpeakers = t.segments.map { OwnedCString($0.speaker ?? "") }
        segmentIDs = t.segments.map { OwnedCString($0.segmentID) }
        wordTexts = t.words.map { OwnedCString($0.word) }
    }

    static func from(_ pointer: OpaquePointer) -> TranscriptHandle {
        Unmanaged<TranscriptHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }

    func retainedPointer() -> OpaquePointer { OpaquePointer(Unmanaged.passRetained(self).toOpaque()) }
}

enum TranscriptionOptionsABI: SizedStructABI {
    static let typeName = "azaudio_transcription_options"
    static let firstReleaseSize = end(of: \azaudio_transcription_options.progress_user_data)

    static var defaults: azaudio_transcription_options {
        var o = azaudio_transcription_options()
        o.struct_size = UInt32(MemoryLayout<azaudio_transcription_options>.size)
        o.temperature = -1
        o.timeout_ms = -1
        o.max_retries = -1
        o.max_upload_bytes = AudioTextRequest.maxBodyBytes
        return o
    }

    static func engine(_ o: azaudio_transcription_options) throws(AzError) -> AudioTextOptions {
        var e = AudioTextOptions(deployment: try requiredString(o.deployment, "options->deployment"))
        e.model = try optionalString(o.model, "options->model")
        e.language = try optionalString(o.language, "options->language")
        e.prompt = try optionalString(o.prompt, "options->prompt")
        e.responseFormat = try optionalString(o.response_format, "options->response_format")
        e.temperature = o.temperature < 0 ? nil : o.temperature
        guard o.timestamp_granularities & ~(AZAUDIO_TIMESTAMP_SEGMENT | AZAUDIO_TIMESTAMP_WORD) == 0 else {
            throw .invalidArgument("options->timestamp_granularities has unknown bits: use AZAUDIO_TIMESTAMP_*")
        }
        e.segmentTimestamps = o.timestamp_granularities & AZAUDIO_TIMESTAMP_SEGMENT != 0
        e.wordTimestamps = o.timestamp_granularities & AZAUDIO_TIMESTAMP_WORD != 0
        e.includeLogprobs = o.include_logprobs != 0
        e.chunkingStrategy = try optionalString(o.chunking_strategy, "options->chunking_strategy")
        e.stream = o.stream != 0
        e.knownSpeakers = try knownSpeakers(o.known_speakers, count: o.known_speaker_count)
        e.languages = try stringArray(o.languages, count: o.language_count, name: "options->languages")
        e.keywords = try stringArray(o.keywords, count: o.keyword_count, name: "options->keywords")
        return e
    }
}

enum TranslationOptionsABI: SizedStructABI {
    static let typeName = "azaudio_translation_options"
    static let firstReleaseSize = end(of: \azaudio_translation_options.progress_user_data)

    static var defaults: azaudio_translation_options {
        var o = azaudio_translation_options()
        o.struct_size = UInt32(MemoryLayout<azaudio_translation_options>.size)
        o.temperature = -1
        o.timeout_ms = -1
        o.max_retries = -1
        o.max_upload_bytes = AudioTextRequest.maxBodyBytes
        return o
    }

    static func engine(_ o: azaudio_translation_options) throws(AzError) -> AudioTextOptions {
        var e = AudioTextOptions(deployment: try requiredString(o.deployment, "options->deployment"))
        e.model = try optionalString(o.model, "options->model")
        e.prompt = try optionalString(o.prompt, "options->prompt")
        e.responseFormat = try optionalString(o.response_format, "options->response_format")
        e.temperature = o.temperature < 0 ? nil : o.temperature
        return e
    }
}

/// Wraps a C read callback as the engine's reader.
func readerInput(filename: String, fn: azaudio_read_fn?, user: UnsafeMutableRawPointer?) throws(AzError) -> AudioInput {
    guard let fn else { throw .invalidArgument("read is NULL") }
    return .reader(filename: filename) { (buffer: UnsafeMutableRawBufferPointer) throws(AzError) -> Int in
        let n = fn(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), buffer.count, user)
        if n < 0 { throw AzError(.cancelled, "the read callback returned \(n): the upload was stopped") }
        guard n <= Int64(buffer.count) else {
            throw .invalidArgument("the read callback returned \(n) for a \(buffer.count)-byte buffer")
        }
        return Int(n)
    }
}

/// The shared body of every transcribe/translate export.
func runAudioToText(
    _ task: AudioTextTask, _ function: String, client: OpaquePointer?, out: UnsafeMutablePointer<OpaquePointer?>?,
    input: () throws(AzError) -> AudioInput,
    options: () throws(AzError) -> AudioTextCall
) -> azaudio_result {
    withClient(client, function) { (handle: ClientHandle) throws(AzError) in
        guard let out else { throw .invalidArgument("out_transcript is NULL") }
        let call = try options()
        call.long.deliverPartial(nil)
        let long = try call.long.engine()
        do throws(AzError) {
            let transcript = try handle.client.audioToTextAnyLength(
                task, input: try input(), options: call.options, long: long, settings: call.settings,
                onDelta: { (delta: String) throws(AzError) in try deliverText(call.onDelta, call.deltaUser, delta) },
                onSegment: { (segment: TranscriptSegment) throws(AzError) in
                    try deliverSegment(call.onSegment, call.segmentUser, segment)
                })
            out.pointee = TranscriptHandle(transcript).retainedPointer()
        } catch {
            call.long.deliverPartial(long.partial)
            throw error
        }
    }
}

/// What a transcribe export needs from the caller's options: the engine's options, the call settings, the
/// callbacks with their user data and the long-audio fields.
struct AudioTextCall {
    var options: AudioTextOptions
    var settings: CallSettings
    var long: LongAudioFields
    var onDelta: azaudio_text_fn? = nil
    var deltaUser: UnsafeMutableRawPointer? = nil
    var onSegment: azaudio_segment_fn? = nil
    var segmentUser: UnsafeMutableRawPointer? = nil
}

func transcriptionOptions(_ p: UnsafePointer<azaudio_transcription_options>?) throws(AzError) -> AudioTextCall {
    let o = try TranscriptionOptionsABI.read(p)
    return AudioTextCall(
        options: try TranscriptionOptionsABI.engine(o),
        settings: try callSettings(
            cancel: o.cancel_token, timeoutMs: o.timeout_ms, maxRetries: o.max_retries,
            progress: o.on_progress, progressUserData: o.progress_user_data),
        long: LongAudioFields(o),
        onDelta: o.on_delta, deltaUser: o.delta_user_data, onSegment: o.on_segment, segmentUser: o.segment_user_data)
}

func translationOptions(_ p: UnsafePointer<azaudio_translation_options>?) throws(AzError) -> AudioTextCall {
    let o = try TranslationOptionsABI.read(p)
    return AudioTextCall(
        options: try TranslationOptionsABI.engine(o),
        settings: try callSettings(
            cancel: o.cancel_token, timeoutMs: o.timeout_ms, maxRetries: o.max_retries,
            progress: o.on_progress, progressUserData: o.progress_user_data),
        long: LongAudioFields(o))
}

func memoryInput(
    _ data: UnsafePointer<UInt8>?, _ size: Int, _ filename: UnsafePointer<CChar>?
) throws(AzError)
    -> AudioInput
{
    let name = try requiredString(filename, "filename")
    guard let data else { throw .invalidArgument("data is NULL") }
    guard size >= 0 else { throw .invalidArgument("size is too large") }  // a size_t above Int.max
    // Refused before the copy: audio over the service's whole-body limit can never be sent.
    guard Int64(size) <= AudioTextRequest.maxBodyBytes else {
        throw AzError(
            .payloadTooLarge,
            "the audio is \(size) bytes, over the service's limit of \(AudioTextRequest.maxBodyBytes) bytes for the "
                + "whole request (25 MB): split or compress it")
    }
    return .memory(Array(UnsafeBufferPointer(start: data, count: size)), filename: name)
}

@c @implementation
public func azaudio_transcription_options_init(
    _ options: UnsafeMutablePointer<azaudio_transcription_options>!
)
    -> azaudio_result
{
    guard let options else { return fail(.invalidArgument, "azaudio_transcription_options_init: options is NULL") }
    options.pointee = TranscriptionOptionsABI.defaults
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_transcribe_file(
    _ client: OpaquePointer!, _ path: UnsafePointer<CChar>!, _ options: UnsafePointer<azaudio_transcription_options>!,
    _ out: UnsafeMutablePointer<OpaquePointer?>!
) -> azaudio_result {
    runAudioToText(
        .transcription, "azaudio_transcribe_file", client: client, out: out,
        input: { () throws(AzError) in .file(path: try requiredPath(path, "path")) },
        options: { () throws(AzError) in try transcriptionOptions(options) })
}

@c @implementation
public func azaudio_transcribe_memory(
    _ client: OpaquePointer!, _ data: UnsafePointer<UInt8>!, _ size: Int, _ filename: UnsafePointer<CChar>!,
    _ options: UnsafePointer<azaudio_transcription_options>!, _ out: UnsafeMutablePointer<OpaquePointer?>!
) -> azaudio_result {
    runAudioToText(
        .transcription, "azaudio_transcribe_memory", client: client, out: out,
        input: { () throws(AzError) in try memoryInput(data, size, filename) },
        options: { () throws(AzError) in try transcriptionOptions(options) })
}

@c @implementation
public func azaudio_transcribe_callback(
    _ client: OpaquePointer!, _ filename: UnsafePointer<CChar>!,
    _ options: UnsafePointer<azaudio_transcription_options>!, _ out: UnsafeMutablePointer<OpaquePointer?>!,
    _ read: azaudio_read_fn!, _ readUserData: UnsafeMutableRawPointer!
) -> azaudio_result {
    runAudioToText(
        .transcription, "azaudio_transcribe_callback", client: client, out: out,
        input: { () throws(AzError) in
            try readerInput(filename: try requiredString(filename, "filename"), fn: read, user: readUserData)
        },
        options: { () throws(AzError) in try transcriptionOptions(options) })
}

@c @implementation
public func azaudio_translation_options_init(
    _ options: UnsafeMutablePointer<azaudio_translation_options>!
)
    -> azaudio_result
{
    guard let options else { return fail(.invalidArgument, "azaudio_translation_options_init: options is NULL") }
    options.pointee = TranslationOptionsABI.defaults
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_translate_file(
    _ client: OpaquePointer!, _ path: UnsafePointer<CChar>!, _ options: UnsafePointer<azaudio_translation_options>!,
    _ out: UnsafeMutablePointer<OpaquePointer?>!
) -> azaudio_result {
    runAudioToText(
        .translation, "azaudio_translate_file", client: client, out: out,
        input: { () throws(AzError) in .file(path: try requiredPath(path, "path")) },
        options: { () throws(AzError) in try translationOptions(options) })
}

@c @implementation
public func azaudio_translate_memory(
    _ client: OpaquePointer!, _ data: UnsafePointer<UInt8>!, _ size: Int, _ filename: UnsafePointer<CChar>!,
    _ options: UnsafePointer<azaudio_translation_options>!, _ out: UnsafeMutablePointer<OpaquePointer?>!
) -> azaudio_result {
    runAudioToText(
        .translation, "azaudio_translate_memory", client: client, out: out,
        input: { () throws(AzError) in try memoryInput(data, size, filename) },
        options: { () throws(AzError) in try translationOptions(options) })
}

@c @implementation
public func azaudio_translate_callback(
    _ client: OpaquePointer!, _ filename: UnsafePointer<CChar>!,
    _ options: UnsafePointer<azaudio_translation_options>!, _ out: UnsafeMutablePointer<OpaquePointer?>!,
    _ read: azaudio_read_fn!, _ readUserData: UnsafeMutableRawPointer!
) -> azaudio_result {
    runAudioToText(
        .translation, "azaudio_translate_callback", client: client, out: out,
        input: { () throws(AzError) in
            try readerInput(filename: try requiredString(filename, "filename"), fn: read, user: readUserData)
        },
        options: { () throws(AzError) in try translationOptions(options) })
}

@c @implementation
public func azaudio_transcript_text(_ t: OpaquePointer!) -> UnsafePointer<CChar>! {
    guard let t else { return nil }
    return UnsafePointer(TranscriptHandle.from(t).text.pointer)
}

@c @implementation
public func azaudio_transcript_raw_body(
    _ t: OpaquePointer!, _ outSize: UnsafeMutablePointer<Int>!
)
    -> UnsafePointer<CChar>!
{
    guard let t else { return nil }
    let h = TranscriptHandle.from(t)
    outSize?.pointee = h.raw.count
    return h.raw.cString
}

@c @implementation
public func azaudio_transcript_language(_ t: OpaquePointer!) -> UnsafePointer<CChar>! {
    guard let t else { return nil }
    return UnsafePointer(TranscriptHandle.from(t).language.pointer)
}

@c @implementation
public func azaudio_transcript_duration(_ t: OpaquePointer!) -> Double {
    guard let t else { return -1 }
    return TranscriptHandle.from(t).transcript.duration ?? -1
}

@c @implementation
public func azaudio_transcript_segment_count(_ t: OpaquePointer!) -> Int {
    guard let t else { return 0 }
    return TranscriptHandle.from(t).transcript.segments.count
}

@c @implementation
public func azaudio_transcript_segment(
    _ t: OpaquePointer!, _ index: Int, _ start: UnsafeMutablePointer<Double>!, _ end: UnsafeMutablePointer<Double>!,
    _ text: UnsafeMutablePointer<UnsafePointer<CChar>?>!
) -> azaudio_result {
    guard let t else { return fail(.invalidArgument, "azaudio_transcript_segment: transcript is NULL") }
    let h = TranscriptHandle.from(t)
    guard index >= 0, index < h.transcript.segments.count else {
        return fail(
            .invalidArgument,
            "azaudio_transcript_segment: index \(index) is out of range (\(h.transcript.segments.count) segments)")
    }
    start?.pointee = h.transcript.segments[index].start
    end?.pointee = h.transcript.segments[index].end
    text?.pointee = UnsafePointer(h.segmentTexts[index].pointer)
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_transcript_word_count(_ t: OpaquePointer!) -> Int {
    guard let t else { return 0 }
    return TranscriptHandle.from(t).transcript.words.count
}

@c @implementation
public func azaudio_transcript_word(
    _ t: OpaquePointer!, _ index: Int, _ start: UnsafeMutablePointer<Double>!, _ end: UnsafeMutablePointer<Double>!,
    _ word: UnsafeMutablePointer<UnsafePointer<CChar>?>!
) -> azaudio_result {
    guard let t else { return fail(.invalidArgument, "azaudio_transcript_word: transcript is NULL") }
    let h = TranscriptHandle.from(t)
    guard index >= 0, index < h.transcript.words.count else {
        return fail(
            .invalidArgument,
            "azaudio_transcript_word: index \(index) is out of range (\(h.transcript.words.count) words)")
    }
    start?.pointee = h.transcript.words[index].start
    end?.pointee = h.transcript.words[index].end
    word?.pointee = UnsafePointer(h.wordTexts[index].pointer)
    return AZAUDIO_OK
}

@c @implementation
public func azaudio_transcript_logprob_count(_ t: OpaquePointer!) -> Int {
    guard let t else { return 0 }
    return TranscriptHandle.from(t).transcript.logprobCount
}

@c @implementation
public func azaudio_transcript_usage(
    _ t: OpaquePointer!, _ usage: UnsafeMutablePointer<azaudio_usage>!
)
    -> azaudio_result
{
    guard let t else { return fail(.invalidArgument, "azaudio_transcript_usage: transcript is NULL") }
    return UsageABI.fill(TranscriptHandle.from(t).transcript.usage, into: usage, function: "azaudio_transcript_usage")
}

@c @implementation
public func azaudio_transcript_http_status(_ t: OpaquePointer!) -> Int32 {
    guard let t else { return 0 }
    return Int32(clamping: TranscriptHandle.from(t).transcript.httpStatus)
}

@c @implementation
public func azaudio_transcript_request_id(_ t: OpaquePointer!) -> UnsafePointer<CChar>! {
    guard let t else { return nil }
    return UnsafePointer(TranscriptHandle.from(t).requestID.pointer)
}

@c @implementation
public func azaudio_transcript_free(_ t: OpaquePointer!) {
    guard let t else { return }
    Unmanaged<TranscriptHandle>.fromOpaque(UnsafeRawPointer(t)).release()
}
