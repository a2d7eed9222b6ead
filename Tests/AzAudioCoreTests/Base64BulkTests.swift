import AzAudioCore
import CBase64
import XCTest

/// The bulk of base64 goes 32 characters at a time (AVX2; the rest 16 at a time, SSSE3); these check that path against Foundation and the
/// strict rules at every position of texts long enough to reach it.
final class Base64BulkTests: XCTestCase {
    private func random(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    func testBase64EncodingAndDecodingMatchFoundationForLongInputs() {
        for length in [15, 16, 17, 24, 47, 48, 49, 100, 959, 960, 961, 4800] {
            let bytes = random(length)
            let reference = Data(bytes).base64EncodedString()
            XCTAssertEqual(Base64.encode(bytes), reference, "length \(length)")
            XCTAssertEqual(Base64.decode(reference), bytes, "length \(length)")
        }
    }

    func testBase64DecodeRejectsAByteOutsideTheAlphabetAtEveryPosition() {
        let text = Array(Base64.encode(random(72)).utf8)  // 96 characters, no padding: six blocks of sixteen
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let outside = (0...255).map { UInt8($0) }.filter { !alphabet.contains($0) }
        for position in 0..<text.count {
            // (`=` as the last character is padding: valid when the bits it leaves unused are zero.)
            for byte in outside where !(byte == UInt8(ascii: "=") && position == text.count - 1) {
                var bad = text
                bad[position] = byte
                XCTAssertNil(bad.withUnsafeBytes { Base64.decode($0) }, "byte \(byte) at \(position)")
            }
        }
    }

    func testBase64DecodeMapsEveryAlphabetCharacterAtEveryPositionOfABlock() {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let base = Array(Base64.encode(random(24)).utf8)  // 32 characters: two blocks
        for position in 0..<base.count {
            for character in alphabet {
                var text = base
                text[position] = character
                let string = String(decoding: text, as: UTF8.self)
                XCTAssertEqual(Base64.decode(string), Data(base64Encoded: string).map { Array($0) }, string)
            }
        }
    }

    /// Both vector paths (the one this processor takes, AVX2 then SSSE3 where it has them, and SSE2 whatever it has) against the Swift tables: the
    /// characters they write for whole groups, the bytes they decode, and where they stop at a bad byte.
    func testBothVectorPathsAgreeWithTheTablesOnEveryByteAtEveryPosition() {
        typealias Path = (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt8>?) -> Int
        let paths: [(String, encode: Path, decode: Path)] = [
            ("dispatch", cbase64_encode_blocks, cbase64_decode_blocks),
            ("sse2", cbase64_encode_blocks_sse2, cbase64_decode_blocks_sse2),
        ]
        let bytes = random(96)
        let text = Array(Base64.encode(bytes).utf8)  // 128 characters: eight blocks
        for (name, encode, decode) in paths {
            var out = [UInt8](repeating: 0, count: 128)
            let consumed = encode(bytes, bytes.count, &out)
            XCTAssertEqual(consumed, 84, name)  // whole 12-byte groups while 16 bytes remain
            XCTAssertEqual(Array(out[0..<112]), Array(text[0..<112]), name)
            var decoded = [UInt8](repeating: 0, count: 96)
            XCTAssertEqual(decode(text, text.count, &decoded), 128, name)
            XCTAssertEqual(decoded, bytes, name)
            for position in [0, 5, 15, 16, 31, 64, 127] {
                for byte in 0...255 {
                    var changed = text
                    changed[position] = UInt8(byte)
                    // In the alphabet: what the tables accept there (`=` only ever as padding: never in a block).
                    let inAlphabet = byte != 0x3D && Base64.decode(String(decoding: changed, as: UTF8.self)) != nil
                    // A bad byte stops the path before its block; a good one lets every block through.
                    XCTAssertEqual(
                        decode(changed, changed.count, &decoded), inAlphabet ? 128 : position / 16 * 16,
                        "\(name): \(byte) at \(position)")
                }
            }
        }
    }
}
