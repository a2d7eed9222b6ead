import AzAudioCore
import Glibc
import XCTest

/// Audio in the caller's format (`AudioStreamConverter`) and the check of the formats the service confirms
/// (`ConfirmedSession`).
final class RealtimeAudioStreamTests: XCTestCase {
    static func sine(rate: Int, ms: Int, frequency: Double = 440) -> [Int16] {
        (0..<(rate * ms / 1000)).map {
            Int16((12000 * sin(2 * Double.pi * frequency * Double($0) / Double(rate))).rounded())
        }
    }

    static func bytes(_ samples: [Int16]) -> [UInt8] { samples.withUnsafeBytes { Array($0) } }

    /// Runs `input` through a converter in chunks of `chunk` bytes, then flushes.
    static func convert(_ input: [UInt8], _ from: AudioStreamFormat, _ to: AudioStreamFormat, chunk: Int) -> [UInt8] {
        let c = AudioStreamConverter(from: from, to: to)!
        var out: [UInt8] = []
        var i = 0
        while i < input.count {
            let n = min(chunk, input.count - i)
            input.withUnsafeBytes { b in c.convert(UnsafeRawBufferPointer(rebasing: b[i..<(i + n)])) { out += $0 } }
            i += n
        }
        c.flush { out += $0 }
        return out
    }

    let ulaw8 = AudioStreamFormat(.ulaw, rate: 8000)
    let pcm24 = AudioStreamFormat(.pcm16, rate: 24000)
    let pcm48 = AudioStreamFormat(.pcm16, rate: 48000)
    let pcm16k = AudioStreamFormat(.pcm16, rate: 16000)

    func testMuLaw8kToAG711UlawSessionPassesTheCallersBytesThrough() {
        let c = AudioStreamConverter(from: ulaw8, to: AudioFormat.ulaw.sessionStream)!
        XCTAssertTrue(c.isPassthrough)
        let frame = (0..<160).map { UInt8(truncatingIfNeeded: $0 * 7) }
        frame.withUnsafeBytes { input in
            c.convert(input) { output in
                XCTAssertEqual(output.baseAddress, input.baseAddress)  // the same memory: no copy
                XCTAssertEqual(output.count, 160)
            }
        }
    }

    func testOutputLengthIsTheStreamDurationAtTheNewRate() {
        let input = Self.bytes(Self.sine(rate: 24000, ms: 1000))  // 24000 samples
        XCTAssertEqual(Self.convert(input, pcm24, pcm48, chunk: 4800).count, 48000 * 2)
        XCTAssertEqual(Self.convert(input, pcm24, pcm16k, chunk: 4800).count, 16000 * 2)
        XCTAssertEqual(Self.convert(input, pcm24, ulaw8, chunk: 4800).count, 8000)
        let mulaw = [UInt8](repeating: 0xFF, count: 8000)
        XCTAssertEqual(Self.convert(mulaw, ulaw8, pcm24, chunk: 160).count, 24000 * 2)
    }

    func testChunkingDoesNotChangeTheOutput() {
        // Network deltas may even split a PCM16 sample: the odd byte waits for the next chunk.
        let input = Self.bytes(Self.sine(rate: 24000, ms: 500, frequency: 1000))
        let whole = Self.convert(input, pcm24, pcm48, chunk: input.count)
        for chunk in [1, 3, 101, 960, 4801] {
            XCTAssertEqual(Self.convert(input, pcm24, pcm48, chunk: chunk), whole, "chunks of \(chunk) bytes")
        }
    }

    func testMuLawUpsampledTo24kKeepsTheSignal() {
        // 8 kHz mu-law of a 440 Hz tone, to the session's 24 kHz PCM16: compare with the ideal tone.
        let tone8 = Self.sine(rate: 8000, ms: 400)
        var codes = [UInt8](repeating: 0, count: tone8.count)
        tone8.withUnsafeBufferPointer { p in codes.withUnsafeMutableBufferPointer { ULaw.encode(p, into: $0) } }
        let out = Self.convert(codes, ulaw8, pcm24, chunk: 160)
        let got = out.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        let ideal = Self.sine(rate: 24000, ms: 400)
        var signal = 0.0, noise = 0.0
        for i in 300..<(ideal.count - 300) {
            signal += Double(ideal[i]) * Double(ideal[i])
            noise += pow(Double(got[i]) - Double(ideal[i]), 2)
        }
        XCTAssertGreaterThan(10 * log10(signal / noise), 30)  // G.711 itself limits it to about 38 dB
    }

    func testALawToMuLawAtTheSameRateIsTranscodedWithoutResampling() {
        let c = AudioStreamConverter(from: AudioStreamFormat(.alaw, rate: 8000), to: ulaw8)!
        XCTAssertFalse(c.isPassthrough)
        XCTAssertEqual(c.latencySamples, 0)
        let codes: [UInt8] = [0xD5, 0x55, 0x2A, 0xAA]
        var out: [UInt8] = []
        codes.withUnsafeBytes { c.convert($0) { out += $0 } }
        XCTAssertEqual(out, codes.map { ULaw.encode(ALaw.decodeTable[Int($0)]) })  // decode, then encode
    }

    func testRatesOutside8To192KHzAreRefused() {
        for bad in [0, -8000, 7999, 192_001, Int.max] {
            XCTAssertNil(AudioStreamConverter(from: AudioStreamFormat(.pcm16, rate: bad), to: pcm24), "\(bad)")
            XCTAssertThrowsError(try AudioStreamFormat(.pcm16, rate: bad).validate("caller_input"), "\(bad)")
        }
    }

    func testCDAndOtherRatesAreConverted() throws {
        for rate in [11025, 22050, 44100, 96000, 192_000] {
            XCTAssertNoThrow(try AudioStreamFormat(.pcm16, rate: rate).validate("caller_input"))
            let c = try XCTUnwrap(AudioStreamConverter(from: AudioStreamFormat(.pcm16, rate: rate), to: pcm24))
            // One second in 20 ms chunks (441 samples at 44.1 kHz) gives one second at 24 kHz after the flush.
            let chunk = [Int16](repeating: 1000, count: rate / 50)
            var out = 0
            for _ in 0..<50 { chunk.withUnsafeBytes { c.convert($0) { out += $0.count } } }
            let rest = [Int16](repeating: 1000, count: rate % 50)
            rest.withUnsafeBytes { c.convert($0) { out += $0.count } }
            c.flush { out += $0.count }
            XCTAssertEqual(out, 24000 * 2, "\(rate) Hz")
        }
    }

    func testStereoInputIsAveragedAndAPartialFrameWaitsForTheNextChunk() throws {
        let stereo = AudioStreamFormat(.pcm16, rate: 24000, channels: 2)
        let c = try XCTUnwrap(AudioStreamConverter(from: stereo, to: pcm24))
        let frames: [Int16] = [1000, 3000, -200, -400, 7, 9]
        var out: [UInt8] = []
        frames.withUnsafeBytes { bytes in
            c.convert(UnsafeRawBufferPointer(rebasing: bytes[0..<5])) { out += $0 }  // one frame and a byte
            c.convert(UnsafeRawBufferPointer(rebasing: bytes[5...])) { out += $0 }
        }
        let mono = out.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        XCTAssertEqual(mono, [2000, -300, 8])
        XCTAssertEqual(c.maxOutputBytes(forInput: 8), 4)  // two frames in, two samples out
    }

    func testMonoReplyIsCopiedToEveryOutputChannel() throws {
        let c = try XCTUnwrap(AudioStreamConverter(from: ulaw8, to: AudioStreamFormat(.ulaw, rate: 8000, channels: 3)))
        var out: [UInt8] = []
        [UInt8]([0x12, 0x34]).withUnsafeBytes { c.convert($0) { out += $0 } }
        XCTAssertEqual(out, [0x12, 0x12, 0x12, 0x34, 0x34, 0x34])
        XCTAssertGreaterThanOrEqual(c.maxOutputBytes(forInput: 2), 6)  // a bound, per whole output frame
        XCTAssertEqual(c.maxOutputBytes(forInput: 2) % 3, 0)
    }

    func testChannelCountsOutsideOneTo32AreRefused() {
        XCTAssertThrowsError(try AudioStreamFormat(.pcm16, rate: 24000, channels: 0).validate("caller_input"))
        XCTAssertThrowsError(try AudioStreamFormat(.pcm16, rate: 24000, channels: 33).validate("caller_input"))
        XCTAssertNoThrow(try AudioStreamFormat(.pcm16, rate: 44100, channels: 2).validate("caller_input"))
    }

    func testFormatsThatAreNotStreamableAreRefused() {
        XCTAssertNil(AudioStreamConverter(from: AudioStreamFormat(.float32, rate: 24000), to: pcm24))
        XCTAssertNil(AudioStreamConverter(from: pcm24, to: AudioStreamFormat(.pcm24, rate: 24000)))
        XCTAssertThrowsError(try AudioStreamFormat(.float32, rate: 24000).validate("caller_input"))
    }

    // MARK: Confirmed formats

    func testGAShapeFormatsAreRead() {
        let json =
            #"{"type":"session.updated","session":{"type":"realtime","audio":{"input":{"format":{"type":"audio/pcmu"},"#
            + #""turn_detection":{"type":"server_vad","interrupt_response":false}},"output":{"format":{"type":"audio/pcm","rate":24000}}}}}"#
        let c = ConfirmedSession(eventJSON: json)
        XCTAssertEqual(c.input, .known(.ulaw))
        XCTAssertEqual(c.output, .known(.pcm16))
        XCTAssertEqual(c.serverInterrupts, false)
    }

    func testPreviewShapeFormatsAreRead() {
        let json =
            #"{"type":"session.updated","session":{"input_audio_format":"g711_alaw","output_audio_format":"g711_ulaw","turn_detection":null}}"#
        let c = ConfirmedSession(eventJSON: json)
        XCTAssertEqual(c.input, .known(.alaw))
        XCTAssertEqual(c.output, .known(.ulaw))
        XCTAssertEqual(c.serverInterrupts, false)
        let vad = ConfirmedSession(
            eventJSON: #"{"type":"session.updated","session":{"turn_detection":{"type":"server_vad"}}}"#)
        XCTAssertEqual(vad.serverInterrupts, true)  // the service's default
    }

    func testAMismatchIsAnErrorNamingBothFormats() {
        let ga = ConfirmedSession(
            eventJSON:
                #"{"type":"session.updated","session":{"audio":{"input":{"format":{"type":"audio/pcmu"}},"output":{"format":{"type":"audio/pcm","rate":24000}}}}}"#
        )
        XCTAssertThrowsError(try ga.check(input: .ulaw, output: .ulaw)) { error in
            let e = error as! AzError
            XCTAssertEqual(e.kind, .unsupported)
            XCTAssertTrue(e.message.contains("output audio format pcm16 where g711_ulaw was asked for"), e.message)
        }
        XCTAssertNoThrow(try ga.check(input: .ulaw, output: .pcm16))
        let preview = ConfirmedSession(
            eventJSON:
                #"{"type":"session.updated","session":{"input_audio_format":"pcm16","output_audio_format":"g711_alaw"}}"#
        )
        XCTAssertThrowsError(try preview.check(input: .ulaw, output: .alaw))
    }

    func testAnUnknownFormatOrRateIsAMismatch() {
        let rate = ConfirmedSession(
            eventJSON:
                #"{"type":"session.updated","session":{"audio":{"output":{"format":{"type":"audio/pcm","rate":16000}}}}}"#
        )
        XCTAssertEqual(rate.output, .unknown("audio/pcm at 16000 Hz"))
        XCTAssertThrowsError(try rate.check(input: .pcm16, output: .pcm16))
        let opus = ConfirmedSession(eventJSON: #"{"type":"session.updated","session":{"output_audio_format":"opus"}}"#)
        XCTAssertThrowsError(try opus.check(input: .pcm16, output: .pcm16))
    }

    func testFormatsTheEventDoesNotStateAreNotChecked() {
        let c = ConfirmedSession(eventJSON: #"{"type":"session.updated","session":{"instructions":"hi"}}"#)
        XCTAssertEqual(c.input, .absent)
        XCTAssertNil(c.serverInterrupts)
        XCTAssertNoThrow(try c.check(input: .ulaw, output: .ulaw))
        XCTAssertEqual(ConfirmedSession(eventJSON: "not json"), ConfirmedSession())
    }
}
