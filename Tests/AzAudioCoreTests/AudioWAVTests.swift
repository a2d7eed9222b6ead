import AzAudioCore
import Glibc
import XCTest

/// WAV reading and writing: round trips, the tolerated oddities of real files, and hostile headers.
final class AudioWAVTests: XCTestCase {
    // MARK: building test files

    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func chunk(_ id: String, _ body: [UInt8], declared: UInt32? = nil, pad: Bool = true) -> [UInt8] {
        Array(id.utf8) + le32(declared ?? UInt32(body.count)) + body + (pad && body.count % 2 == 1 ? [0] : [])
    }
    static func fmtBody(
        tag: UInt16 = 1, channels: UInt16 = 1, rate: UInt32 = 16000, bits: UInt16 = 16,
        blockAlign: UInt16? = nil
    ) -> [UInt8] {
        let align = blockAlign ?? channels * bits / 8
        return le16(tag) + le16(channels) + le32(rate) + le32(rate * UInt32(align)) + le16(align) + le16(bits)
    }
    static func extensibleBody(
        subTag: UInt16, channels: UInt16 = 1, bits: UInt16 = 16, guidTail: [UInt8]? = nil
    ) -> [UInt8] {
        let tail = guidTail ?? [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        return fmtBody(tag: 0xFFFE, channels: channels, bits: bits) + le16(22) + le16(bits) + le32(4) + le16(subTag)
            + tail
    }
    static func riff(_ chunks: [UInt8], declared: UInt32? = nil) -> [UInt8] {
        Array("RIFF".utf8) + le32(declared ?? UInt32(4 + chunks.count)) + Array("WAVE".utf8) + chunks
    }
    static let samples: [UInt8] = (0..<64).map { UInt8($0 * 3 & 0xFF) }
    static var plain: [UInt8] { riff(chunk("fmt ", fmtBody()) + chunk("data", samples)) }

    static func parse(_ bytes: [UInt8]) throws(AzError) -> WAVInfo {
        try bytes.withUnsafeBytes { raw in Result { () throws(AzError) in try WAVParser.parse(MemoryByteSource(raw)) } }
            .get()
    }

    /// Asserts that parsing fails with `kind` and a message containing `text`.
    func assertRejected(_ bytes: [UInt8], _ kind: ErrorKind, _ text: String, line: UInt = #line) {
        do {
            let info = try Self.parse(bytes)
            XCTFail("parsed a bad file as \(info)", line: line)
        } catch {
            XCTAssertEqual(error.kind, kind, error.message, line: line)
            XCTAssertTrue(error.message.contains(text), "\"\(error.message)\" lacks \"\(text)\"", line: line)
        }
    }

    static var temporaryDirectory: String {
        var template = Array("/tmp/azaudio-wav-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    // MARK: valid files

    func testPlainPCM16FileParses() throws {
        let info = try Self.parse(Self.plain)
        XCTAssertEqual(info, WAVInfo(format: .pcm16, sampleRate: 16000, channels: 1, dataOffset: 44, dataSize: 64))
        XCTAssertEqual(info.frameCount, 32)
        XCTAssertEqual(info.bitsPerSample, 16)
    }

    func testMuLawAndALawFilesParse() throws {
        let u = try Self.parse(
            Self.riff(
                Self.chunk("fmt ", Self.fmtBody(tag: 7, rate: 8000, bits: 8) + [0, 0])
                    + Self.chunk("fact", Self.le32(64)) + Self.chunk("data", Self.samples)))
        XCTAssertEqual(u.format, .ulaw)
        XCTAssertEqual(u.sampleRate, 8000)
        XCTAssertEqual(u.frameCount, 64)
        let a = try Self.parse(
            Self.riff(
                Self.chunk("fmt ", Self.fmtBody(tag: 6, channels: 2, rate: 8000, bits: 8))
                    + Self.chunk("data", Self.samples)))
        XCTAssertEqual(a.format, .alaw)
        XCTAssertEqual(a.channels, 2)
        XCTAssertEqual(a.frameCount, 32)
    }

    func testExtraChunksWithOddSizesArePaddedAndSkipped() throws {
        let list = Self.chunk("LIST", Array("INFOISFT\u{5}\0\0\0Lavf\0".utf8))  // 17 bytes: one pad byte
        XCTAssertEqual(list.count % 2, 0)
        let info = try Self.parse(
            Self.riff(
                Self.chunk("JUNK", [1, 2, 3]) + Self.chunk("fmt ", Self.fmtBody()) + list
                    + Self.chunk("data", Self.samples)))
        XCTAssertEqual(info.dataOffset, 12 + 12 + 24 + list.count + 8)
        XCTAssertEqual(info.dataSize, 64)
    }

    func testDataBeforeFmtIsAccepted() throws {
        let info = try Self.parse(Self.riff(Self.chunk("data", Self.samples) + Self.chunk("fmt ", Self.fmtBody())))
        XCTAssertEqual(info.dataOffset, 20)
        XCTAssertEqual(info.dataSize, 64)
    }

    func testExtensibleFormatIsAccepted() throws {
        let info = try Self.parse(
            Self.riff(
                Self.chunk("fmt ", Self.extensibleBody(subTag: 1, channels: 2))
                    + Self.chunk("data", Self.samples)))
        XCTAssertEqual(info.format, .pcm16)
        XCTAssertEqual(info.channels, 2)
        XCTAssertEqual(info.frameCount, 16)
        let ulaw = try Self.parse(
            Self.riff(
                Self.chunk("fmt ", Self.extensibleBody(subTag: 7, bits: 8))
                    + Self.chunk("data", Self.samples)))
        XCTAssertEqual(ulaw.format, .ulaw)
    }

    func testUnknownDataSizeRunsToTheEndOfTheFile() throws {
        let info = try Self.parse(
            Self.riff(
                Self.chunk("fmt ", Self.fmtBody())
                    + Self.chunk(
                        "data", Self.samples,
                        declared: 0xFFFF_FFFF), declared: 0xFFFF_FFFF))
        XCTAssertEqual(info.dataSize, 64)
    }

    func testWrongRiffSizeIsTolerated() throws {
        XCTAssertEqual(
            try Self.parse(
                Self.riff(
                    Self.chunk("fmt ", Self.fmtBody()) + Self.chunk("data", Self.samples),
                    declared: 0)
            ).dataSize, 64)
        XCTAssertEqual(
            try Self.parse(
                Self.riff(
                    Self.chunk("fmt ", Self.fmtBody()) + Self.chunk("data", Self.samples),
                    declared: 1_000_000)
            ).dataSize, 64)
    }

    func testPartialLastFrameIsLeftOut() throws {
        let info = try Self.parse(
            Self.riff(
                Self.chunk("fmt ", Self.fmtBody(channels: 2))
                    + Self.chunk("data", Array(Self.samples[0..<63]))))
        XCTAssertEqual(info.dataSize, 60)
        XCTAssertEqual(info.frameCount, 15)
    }

    func testTrailingGarbageAfterTheDataIsIgnored() throws {
        XCTAssertEqual(try Self.parse(Self.plain + [0x4C, 0x49, 0x53, 0x54, 0xFF, 0xFF, 0xFF, 0x7F, 9]).dataSize, 64)
    }

    // MARK: hostile files

    func testTruncatedFilesAreRejected() {
        assertRejected([], .protocolViolation, "truncated")
        assertRejected(Array(Self.plain[0..<11]), .protocolViolation, "truncated")
        assertRejected(Array(Self.plain[0..<12]), .protocolViolation, "no 'fmt ' chunk")
        assertRejected(Array(Self.plain[0..<20]), .protocolViolation, "declares 16 bytes but only 0 follow")
        assertRejected(Array(Self.plain[0..<40]), .protocolViolation, "no 'data' chunk")
        assertRejected(Array(Self.plain[0..<60]), .protocolViolation, "declares 64 bytes but only 16 follow")
    }

    func testLyingAndHugeSizesAreRejectedWithoutAllocating() {
        let fmt = Self.chunk("fmt ", Self.fmtBody())
        assertRejected(
            Self.riff(fmt + Self.chunk("data", Self.samples, declared: 65)), .protocolViolation,
            "declares 65 bytes but only 64 follow")
        assertRejected(
            Self.riff(fmt + Self.chunk("data", Self.samples, declared: 0xFFFF_FFFE)), .protocolViolation,
            "declares 4294967294 bytes")
        assertRejected(
            Self.riff(fmt + Self.chunk("data", Self.samples, declared: 0x7FFF_FFF0)), .protocolViolation,
            "truncated or the size is wrong")
        assertRejected(
            Self.riff(
                Self.chunk("LIST", [1, 2], declared: 0x7FFF_0000) + fmt
                    + Self.chunk("data", Self.samples)), .protocolViolation, "'LIST' chunk at offset 12 declares")
        assertRejected(
            Self.riff(
                Self.chunk("fmt ", Self.fmtBody(), declared: 0xFFFF_FFFF)
                    + Self.chunk("data", Self.samples)), .protocolViolation, "'fmt ' chunk at offset 12 declares")
    }

    func testBadSignaturesAreRejected() {
        var rifx = Self.plain
        rifx[3] = UInt8(ascii: "X")
        assertRejected(rifx, .unsupported, "RIFX")
        var notRiff = Self.plain
        notRiff[0] = 0
        assertRejected(notRiff, .protocolViolation, "not a WAV file")
        var avi = Self.plain
        avi.replaceSubrange(8..<12, with: Array("AVI ".utf8))
        assertRejected(avi, .protocolViolation, "'AVI ', not WAVE")
        assertRejected(Array("hello, this is not audio at all".utf8), .protocolViolation, "not a WAV file")
    }

    func testBadFormatChunksAreRejected() {
        let data = Self.chunk("data", Self.samples)
        assertRejected(
            Self.riff(Self.chunk("fmt ", Self.fmtBody(channels: 0)) + data), .protocolViolation, "0 channels")
        assertRejected(
            Self.riff(Self.chunk("fmt ", Self.fmtBody(rate: 0)) + data), .protocolViolation, "sample rate of 0")
        assertRejected(
            Self.riff(Self.chunk("fmt ", Array(Self.fmtBody()[0..<14])) + data), .protocolViolation,
            "at least 16")
        assertRejected(
            Self.riff(Self.chunk("fmt ", Self.fmtBody(blockAlign: 3)) + data), .protocolViolation,
            "block align of 3")
        assertRejected(
            Self.riff(Self.chunk("fmt ", Self.fmtBody()) + Self.chunk("fmt ", Self.fmtBody()) + data),
            .protocolViolation, "second 'fmt '")
        assertRejected(
            Self.riff(Self.chunk("fmt ", Self.fmtBody(tag: 7, bits: 16)) + data), .protocolViolation,
            "it must be 8")
        assertRejected(
            Self.riff(Self.chunk("fmt ", Array(Self.extensibleBody(subTag: 1)[0..<18])) + data),
            .protocolViolation, "at least 40")
    }

    func testUnsupportedFormatsAreReportedAsUnsupported() {
        let data = Self.chunk("data", Self.samples)
        assertRejected(
            Self.riff(Self.chunk("fmt ", Self.fmtBody(bits: 12, blockAlign: 2)) + data), .unsupported,
            "12-bit PCM")
        assertRejected(
            Self.riff(Self.chunk("fmt ", Self.fmtBody(bits: 20, blockAlign: 4)) + data), .unsupported,
            "20-bit PCM")
        assertRejected(Self.riff(Self.chunk("fmt ", Self.fmtBody(tag: 3, bits: 16)) + data), .unsupported, "float")
        assertRejected(
            Self.riff(Self.chunk("fmt ", Self.fmtBody(tag: 0x11, bits: 4, blockAlign: 256)) + data),
            .unsupported, "0x11")
        assertRejected(
            Self.riff(
                Self.chunk("fmt ", Self.extensibleBody(subTag: 1, guidTail: [UInt8](repeating: 7, count: 14)))
                    + data), .unsupported, "GUID")
        var rf64 = Self.plain
        rf64.replaceSubrange(0..<4, with: Array("RF64".utf8))
        assertRejected(rf64, .unsupported, "RF64")
    }

    func testEveryPCMAndFloatWidthParses() throws {
        let cases: [(UInt16, UInt16, AudioFormat)] = [
            (1, 8, .pcm8), (1, 16, .pcm16), (1, 24, .pcm24), (1, 32, .pcm32),
            (3, 32, .float32), (3, 64, .float64),
        ]
        for (tag, bits, format) in cases {
            let info = try Self.parse(
                Self.riff(
                    Self.chunk("fmt ", Self.fmtBody(tag: tag, channels: 2, rate: 44100, bits: bits))
                        + Self.chunk("data", Self.samples)))
            XCTAssertEqual(info.format, format)
            XCTAssertEqual(info.channels, 2)
            XCTAssertEqual(info.sampleRate, 44100)
            XCTAssertEqual(info.bitsPerSample, Int(bits))
            // 24-bit: a partial frame dropped
            XCTAssertEqual(info.frameCount, 64 / (2 * Int(bits) / 8), "\(format.name)")
        }
    }

    func testExtensibleFloatAnd24In32PCMParse() throws {
        let float = try Self.parse(
            Self.riff(
                Self.chunk("fmt ", Self.extensibleBody(subTag: 3, channels: 2, bits: 32))
                    + Self.chunk("data", Self.samples)))
        XCTAssertEqual(float.format, .float32)
        var body = Self.extensibleBody(subTag: 1, bits: 32)
        body.replaceSubrange(18..<20, with: Self.le16(24))  // wValidBitsPerSample: 24 in a 32-bit container
        let pcm = try Self.parse(Self.riff(Self.chunk("fmt ", body) + Self.chunk("data", Self.samples)))
        XCTAssertEqual(pcm.format, .pcm32)
        var bad = Self.extensibleBody(subTag: 3, bits: 32)
        bad.replaceSubrange(18..<20, with: Self.le16(24))
        assertRejected(
            Self.riff(Self.chunk("fmt ", bad) + Self.chunk("data", Self.samples)), .unsupported, "valid bits")
    }

    func testTooManyChunksAreRejected() {
        let junk = (0..<5000).flatMap { _ in Self.chunk("JUNK", []) }
        assertRejected(
            Self.riff(junk + Self.chunk("fmt ", Self.fmtBody()) + Self.chunk("data", Self.samples)),
            .protocolViolation, "more than 4096 chunks")
    }

    func testRandomAndMutatedInputNeverCrashesAndStaysInBounds() {
        var rng = AudioResamplerTests.SplitMix(state: 7)
        let seeds = [
            Self.plain,
            Self.riff(
                Self.chunk("fmt ", Self.extensibleBody(subTag: 7, bits: 8))
                    + Self.chunk("LIST", [1, 2, 3]) + Self.chunk("data", Self.samples)),
        ]
        var accepted = 0
        for i in 0..<20000 {
            var bytes: [UInt8]
            if i % 4 == 0 {
                bytes = (0..<rng.next(below: 80)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                bytes = seeds[i % 2]
                for _ in 0..<(1 + rng.next(below: 4)) {
                    let at = rng.next(below: bytes.count)
                    bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                }
                if rng.next(below: 3) == 0 { bytes.removeLast(rng.next(below: bytes.count)) }
            }
            if let info = try? Self.parse(bytes) {
                accepted += 1
                XCTAssertGreaterThan(info.channels, 0)
                XCTAssertGreaterThan(info.sampleRate, 0)
                XCTAssertLessThanOrEqual(info.dataOffset + info.dataSize, bytes.count)
                XCTAssertEqual(info.dataSize % info.blockAlign, 0)
            }
        }
        XCTAssertGreaterThan(accepted, 0)
    }

    // MARK: writing

    func testHeaderMatchesTheCanonicalLayout() throws {
        var header = [UInt8](repeating: 0xEE, count: 44)
        try header.withUnsafeMutableBytes { out in
            Result { () throws(AzError) in
                try WAVHeader.write(WAVInfo(format: .pcm16, sampleRate: 24000, channels: 1), dataSize: 48000, into: out)
            }
        }.get()
        // What Python's wave module writes for 1 s of 24 kHz mono 16-bit audio.
        let expected: [UInt8] =
            Array("RIFF".utf8) + Self.le32(48036) + Array("WAVEfmt ".utf8) + Self.le32(16)
            + Self.le16(1) + Self.le16(1) + Self.le32(24000) + Self.le32(48000) + Self.le16(2) + Self.le16(16)
            + Array("data".utf8) + Self.le32(48000)
        XCTAssertEqual(header, expected)
    }

    func testHeaderRejectsBadSizes() throws {
        var header = [UInt8](repeating: 0, count: 44)
        try header.withUnsafeMutableBytes { out in
            let info = WAVInfo(format: .pcm16, sampleRate: 8000, channels: 2)
            XCTAssertThrowsError(try WAVHeader.write(info, dataSize: 6, into: out))
            XCTAssertThrowsError(try WAVHeader.write(info, dataSize: Int(UInt32.max) - 3, into: out))
            XCTAssertThrowsError(
                try WAVHeader.write(WAVInfo(format: .ulaw, sampleRate: 8000, channels: 0), dataSize: 0, into: out))
            XCTAssertThrowsError(
                try WAVHeader.write(WAVInfo(format: .ulaw, sampleRate: 0, channels: 1), dataSize: 0, into: out))
            XCTAssertNoThrow(try WAVHeader.write(info, dataSize: Int(WAVParser.unknownSize), into: out))
        }
        XCTAssertEqual(Array(header[4..<8]), [0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(Array(header[40..<44]), [0xFF, 0xFF, 0xFF, 0xFF])
    }

    func testFilesRoundTripInEveryFormat() throws {
        let dir = Self.temporaryDirectory
        for (format, channels) in [(AudioFormat.pcm16, 1), (.pcm16, 2), (.ulaw, 1), (.alaw, 1), (.ulaw, 3)] {
            let path = "\(dir)/\(format.name)-\(channels).wav"
            let info = WAVInfo(format: format, sampleRate: 8000, channels: channels)
            let bytes: [UInt8] = (0..<(info.blockAlign * 101)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            try bytes.withUnsafeBytes { raw in
                Result { () throws(AzError) in try WAVFileWriter.write(path: path, info: info, samples: raw) }
            }.get()
            let buffer = try AudioBuffer(wavFile: path)
            XCTAssertEqual(buffer.info.format, format)
            XCTAssertEqual(buffer.info.channels, channels)
            XCTAssertEqual(buffer.info.sampleRate, 8000)
            XCTAssertEqual(buffer.info.dataOffset, 44)
            XCTAssertEqual(buffer.info.frameCount, 101)
            XCTAssertEqual(Array(UnsafeRawBufferPointer(buffer.bytes)), bytes)
            var st = stat()
            XCTAssertEqual(stat(path, &st), 0)
            XCTAssertEqual(Int(st.st_size), 44 + bytes.count + bytes.count % 2)
            unlink(path)
        }
        rmdir(dir)
    }

    func testMissingFilesAndDirectoriesAreReported() {
        XCTAssertThrowsError(try AudioBuffer(wavFile: "/nonexistent/file.wav")) {
            XCTAssertEqual(($0 as? AzError)?.kind, .notFound)
        }
        XCTAssertThrowsError(try AudioBuffer(wavFile: "/tmp")) { XCTAssertEqual(($0 as? AzError)?.kind, .io) }
        XCTAssertThrowsError(
            try WAVFileWriter.write(
                path: "/nonexistent/dir/x.wav",
                info: WAVInfo(format: .pcm16, sampleRate: 8000, channels: 1),
                samples: UnsafeRawBufferPointer(start: nil, count: 0))
        ) {
            XCTAssertEqual(($0 as? AzError)?.kind, .notFound)
        }
    }
}
