import AzAudioCore
import XCTest

/// G.711 against the ITU-T reference: the published reconstruction values of all 256 codes, and encoding checked
/// for every 16-bit input against a literal transcription of the ITU-T G.191 Software Tool Library's g711.c.
final class AudioG711Tests: XCTestCase {
    /// μ-law reconstruction values by code (ITU-T G.711 Table 2b, scaled to 16 bits; also those of Sun's g711.c).
    static let ulawReference: [Int16] = [
        -32124, -31100, -30076, -29052, -28028, -27004, -25980, -24956, -23932, -22908, -21884, -20860, -19836, -18812,
        -17788, -16764,
        -15996, -15484, -14972, -14460, -13948, -13436, -12924, -12412, -11900, -11388, -10876, -10364, -9852, -9340,
        -8828, -8316,
        -7932, -7676, -7420, -7164, -6908, -6652, -6396, -6140, -5884, -5628, -5372, -5116, -4860, -4604, -4348, -4092,
        -3900, -3772, -3644, -3516, -3388, -3260, -3132, -3004, -2876, -2748, -2620, -2492, -2364, -2236, -2108, -1980,
        -1884, -1820, -1756, -1692, -1628, -1564, -1500, -1436, -1372, -1308, -1244, -1180, -1116, -1052, -988, -924,
        -876, -844, -812, -780, -748, -716, -684, -652, -620, -588, -556, -524, -492, -460, -428, -396,
        -372, -356, -340, -324, -308, -292, -276, -260, -244, -228, -212, -196, -180, -164, -148, -132,
        -120, -112, -104, -96, -88, -80, -72, -64, -56, -48, -40, -32, -24, -16, -8, 0,
        32124, 31100, 30076, 29052, 28028, 27004, 25980, 24956, 23932, 22908, 21884, 20860, 19836, 18812, 17788, 16764,
        15996, 15484, 14972, 14460, 13948, 13436, 12924, 12412, 11900, 11388, 10876, 10364, 9852, 9340, 8828, 8316,
        7932, 7676, 7420, 7164, 6908, 6652, 6396, 6140, 5884, 5628, 5372, 5116, 4860, 4604, 4348, 4092,
        3900, 3772, 3644, 3516, 3388, 3260, 3132, 3004, 2876, 2748, 2620, 2492, 2364, 2236, 2108, 1980,
        1884, 1820, 1756, 1692, 1628, 1564, 1500, 1436, 1372, 1308, 1244, 1180, 1116, 1052, 988, 924,
        876, 844, 812, 780, 748, 716, 684, 652, 620, 588, 556, 524, 492, 460, 428, 396,
        372, 356, 340, 324, 308, 292, 276, 260, 244, 228, 212, 196, 180, 164, 148, 132,
        120, 112, 104, 96, 88, 80, 72, 64, 56, 48, 40, 32, 24, 16, 8, 0,
    ]

    /// A-law reconstruction values by code (ITU-T G.711 Table 1b, scaled to 16 bits; also those of Sun's g711.c).
    static let alawReference: [Int16] = [
        -5504, -5248, -6016, -5760, -4480, -4224, -4992, -4736, -7552, -7296, -8064, -7808, -6528, -6272, -7040, -6784,
        -2752, -2624, -3008, -2880, -2240, -2112, -2496, -2368, -3776, -3648, -4032, -3904, -3264, -3136, -3520, -3392,
        -22016, -20992, -24064, -23040, -17920, -16896, -19968, -18944, -30208, -29184, -32256, -31232, -26112, -25088,
        -28160, -27136,
        -11008, -10496, -12032, -11520, -8960, -8448, -9984, -9472, -15104, -14592, -16128, -15616, -13056, -12544,
        -14080, -13568,
        -344, -328, -376, -360, -280, -264, -312, -296, -472, -456, -504, -488, -408, -392, -440, -424,
        -88, -72, -120, -104, -24, -8, -56, -40, -216, -200, -248, -232, -152, -136, -184, -168,
        -1376, -1312, -1504, -1440, -1120, -1056, -1248, -1184, -1888, -1824, -2016, -1952, -1632, -1568, -1760, -1696,
        -688, -656, -752, -720, -560, -528, -624, -592, -944, -912, -1008, -976, -816, -784, -880, -848,
        5504, 5248, 6016, 5760, 4480, 4224, 4992, 4736, 7552, 7296, 8064, 7808, 6528, 6272, 7040, 6784,
        2752, 2624, 3008, 2880, 2240, 2112, 2496, 2368, 3776, 3648, 4032, 3904, 3264, 3136, 3520, 3392,
        22016, 20992, 24064, 23040, 17920, 16896, 19968, 18944, 30208, 29184, 32256, 31232, 26112, 25088, 28160, 27136,
        11008, 10496, 12032, 11520, 8960, 8448, 9984, 9472, 15104, 14592, 16128, 15616, 13056, 12544, 14080, 13568,
        344, 328, 376, 360, 280, 264, 312, 296, 472, 456, 504, 488, 408, 392, 440, 424,
        88, 72, 120, 104, 24, 8, 56, 40, 216, 200, 248, 232, 152, 136, 184, 168,
        1376, 1312, 1504, 1440, 1120, 1056, 1248, 1184, 1888, 1824, 2016, 1952, 1632, 1568, 1760, 1696,
        688, 656, 752, 720, 560, 528, 624, 592, 944, 912, 1008, 976, 816, 784, 880, 848,
    ]

    /// ITU-T G.191 STL g711.c ulaw_compress, transcribed.
    static func g191UlawCompress(_ sample: Int16) -> UInt8 {
        let lin = Int(sample)
        var absno = lin < 0 ? ((~lin) >> 2) + 33 : (lin >> 2) + 33
        if absno > 0x1FFF { absno = 0x1FFF }
        var i = absno >> 6
        var segno = 1
        while i != 0 { segno += 1; i >>= 1 }
        let highNibble = 0x0008 - segno
        var lowNibble = (absno >> segno) & 0x000F
        lowNibble = 0x000F - lowNibble
        var log = (highNibble << 4) | lowNibble
        if lin >= 0 { log |= 0x0080 }
        return UInt8(log)
    }

    /// ITU-T G.191 STL g711.c alaw_compress, transcribed.
    static func g191AlawCompress(_ sample: Int16) -> UInt8 {
        let lin = Int(sample)
        var ix = lin < 0 ? (~lin) >> 4 : lin >> 4
        if ix > 15 {
            var iexp = 1
            while ix > 16 + 15 { ix >>= 1; iexp += 1 }
            ix -= 16
            ix += iexp << 4
        }
        if lin >= 0 { ix |= 0x0080 }
        return UInt8(ix ^ 0x0055)
    }

    func testMuLawDecodesEveryCodeToTheReferenceValue() {
        for code in 0..<256 {
            XCTAssertEqual(ULaw.decodeTable[code], Self.ulawReference[code], "code 0x\(String(code, radix: 16))")
            XCTAssertEqual(ULaw.decodeComputed(UInt8(code)), Self.ulawReference[code])
        }
    }

    func testALawDecodesEveryCodeToTheReferenceValue() {
        for code in 0..<256 {
            XCTAssertEqual(ALaw.decodeTable[code], Self.alawReference[code], "code 0x\(String(code, radix: 16))")
            XCTAssertEqual(ALaw.decodeComputed(UInt8(code)), Self.alawReference[code])
        }
    }

    func testMuLawEncodeOfEveryDecodedCodeGivesTheCodeBackExceptNegativeZero() {
        for code in 0..<256 {
            let back = ULaw.encode(ULaw.decodeTable[code])
            if code == 0x7F {
                // 0x7F ("negative zero") and 0xFF both decode to 0, and 0 encodes to 0xFF.
                XCTAssertEqual(back, 0xFF)
            } else {
                XCTAssertEqual(back, UInt8(code), "code 0x\(String(code, radix: 16))")
            }
        }
    }

    func testALawEncodeOfEveryDecodedCodeGivesTheCodeBack() {
        for code in 0..<256 {
            XCTAssertEqual(ALaw.encode(ALaw.decodeTable[code]), UInt8(code), "code 0x\(String(code, radix: 16))")
        }
    }

    func testMuLawEncodeMatchesTheITUReferenceForEveryInput() {
        for x in Int(Int16.min)...Int(Int16.max) {
            let sample = Int16(x)
            if ULaw.encode(sample) != Self.g191UlawCompress(sample) {
                XCTFail(
                    "mu-law encode(\(x)) = 0x\(String(ULaw.encode(sample), radix: 16)), reference 0x\(String(Self.g191UlawCompress(sample), radix: 16))"
                )
                return
            }
        }
    }

    func testALawEncodeMatchesTheITUReferenceForEveryInput() {
        for x in Int(Int16.min)...Int(Int16.max) {
            let sample = Int16(x)
            if ALaw.encode(sample) != Self.g191AlawCompress(sample) {
                XCTFail(
                    "A-law encode(\(x)) = 0x\(String(ALaw.encode(sample), radix: 16)), reference 0x\(String(Self.g191AlawCompress(sample), radix: 16))"
                )
                return
            }
        }
    }

    func testMuLawKnownPoints() {
        let points: [(Int16, UInt8)] = [
            (0, 0xFF), (1, 0xFF), (-1, 0x7F), (2, 0xFF), (4, 0xFE), (-5, 0x7E), (1000, 0xCE), (-1000, 0x4E),
            (8031, 0xA0), (32124, 0x80), (32767, 0x80), (-32768, 0x00), (-32124, 0x00),
        ]
        for (pcm, code) in points { XCTAssertEqual(ULaw.encode(pcm), code, "encode(\(pcm))") }
    }

    func testALawKnownPoints() {
        let points: [(Int16, UInt8)] = [
            (0, 0xD5), (15, 0xD5), (16, 0xD4), (-1, 0x55), (-17, 0x54), (1000, 0xFA), (-1000, 0x7A),
            (32767, 0xAA), (-32768, 0x2A), (4096, 0x85),
        ]
        for (pcm, code) in points { XCTAssertEqual(ALaw.encode(pcm), code, "encode(\(pcm))") }
    }

    func testEncodingIsSymmetricInOnesComplement() {
        for x in stride(from: 0, through: 32767, by: 7) {
            let p = Int16(x)
            XCTAssertEqual(ULaw.encode(p) ^ 0x80, ULaw.encode(~p))
            XCTAssertEqual(ALaw.encode(p) ^ 0x80, ALaw.encode(~p))
        }
    }

    func testBufferEncodeAndDecodeMatchTheScalarFunctions() {
        let pcm: [Int16] = (0..<1000).map { Int16(truncatingIfNeeded: $0 &* 7919 &- 20000) }
        var ulaw = [UInt8](repeating: 0, count: pcm.count)
        var alaw = [UInt8](repeating: 0, count: pcm.count)
        pcm.withUnsafeBufferPointer { p in
            ulaw.withUnsafeMutableBufferPointer { ULaw.encode(p, into: $0) }
            alaw.withUnsafeMutableBufferPointer { ALaw.encode(p, into: $0) }
        }
        XCTAssertEqual(ulaw, pcm.map(ULaw.encode))
        XCTAssertEqual(alaw, pcm.map(ALaw.encode))
        var back = [Int16](repeating: 0, count: pcm.count)
        ulaw.withUnsafeBufferPointer { u in back.withUnsafeMutableBufferPointer { ULaw.decode(u, into: $0) } }
        XCTAssertEqual(back, ulaw.map { ULaw.decodeTable[Int($0)] })
        alaw.withUnsafeBufferPointer { a in back.withUnsafeMutableBufferPointer { ALaw.decode(a, into: $0) } }
        XCTAssertEqual(back, alaw.map { ALaw.decodeTable[Int($0)] })
    }
}
