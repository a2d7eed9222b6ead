// libFuzzer target for the long-audio decoders (issue 16): libsndfile through the engine's two entry points,
// SoundFileReader(bytes:name:) (virtual I/O over memory) and SoundFileReader(path:) (a file on disk), then what a
// long transcription does with a decodable recording: the measuring pass (mono down-mix, loudness profile), the
// pause detector, the cut planner, and the first piece written as FLAC or WAV after a seek. Compiled with those
// engine sources (fuzz/longaudio/sources) under ASan; libsndfile itself is Debian's (fuzzed by OSS-Fuzz), so this
// checks the engine's use of it: the header checks, frame counts, seeks and buffers.
//
// Input: byte 0 chooses the entry point (bit 0: file) and the piece encoding (bit 1: WAV); the rest is the audio.
// Every input must decode or throw; a crash, trap, sanitizer report, leak or timeout is a bug.
import Glibc

/// The measuring pass takes the call's cancel token; a fuzz run is never cancelled. (The real one needs curl.)
public final class CancellationToken {
    public var isCancelled: Bool { false }
}

private let directory: String = {
    var template = Array("/tmp/azaudio-fuzz-longaudio-XXXXXX".utf8CString)
    guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else { fatalError("mkdtemp") }
    return String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLongAudio(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard size > 0, let data else { return 0 }
    let how = data[0]
    let audio = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let reader: SoundFileReader
    let input = directory + "/input.audio"
    defer { unlink(input) }
    do throws(AzError) {
        if how & 1 == 1 {
            let fd = open(input, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            precondition(fd >= 0, "cannot write the input file")
            _ = audio.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            reader = try SoundFileReader(path: input)
        } else {
            reader = try SoundFileReader(bytes: audio, name: "input.audio")
        }
    } catch {
        precondition(error.kind == .unsupported, "a decoder refusal that is not .unsupported: \(error.message)")
        return 0
    }
    // What the reader promises about an opened recording.
    precondition(reader.sampleRate > 0 && reader.channels > 0 && reader.channels <= 256 && reader.frames >= 0)
    let encoder = PieceEncoder(reader: reader)
    guard let (profile, total) = try? encoder.measure(cancel: nil) else { return 0 }
    precondition(total >= 0)
    let pauses = PauseDetector().pauses(in: profile)
    for (a, b) in zip(pauses, pauses.dropFirst()) { precondition(a.start < a.end && a.end <= b.start) }
    // Pieces of at most a second (or the whole recording when shorter), as the job would plan them.
    let rate = Int64(reader.sampleRate)
    let planner = CutPlanner(maxFrames: rate, overlapFrames: rate / 10, minFrames: rate / 5)
    let plans = planner.plan(totalFrames: total, pauses: pauses)
    if total > 0 {
        precondition(plans.first?.start == 0 && plans.last?.end == total, "the pieces do not cover the recording")
        for p in plans { precondition(p.start < p.end && p.keepFrom <= p.keepUntil) }
    }
    // The first and the last piece written (the last after a seek), only for short recordings: each write encodes.
    if total > 0 && total <= 8 * rate {
        let encoding: PieceEncoding = how & 2 == 2 ? .wav : .flac
        let piece = directory + "/piece." + encoding.fileExtension
        for plan in [plans[0], plans[plans.count - 1]] { try? encoder.write(plan, to: piece, encoding: encoding) }
        unlink(piece)
    }
    return 0
}
