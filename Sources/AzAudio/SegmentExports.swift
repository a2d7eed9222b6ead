import AzAudioCore
import CAzAudio

// Diarization in the C ABI: known speakers and string arrays read from the caller's options, segments handed
// to the caller's callback and read from a transcript.

/// The caller's known speakers, copied (clips in memory are copied now; files are read when the request is built).
func knownSpeakers(_ p: UnsafePointer<azaudio_known_speaker>?, count: Int) throws(AzError) -> [KnownSpeaker] {
    guard count > 0 else { return [] }
    guard let p else { throw .invalidArgument("options->known_speakers is NULL but known_speaker_count is \(count)") }
    guard count <= KnownSpeaker.maxSpeakers else {
        throw .invalidArgument("\(count) known speakers given; the service takes at most \(KnownSpeaker.maxSpeakers)")
    }
    var speakers: [KnownSpeaker] = []
    for index in 0..<count {
        let s = p[index]
        let label = "options->known_speakers[\(index)]"
        let name = try requiredString(s.name, "\(label).name")
        switch (s.path, s.data) {
        case (let path?, nil):
            speakers.append(KnownSpeaker(name: name, clip: .file(path: String(cString: path))))
        case (nil, let data?):
            let filename = try requiredString(s.filename, "\(label).filename (it names the clip's format)")
            speakers.append(
                KnownSpeaker(
                    name: name,
                    clip: .memory(Array(UnsafeBufferPointer(start: data, count: s.size)), filename: filename)))
        case (nil, nil): throw .invalidArgument("\(label) has neither a path nor data")
        case (_?, _?): throw .invalidArgument("\(label) has both a path and data: give one")
        }
    }
    return speakers
}

/// An array of `count` C strings (none NULL).
func stringArray(_ p: UnsafePointer<UnsafePointer<CChar>?>?, count: Int, name: String) throws(AzError) -> [String] {
    guard count > 0 else { return [] }
    guard let p else { throw .invalidArgument("\(name) is NULL but its count is \(count)") }
    guard count <= 1024 else { throw .invalidArgument("\(name) has \(count) entries; at most 1024") }
    var out: [String] = []
    for index in 0..<count {
        guard let s = p[index] else { throw .invalidArgument("\(name)[\(index)] is NULL") }
        out.append(String(cString: s))
    }
    return out
}

/// azaudio_segment follows the sized-struct rule; new in 0.2.0, so its first release is its whole size.
enum SegmentABI: SizedStructABI {
    static let typeName = "azaudio_segment"
    static let firstReleaseSize = end(of: \azaudio_segment.text)
    static let remedy = "set it to sizeof(azaudio_segment)"
    static var defaults: azaudio_segment {
        var s = azaudio_segment()
        s.struct_size = UInt32(MemoryLayout<azaudio_segment>.size)
        return s
    }
}

/// Calls the caller's segment callback; a non-zero return stops the call.
func deliverSegment(
    _ fn: azaudio_segment_fn?, _ user: UnsafeMutableRawPointer?, _ segment: TranscriptSegment
)
    throws(AzError)
{
    guard let fn else { return }
    let id = OwnedCString(segment.segmentID)
    let speaker = OwnedCString(segment.speaker ?? "")
    let text = OwnedCString(segment.text)
    var value = SegmentABI.defaults
    value.id = UnsafePointer(id.pointer)
    value.speaker = UnsafePointer(speaker.pointer)
    value.start = segment.start
    value.end = segment.end
    value.text = UnsafePointer(text.pointer)
    let rc = withExtendedLifetime((id, speaker, text)) { fn(&value, user) }
    if rc != 0 { throw AzError(.cancelled, "the segment callback returned \(rc): the call was stopped") }
}

@c @implementation
public func azaudio_transcript_segment_speaker(_ t: OpaquePointer!, _ index: Int) -> UnsafePointer<CChar>! {
    guard let t else { return nil }
    let h = TranscriptHandle.from(t)
    guard index >= 0, index < h.segmentSpeakers.count else { return StaticCString.empty }
    return UnsafePointer(h.segmentSpeakers[index].pointer)
}

@c @implementation
public func azaudio_transcript_segment_info(
    _ t: OpaquePointer!, _ index: Int, _ out: UnsafeMutablePointer<azaudio_segment>!
) -> azaudio_result {
    let function = "azaudio_transcript_segment_info"
    guard let t else { return fail(.invalidArgument, "\(function): transcript is NULL") }
    guard let out else { return fail(.invalidArgument, "\(function): out_segment is NULL") }
    do throws(AzError) {
        try SegmentABI.checkOutput(out, argument: "out_segment")
    } catch {
        return fail(.invalidArgument, "\(function): \(error.message)")
    }
    let h = TranscriptHandle.from(t)
    guard index >= 0, index < h.transcript.segments.count else {
        return fail(
            .invalidArgument,
            "\(function): index \(index) is out of range (\(h.transcript.segments.count) segments)")
    }
    let segment = h.transcript.segments[index]
    var value = SegmentABI.defaults
    value.id = UnsafePointer(h.segmentIDs[index].pointer)
    value.speaker = UnsafePointer(h.segmentSpeakers[index].pointer)
    value.start = segment.start
    value.end = segment.end
    value.text = UnsafePointer(h.segmentTexts[index].pointer)
    return SegmentABI.fill(value, into: out, argument: "out_segment", function: function)
}
