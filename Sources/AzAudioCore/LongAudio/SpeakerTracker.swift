/// Keeps diarized speaker labels consistent across the pieces of one recording. Each piece labels its voices on
/// its own ("A", "B", ... in order of appearance), so the same voice could be "A" in one piece and "B" in the next.
/// After a piece is answered, a reference clip of each voice heard so far (cut from that voice's longest segment,
/// 2 to 8 s, from the piece's own decoded audio) is passed to later pieces as a known speaker named
/// `azaudio-voice-L`; a later piece that recognises the voice labels it with that name, which maps back to `L`.
/// Voices a piece hears that it was not told about get the next free label, unless clips of other voices were found
/// while it ran: then it is sent again with them first (`mustResend`). The caller's own known speakers keep their
/// names and take the first of the service's 4 slots.
final class SpeakerTracker {
    static let namePrefix = "azaudio-voice-"
    static let maxClipSeconds = 8.0
    static let minClipSeconds = 2.2
    /// Segments shorter than this give no clip (a clip padded with mostly silence says little about a voice).
    static let minSegmentSeconds = 1.0
    /// How often one piece goes again because clips were found while it ran (see `mustResend`).
    static let maxResends = 3

    private struct Voice {
        var label: String
        var longest: Double = 0
        var clip: String? = nil
    }

    private let userSpeakers: [KnownSpeaker]
    private let userNames: Set<String>
    private let directory: String
    private var voices: [Voice] = []
    private var clipsWritten = 0

    init(userSpeakers: [KnownSpeaker], directory: String) {
        self.userSpeakers = userSpeakers
        userNames = Set(userSpeakers.map { $0.name })
        self.directory = directory
    }

    /// Clip slots left beside the caller's known speakers.
    var slots: Int { max(0, KnownSpeaker.maxSpeakers - userSpeakers.count) }

    /// The most request-body bytes the clips can add: each slot's WAV clip as base64, plus the form around it.
    static func reservedBytes(slots: Int, sampleRate: Int, user: [KnownSpeaker]) -> Int64 {
        let clip = Int64(maxClipSeconds * Double(sampleRate)) * 2 + 1024
        var total = Int64(slots) * (clip * 4 / 3 + 512)
        for speaker in user {
            switch speaker.clip {
            case .memory(let bytes, _): total += Int64(bytes.count) * 4 / 3 + 512
            case .file(let path): total += ((try? AudioFile(path: path).size) ?? 0) * 4 / 3 + 512
            }
        }
        return total
    }

    /// The known speakers to send with the next piece: the caller's, then the clips of the voices heard so far (the
    /// first `slots` voices in order of their labels).
    func knownSpeakers() -> [KnownSpeaker] {
        userSpeakers
            + voices.compactMap { v in
                v.clip.map { KnownSpeaker(name: Self.namePrefix + v.label, clip: .file(path: $0)) }
            }
            .prefix(slots)
    }

    /// Whether a piece's reply must go again with the clips found since it was sent (`sent`: the known speakers it
    /// carried): it heard a voice it was not told about, while voices it was not told about now have clips. Pieces
    /// run at the same time, so a voice first heard in two of them would otherwise get two labels; sent again with
    /// the other piece's clip, the service names the voice and both pieces agree.
    func mustResend(_ t: Transcript, sent: [KnownSpeaker]) -> Bool {
        let sentNames = Set(sent.map { $0.name })
        guard knownSpeakers().contains(where: { !sentNames.contains($0.name) }) else { return false }
        return t.segments.contains { segment in
            guard let speaker = segment.speaker else { return false }
            return !userNames.contains(speaker) && !speaker.hasPrefix(Self.namePrefix)
        }
    }

    /// A piece's diarized reply with every speaker on the whole recording's labels; clips are cut from `pieceFile`
    /// (the piece's audio, which starts at `offset` seconds of the recording) for voices heard longer than before.
    func relabel(_ t: Transcript, format: TranscriptFormat, pieceFile: String?) throws(AzError) -> Transcript {
        guard case .object(var body)? = try? JSONParser.parse(t.rawBody), let list = body["segments"]?.arrayValue else {
            return t
        }
        var local: [String: String] = [:]
        var segments: [JSONValue] = []
        for value in list {
            guard case .object(var s) = value, let speaker = s["speaker"]?.stringValue else {
                segments.append(value)
                continue
            }
            let label = globalLabel(speaker, local: &local)
            s["speaker"] = .string(label)
            segments.append(.object(s))
            if let start = s["start"]?.doubleValue, let end = s["end"]?.doubleValue, let pieceFile,
                !userNames.contains(label)
            {
                try offerClip(label: label, start: start, end: end, pieceFile: pieceFile)
            }
        }
        body["segments"] = .array(segments)
        var relabelled = try TranscriptParser.parse(Array(JSONWriter.serialize(.object(body)).utf8), format: format)
        relabelled.httpStatus = t.httpStatus
        relabelled.requestID = t.requestID
        return relabelled
    }

    private func globalLabel(_ speaker: String, local: inout [String: String]) -> String {
        if userNames.contains(speaker) { return speaker }
        if speaker.hasPrefix(Self.namePrefix) {
            let label = String(speaker.dropFirst(Self.namePrefix.count))
            if !voices.contains(where: { $0.label == label }) { voices.append(Voice(label: label)) }
            return label
        }
        if let known = local[speaker] { return known }
        var n = 0
        var label = Self.label(n)
        while voices.contains(where: { $0.label == label }) || userNames.contains(label) {
            n += 1
            label = Self.label(n)
        }
        voices.append(Voice(label: label))
        local[speaker] = label
        return label
    }

    /// Keeps a clip of `label`'s voice from a segment (piece-relative seconds) longer than the one it has.
    private func offerClip(label: String, start: Double, end: Double, pieceFile: String) throws(AzError) {
        guard let i = voices.firstIndex(where: { $0.label == label }) else { return }
        let length = end - start
        guard length.isFinite, length >= Self.minSegmentSeconds, length > voices[i].longest else { return }
        let reader = try SoundFileReader(path: pieceFile)
        let first = Int64((max(0, start) * Double(reader.sampleRate)).rounded())
        let frames = Int(min(length, Self.maxClipSeconds) * Double(reader.sampleRate))
        let padded = max(frames, Int(Self.minClipSeconds * Double(reader.sampleRate)))
        var samples = [Float](repeating: 0, count: padded)
        try reader.seek(toFrame: first)
        var got = 0
        while got < frames {
            let n = try samples.withUnsafeMutableBufferPointer {
                (b: inout UnsafeMutableBufferPointer<Float>) throws(AzError) -> Int in
                try reader.readMono(into: UnsafeMutableBufferPointer(rebasing: b[got..<frames]))
            }
            if n == 0 { break }
            got += n
        }
        guard got >= Int(Self.minSegmentSeconds * Double(reader.sampleRate)) else { return }
        // A new file each time (the old one stays until the job ends): a piece being sent may still read it.
        clipsWritten += 1
        let path = "\(directory)/voice-\(clipsWritten).wav"
        let writer = try SoundFileWriter(path: path, sampleRate: reader.sampleRate, encoding: .wav)
        try samples.withUnsafeBufferPointer { (b: UnsafeBufferPointer<Float>) throws(AzError) in try writer.write(b) }
        try writer.close()
        voices[i].clip = path
        voices[i].longest = length
    }

    /// A, B, ..., Z, AA, AB, ... (the service's own order).
    static func label(_ n: Int) -> String {
        var label = ""
        var k = n + 1
        while k > 0 {
            let r = (k - 1) % 26
            label = String(UnicodeScalar(UInt8(65 + r))) + label
            k = (k - 1) / 26
        }
        return label
    }
}
