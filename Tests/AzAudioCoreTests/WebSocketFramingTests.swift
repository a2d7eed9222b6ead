import AzAudioCore
import XCTest

/// What the decoder delivered, copied out of the callback.
enum Decoded: Equatable {
    case text(String)
    case binary([UInt8])
    case ping([UInt8])
    case pong([UInt8])
    case close(UInt16?, String)

    init(_ inbound: WebSocketInbound) {
        switch inbound {
        case .text(let b): self = .text(String(decoding: b, as: UTF8.self))
        case .binary(let b): self = .binary(Array(b))
        case .ping(let b): self = .ping(Array(b))
        case .pong(let b): self = .pong(Array(b))
        case .close(let code, let reason): self = .close(code?.rawValue, String(decoding: reason, as: UTF8.self))
        }
    }
}

/// Feeds `bytes` to a fresh decoder in chunks of the given sizes (cycled), collecting what comes out.
func decodeChunked(
    _ bytes: [UInt8], chunks: [Int] = [Int.max], limits: WebSocketLimits = WebSocketLimits()
) -> (events: [Decoded], error: WebSocketProtocolError?) {
    var decoder = WebSocketFrameDecoder(limits: limits)
    var events: [Decoded] = []
    var offset = 0
    var k = 0
    while offset < bytes.count {
        let n = min(chunks[k % chunks.count], bytes.count - offset)
        k += 1
        let chunk = Array(bytes[offset..<offset + n])
        let pointer = UnsafeMutableRawBufferPointer.allocate(byteCount: n, alignment: 1)
        defer { pointer.deallocate() }
        pointer.copyBytes(from: chunk)
        do {
            try decoder.decode(UnsafeRawBufferPointer(pointer)) {
                events.append(Decoded($0)); return true
            }
        } catch {
            return (events, error)
        }
        offset += n
    }
    return (events, nil)
}

final class WebSocketFramingTests: XCTestCase {
    let hello: [UInt8] = [0x48, 0x65, 0x6c, 0x6c, 0x6f]
    /// RFC 6455 section 5.7's masking key 37 fa 21 3d, in wire order in memory.
    let rfcKey = UInt32(littleEndian: 0x3d21_fa37)

    private func encode(_ opcode: WebSocketOpcode, _ payload: [UInt8], fin: Bool = true, key: UInt32? = nil) -> [UInt8]
    {
        var encoder = WebSocketFrameEncoder()
        let buffer = ByteBuffer(capacity: 16)
        payload.withUnsafeBytes { _ = encoder.encode(opcode, fin: fin, payload: $0, into: buffer, maskKey: key) }
        return Array(buffer.readableBytes)
    }

    /// A server frame (unmasked), for feeding the decoder.
    private func serverFrame(_ first: UInt8, _ payload: [UInt8]) -> [UInt8] {
        var out = [first]
        if payload.count < 126 {
            out.append(UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            out += [126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            out.append(127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((payload.count >> shift) & 0xFF)) }
        }
        return out + payload
    }

    // MARK: RFC 6455 section 5.7 examples

    func testEncoderProducesRFCMaskedHello() {
        XCTAssertEqual(
            encode(.text, hello, key: rfcKey), [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58])
    }

    func testEncoderProducesRFCMaskedPong() {
        XCTAssertEqual(
            encode(.pong, hello, key: rfcKey), [0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58])
    }

    func testEncoderUsesExtendedLengthsFor256AndSixtyFourKiB() {
        let f256 = encode(.binary, [UInt8](repeating: 7, count: 256))
        XCTAssertEqual(Array(f256[0..<4]), [0x82, 0xFE, 0x01, 0x00])
        XCTAssertEqual(f256.count, 4 + 4 + 256)
        let f64k = encode(.binary, [UInt8](repeating: 7, count: 65536))
        XCTAssertEqual(Array(f64k[0..<10]), [0x82, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0])
        XCTAssertEqual(f64k.count, 10 + 4 + 65536)
    }

    func testEncoderMasksWithAFreshKeyEachFrame() {
        let a = encode(.text, hello)
        let b = encode(.text, hello)
        XCTAssertEqual(a[1], 0x85)
        XCTAssertNotEqual(Array(a[2..<6]), Array(b[2..<6]))
    }

    func testMaskingRoundTripsAtEveryLengthAndOffset() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<80 {
            let payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let frame = encode(.binary, payload)
            let header = length < 126 ? 2 : 4
            let key = Array(frame[header..<header + 4])
            let unmasked = frame[(header + 4)...].enumerated().map { $0.element ^ key[$0.offset % 4] }
            XCTAssertEqual(unmasked, payload, "length \(length)")
        }
        // Masking in place from an offset continues the key where it left off.
        var bytes = [UInt8](repeating: 0, count: 13)
        bytes.withUnsafeMutableBytes { WebSocketMasking.mask($0.baseAddress!, count: 13, key: rfcKey, offset: 1) }
        XCTAssertEqual(Array(bytes[0..<4]), [0xfa, 0x21, 0x3d, 0x37])
    }

    func testDecoderReadsRFCUnmaskedHello() {
        let r = decodeChunked([0x81, 0x05] + hello)
        XCTAssertEqual(r.events, [.text("Hello")])
        XCTAssertNil(r.error)
    }

    func testDecoderReassemblesRFCFragmentedHello() {
        let r = decodeChunked([0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f])
        XCTAssertEqual(r.events, [.text("Hello")])
    }

    func testDecoderReadsRFCPingAnd256AndSixtyFourKiBBinary() {
        let big = (0..<65536).map { UInt8($0 & 0xFF) }
        let small = (0..<256).map { UInt8($0) }
        let stream = [0x89, 0x05] + hello + serverFrame(0x82, small) + serverFrame(0x82, big)
        XCTAssertEqual(Array(stream[7..<11]), [0x82, 0x7E, 0x01, 0x00])
        for chunks in [[Int.max], [1], [3, 7, 1, 100, 2]] {
            let r = decodeChunked(stream, chunks: chunks)
            XCTAssertEqual(r.events, [.ping(hello), .binary(small), .binary(big)], "chunks \(chunks)")
            XCTAssertNil(r.error)
        }
    }

    func testDecoderHandlesRandomChunkingOfAMixedStream() {
        var stream: [UInt8] = []
        var expected: [Decoded] = []
        for i in 0..<40 {
            let text = String(repeating: "é\(i)", count: i * 7)
            let bytes = Array(text.utf8)
            if i % 3 == 0 && bytes.count > 4 {
                // Three fragments with a ping between the first two.
                let a = Array(bytes[0..<2]), b = Array(bytes[2..<4]), c = Array(bytes[4...])
                stream +=
                    serverFrame(0x01, a) + serverFrame(0x89, [UInt8(i)]) + serverFrame(0x00, b) + serverFrame(0x80, c)
                expected += [.ping([UInt8(i)]), .text(text)]
            } else {
                stream += serverFrame(0x81, bytes)
                expected.append(.text(text))
            }
        }
        stream += serverFrame(0x88, [0x03, 0xE8] + Array("done".utf8))
        expected.append(.close(1000, "done"))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<30 {
            let chunks = (0..<10).map { _ in Int.random(in: 1...300, using: &generator) }
            let r = decodeChunked(stream, chunks: chunks)
            XCTAssertEqual(r.events, expected)
            XCTAssertNil(r.error)
        }
        XCTAssertEqual(decodeChunked(stream, chunks: [1]).events, expected)
    }

    func testDecoderReportsCloseWithoutCodeAs1005AndIgnoresLaterBytes() {
        let r = decodeChunked([0x88, 0x00, 0x81, 0x01, 0x41])
        XCTAssertEqual(r.events, [.close(nil, "")])
        XCTAssertNil(r.error)
    }

    // MARK: Protocol errors

    private func assertError(
        _ bytes: [UInt8], _ expected: WebSocketProtocolError, code: UInt16, limits: WebSocketLimits = WebSocketLimits(),
        file: StaticString = #filePath, line: UInt = #line
    ) {
        for chunks in [[Int.max], [1]] {
            let r = decodeChunked(bytes, chunks: chunks, limits: limits)
            XCTAssertEqual(r.error, expected, "chunks \(chunks)", file: file, line: line)
        }
        XCTAssertEqual(expected.closeCode.rawValue, code, file: file, line: line)
    }

    func testReservedBitsAreRejected() {
        for bit: UInt8 in [0x40, 0x20, 0x10] { assertError([0x81 | bit, 0x00], .reservedBitsSet, code: 1002) }
    }

    func testUnknownOpcodesAreRejected() {
        for op: UInt8 in [3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF] {
            assertError([0x80 | op, 0x00], .unknownOpcode(op), code: 1002)
        }
    }

    func testMaskedServerFramesAreRejected() {
        assertError([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58], .maskedServerFrame, code: 1002)
    }

    func testControlFramesOver125BytesAreRejected() {
        assertError([0x89, 126, 0, 126] + [UInt8](repeating: 0, count: 126), .controlFrameTooLong(126), code: 1002)
    }

    func testFragmentedControlFramesAreRejected() {
        assertError([0x09, 0x00], .fragmentedControlFrame, code: 1002)
    }

    func testContinuationWithoutMessageIsRejected() {
        assertError([0x80, 0x01, 0x41], .unexpectedContinuation, code: 1002)
    }

    func testNewMessageDuringFragmentedMessageIsRejected() {
        assertError([0x01, 0x01, 0x41, 0x81, 0x01, 0x42], .expectedContinuation, code: 1002)
    }

    func testLengthWithMostSignificantBitIsRejected() {
        assertError([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1], .invalidLength, code: 1002)
    }

    func testFrameAndMessageLimitsAreEnforcedWith1009() {
        var limits = WebSocketLimits()
        limits.maxFrameSize = 100
        limits.maxMessageSize = 150
        assertError([0x82, 101] + [UInt8](repeating: 0, count: 101), .frameTooLarge(101), code: 1009, limits: limits)
        assertError([0x82, 127, 0, 0, 0, 1, 0, 0, 0, 0], .frameTooLarge(1 << 32), code: 1009, limits: limits)
        let fragments =
            [0x02, 100] + [UInt8](repeating: 0, count: 100) + [0x80, 60] + [UInt8](repeating: 0, count: 60)
        assertError(fragments, .messageTooLarge(160), code: 1009, limits: limits)
    }

    func testInvalidUTF8TextIsRejectedWith1007() {
        assertError([0x81, 0x02, 0xC3, 0x28], .invalidUTF8, code: 1007)
        // Split across fragments, valid only as a whole: accepted.
        XCTAssertEqual(decodeChunked([0x01, 0x01, 0xC3, 0x80, 0x01, 0xA9]).events, [.text("é")])
        // Binary is not validated.
        XCTAssertEqual(decodeChunked([0x82, 0x02, 0xC3, 0x28]).events, [.binary([0xC3, 0x28])])
    }

    func testInvalidCloseFramesAreRejected() {
        assertError([0x88, 0x01, 0x03], .invalidClosePayload, code: 1002)
        for code: UInt16 in [999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000] {
            assertError([0x88, 0x02, UInt8(code >> 8), UInt8(code & 0xFF)], .invalidCloseCode(code), code: 1002)
        }
        assertError([0x88, 0x04, 0x03, 0xE8, 0xC3, 0x28], .invalidUTF8, code: 1007)
        for code: UInt16 in [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999] {
            XCTAssertEqual(
                decodeChunked([0x88, 0x02, UInt8(code >> 8), UInt8(code & 0xFF)]).events, [.close(code, "")])
        }
    }

    func testDecoderStaysFailedAfterAnError() {
        var decoder = WebSocketFrameDecoder()
        let bad = UnsafeMutableRawBufferPointer.allocate(byteCount: 2, alignment: 1)
        let good = UnsafeMutableRawBufferPointer.allocate(byteCount: 3, alignment: 1)
        defer { bad.deallocate(); good.deallocate() }
        bad.copyBytes(from: [0xC1, 0x00])
        good.copyBytes(from: [0x81, 0x01, 0x41])
        XCTAssertThrowsError(try decoder.decode(UnsafeRawBufferPointer(bad)) { _ in true })
        var delivered = 0
        XCTAssertThrowsError(
            try decoder.decode(UnsafeRawBufferPointer(good)) { _ in
                delivered += 1; return true
            })
        XCTAssertEqual(delivered, 0)
    }

    func testEncodeCloseCutsTheReasonAtACharacterBoundary() {
        var encoder = WebSocketFrameEncoder()
        let buffer = ByteBuffer()
        encoder.encodeClose(code: .normalClosure, reason: String(repeating: "é", count: 100), into: buffer, maskKey: 0)
        let frame = Array(buffer.readableBytes)
        XCTAssertEqual(frame[1] & 0x7F, 124)  // 2 + 61 * 2: the 62nd "é" would exceed 125
        XCTAssertEqual(Array(frame[6..<8]), [0x03, 0xE8])
    }

    // MARK: Handshake

    func testHandshakeRequestHasTheRequiredHeaders() throws {
        let url = try ServiceURL("wss://example.openai.azure.com/openai/v1/realtime?model=gpt-realtime")
        XCTAssertEqual(url.curlURL, "https://example.openai.azure.com/")
        XCTAssertEqual(url.redacted, "wss://example.openai.azure.com/openai/v1/realtime")
        let hs = try WebSocketHandshake(
            url: url, headers: [("api-key", "k")], userAgent: "libazaudio/0.1.0", key: "dGhlIHNhbXBsZSBub25jZQ==")
        let text = String(decoding: hs.requestBytes, as: UTF8.self)
        XCTAssertEqual(
            text,
            "GET /openai/v1/realtime?model=gpt-realtime HTTP/1.1\r\nHost: example.openai.azure.com\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nUser-Agent: libazaudio/0.1.0\r\napi-key: k\r\n\r\n")
        let random = try WebSocketHandshake(url: url, headers: [], userAgent: "")
        XCTAssertEqual(Base64.decode(random.key)?.count, 16)
        XCTAssertThrowsError(try WebSocketHandshake(url: url, headers: [("x", "a\r\nb: c")], userAgent: ""))
    }

    func testHandshakeResponseIsParsedAndVerified() throws {
        let url = try ServiceURL("ws://127.0.0.1:8080")
        XCTAssertEqual(url.requestTarget, "/")
        let hs = try WebSocketHandshake(url: url, headers: [], userAgent: "", key: "dGhlIHNhbXBsZSBub25jZQ==")
        let head =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
        let bytes = Array(head.utf8) + [0x81, 0x00]
        XCTAssertEqual(
            Array(head.utf8).prefix(20).withUnsafeBytes { WebSocketHandshakeResponse.parse($0, maxHeadBytes: 1000) },
            .incomplete)
        guard
            case .complete(let response) = bytes.withUnsafeBytes({
                WebSocketHandshakeResponse.parse($0, maxHeadBytes: 1000)
            })
        else {
            return XCTFail("not parsed")
        }
        XCTAssertEqual(response.status, 101)
        XCTAssertEqual(response.headLength, head.utf8.count)
        XCTAssertNoThrow(try hs.verify(response))
        var wrong = response
        wrong.headers["Sec-WebSocket-Accept"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAA="
        XCTAssertThrowsError(try hs.verify(wrong))
        var ext = response
        ext.headers["Sec-WebSocket-Extensions"] = "permessage-deflate"
        XCTAssertThrowsError(try hs.verify(ext))
        XCTAssertEqual(
            bytes.withUnsafeBytes { WebSocketHandshakeResponse.parse($0, maxHeadBytes: 50) },
            .invalid("the handshake response head exceeds 50 bytes"))
        if case .invalid = Array("SSH-2.0-OpenSSH\r\n\r\n".utf8).withUnsafeBytes({
            WebSocketHandshakeResponse.parse($0, maxHeadBytes: 1000)
        }) {
        } else {
            XCTFail("a non-HTTP answer must be invalid")
        }
    }
}
