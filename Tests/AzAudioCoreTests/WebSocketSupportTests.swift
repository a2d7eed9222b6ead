import AzAudioCore
import XCTest

final class WebSocketSupportTests: XCTestCase {
    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    // RFC 3174 section 7.3 test vectors.
    func testSHA1MatchesRFC3174Vectors() {
        XCTAssertEqual(hex(SHA1.hash(Array("abc".utf8))), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(
            hex(SHA1.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        XCTAssertEqual(
            hex(SHA1.hash([UInt8](repeating: 0x61, count: 1_000_000))), "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        var sha = SHA1()
        for _ in 0..<10 { sha.update(Array("0123456701234567012345670123456701234567012345670123456701234567".utf8)) }
        XCTAssertEqual(hex(sha.finalize()), "dea356a2cddd90c7a7ecedc5ebb563934f460452")
        XCTAssertEqual(hex(SHA1.hash([])), "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    }

    // RFC 4648 section 10.
    func testBase64EncodesRFC4648Vectors() {
        let vectors = [
            "": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=",
            "foobar": "Zm9vYmFy",
        ]
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base64.encode(Array(plain.utf8)), encoded)
            XCTAssertEqual(Base64.decode(encoded), Array(plain.utf8), encoded)
        }
    }

    func testBase64RoundTripsEveryLengthAndByte() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Base64.encode(bytes)
            XCTAssertEqual(text.utf8.count, Base64.encodedLength(length))
            XCTAssertEqual(Base64.decode(text), bytes, "length \(length)")
        }
        let all = (0...255).map { UInt8($0) }
        XCTAssertEqual(Base64.decode(Base64.encode(all)), all)
    }

    func testBase64MatchesAnIndependentEncoder() {
        // Foundation's encoder is the reference here (tests may use Foundation; the engine may not).
        var generator = SystemRandomNumberGenerator()
        for length in [1, 2, 3, 11, 12, 13, 960, 1921] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            XCTAssertEqual(Base64.encode(bytes), Data(bytes).base64EncodedString())
        }
    }

    func testBase64DecodeRejectsInvalidInput() {
        for bad in [
            "Zg", "Zg=", "Z===", "====", "Zm9v!A==", "Zm 9", "Zm9v\n", "Zh==", "Zm9=", "Zg==Zg==", "=Zg=", "Zm9vYmFy=",
            "Zm-_",
        ] {
            XCTAssertNil(Base64.decode(bad), bad)
        }
    }

    // RFC 6455 section 1.3 (and openssl sha1 -binary | base64) give s3pPLMBiTxaQ9kYGzzhZRbK+xOo= for this key.
    func testHandshakeAcceptMatchesRFC6455Example() {
        XCTAssertEqual(WebSocketHandshake.acceptValue(for: "dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    func testUTF8ValidatorAcceptsValidAndRejectsInvalid() {
        func valid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { UTF8Validator.isValid($0) } }
        XCTAssertTrue(valid(Array("hello, world: plain ASCII of some length".utf8)))
        XCTAssertTrue(valid(Array("κόσμε ü € 𝄞 中文".utf8)))
        XCTAssertTrue(valid([0xF4, 0x8F, 0xBF, 0xBF]))  // U+10FFFF
        XCTAssertTrue(valid([0xED, 0x9F, 0xBF]))  // U+D7FF
        for bad: [UInt8] in [
            [0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x80, 0x80, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xCE], [0xE2, 0x82],
            Array("abcdefgh".utf8) + [0xC3],
        ] {
            XCTAssertFalse(valid(bad), "\(bad)")
        }
    }

    func testUTF8ValidatorFindsOneBadByteAtEveryPositionOfALongASCIIText() {
        // 200 bytes: whole 64-byte (AVX2) and 16-byte (SSE2) blocks, then an 8-byte and a byte-by-byte tail.
        let text = [UInt8](repeating: UInt8(ascii: "a"), count: 200)
        for position in 0..<text.count {
            var bad = text
            bad[position] = 0xFF
            XCTAssertFalse(bad.withUnsafeBytes { UTF8Validator.isValid($0) }, "0xFF at \(position)")
            var good = text
            good.replaceSubrange(position..<min(position + 2, text.count), with: [0xC3, 0xA9])  // é
            XCTAssertTrue(good.withUnsafeBytes { UTF8Validator.isValid($0) }, "é at \(position)")
        }
    }

    func testUTF8ValidatorAgreesWithTheStandardLibraryOnRandomMostlyASCIIText() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            var bytes = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0x20...0x7E, using: &rng)
            }
            for _ in 0..<Int.random(in: 0...3, using: &rng) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                let scalar = ["é", "€", "𝄞"].randomElement(using: &rng)!.utf8
                if Bool.random(using: &rng) {
                    bytes.replaceSubrange(at..<min(at + scalar.count, bytes.count), with: scalar)
                } else {
                    bytes[at] = UInt8.random(in: 0x80...0xFF, using: &rng)
                }
            }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            XCTAssertEqual(bytes.withUnsafeBytes { UTF8Validator.isValid($0) }, expected, "\(bytes)")
        }
    }
}
