import AzAudioCore
import XCTest

/// Standard Webhooks verification and the incoming-call event.
final class WebhookVerifierTests: XCTestCase {
    // The Standard Webhooks reference test vector.
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    let timestamp = "1614265330"
    let body = Array(#"{"test": 2432232314}"#.utf8)
    let signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    private func verify(_ body: [UInt8], signature: String, now: Int64, id: String? = nil) throws {
        let verifier = try WebhookVerifier(secret: secret)
        let messageID = id ?? self.id
        try body.withUnsafeBytes { (b: UnsafeRawBufferPointer) throws -> Void in
            try verifier.verify(id: messageID, timestamp: timestamp, signatures: signature, body: b, now: now)
        }
    }

    private func kind(_ body: () throws -> Void) -> ErrorKind? {
        do { try body(); return nil } catch let e as AzError { return e.kind } catch { return nil }
    }

    func testTheReferenceVectorSignsAndVerifies() throws {
        let verifier = try WebhookVerifier(secret: secret)
        let signed = try body.withUnsafeBytes { (b: UnsafeRawBufferPointer) throws -> String in
            try verifier.sign(id: id, timestamp: timestamp, body: b)
        }
        XCTAssertEqual(signed, signature)
        XCTAssertNoThrow(try verify(body, signature: signature, now: 1_614_265_330 + 299))
    }

    func testATamperedBodyAnotherIDAnOldOrFutureTimestampAreAuthErrors() {
        XCTAssertEqual(
            kind {
                try self.verify(Array(#"{"test": 2432232315}"#.utf8), signature: self.signature, now: 1_614_265_330)
            }, .auth)
        XCTAssertEqual(
            kind { try self.verify(self.body, signature: self.signature, now: 1_614_265_330, id: "msg_x") }, .auth)
        XCTAssertEqual(kind { try self.verify(self.body, signature: self.signature, now: 1_614_265_631) }, .auth)
        XCTAssertEqual(kind { try self.verify(self.body, signature: self.signature, now: 1_614_265_029) }, .auth)
        XCTAssertEqual(kind { try self.verify(self.body, signature: "v1,not-base64!", now: 1_614_265_330) }, .auth)
    }

    func testMalformedSecretsAndHeadersAreInvalidArguments() {
        XCTAssertEqual(kind { _ = try WebhookVerifier(secret: "whsec_") }, .invalidArgument)
        XCTAssertEqual(kind { _ = try WebhookVerifier(secret: "whsec_***") }, .invalidArgument)
        XCTAssertEqual(kind { try self.verify(self.body, signature: "v2,abc", now: 1_614_265_330) }, .invalidArgument)
    }

    func testAnIncomingCallEventIsRead() throws {
        let json =
            #"{"object":"event","id":"evt_1","type":"realtime.call.incoming","created_at":1700000000,"data":{"call_id":"rtc_abc","sip_headers":[{"name":"From","value":"<sip:+1@x>"},{"name":"To","value":"<sip:+2@y>"}]}}"#
        let call = try IncomingCall.parse(Array(json.utf8))
        XCTAssertEqual(call.callID, "rtc_abc")
        XCTAssertEqual(call.header("from"), "<sip:+1@x>")
        XCTAssertEqual(call.sipHeaders.count, 2)
        XCTAssertEqual(call.createdAt, 1_700_000_000)
    }

    func testAcceptOptionsBuildAGASessionAndRefuseContradictions() throws {
        var o = CallAcceptOptions()
        o.deployment = "gpt-realtime"
        o.voice = "voice_1234"
        let body = String(decoding: try o.body(), as: UTF8.self)
        XCTAssertTrue(body.contains(#""voice":{"id":"voice_1234"}"#), body)
        XCTAssertTrue(body.contains(#""type":"realtime""#))
        o.sessionJSON = #"{"model":"gpt-realtime"}"#
        XCTAssertEqual(kind { _ = try o.body() }, .invalidArgument)
    }
}
