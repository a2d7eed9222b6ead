/// Finds the first audible part of a reply's audio (AZURE-AUDIO-2026.md section 7: "first 10 ms window above a
/// level gate, since replies can start with silence"), as plain state fed chunk by chunk in the session's output
/// format: PCM16 as is, G.711 (μ-law, A-law) decoded to its level first. The windows are 10 ms of the stream from
/// the reply's first sample, across chunk borders; a window is audible when its RMS level reaches `gateRMS`
/// (about -40 dBFS).
struct AudibleGate: Sendable, Equatable {
    /// RMS level (16-bit full scale 32768) a 10 ms window must reach: -40 dBFS.
    static let gateRMS: Int64 = 328

    let format: AudioFormat
    /// Samples per 10 ms window.
    let windowSamples: Int
    private var samplesSeen = 0
    private var windowSum: Int64 = 0
    private var windowCount = 0
    /// Where the first audible window starts in the reply audio (ms), once found.
    private(set) var audibleAtMs: Int?

    /// `format`: .pcm16 (24 kHz) or G.711 (8 kHz), the session's output.
    init(format: AudioFormat) {
        self.format = format
        windowSamples = format.sessionStream.rate / 100
    }

    /// Feeds the next chunk of the reply's audio. Returns true when this chunk holds the end of the first audible
    /// window (then `audibleAtMs` is set and later chunks are not looked at).
    mutating func feed(_ audio: UnsafeRawBufferPointer) -> Bool {
        guard audibleAtMs == nil, windowSamples > 0 else { return false }
        let threshold = Self.gateRMS * Self.gateRMS * Int64(windowSamples)
        let count = format == .pcm16 ? audio.count / 2 : audio.count
        for index in 0..<count {
            let sample: Int16
            switch format {
            case .pcm16: sample = Int16(littleEndian: audio.loadUnaligned(fromByteOffset: index * 2, as: Int16.self))
            case .ulaw: sample = ULaw.decodeTable[Int(audio[index])]
            case .alaw: sample = ALaw.decodeTable[Int(audio[index])]
            default: return false  // (a realtime session carries only the three)
            }
            windowSum += Int64(sample) * Int64(sample)
            windowCount += 1
            if windowCount == windowSamples {
                if windowSum >= threshold {
                    audibleAtMs = samplesSeen * 10 / windowSamples
                    return true
                }
                samplesSeen += windowCount
                windowSum = 0
                windowCount = 0
            }
        }
        return false
    }
}
