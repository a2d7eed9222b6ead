import XCTest

@testable import AzAudioCore

final class ServiceEndpointTests: XCTestCase {
    func testResourceRootIsKeptAsIs() throws {
        let e = try ServiceEndpoint.parse("https://name.openai.azure.com")
        XCTAssertEqual(e.root, "https://name.openai.azure.com")
        XCTAssertFalse(e.pastedV1)
        XCTAssertNil(e.pastedAPIVersion)
    }

    func testOpenAISuffixAndTrailingSlashesAreDropped() throws {
        for input in [
            "https://name.openai.azure.com/", "https://name.openai.azure.com/openai",
            "https://name.openai.azure.com/openai//", "HTTPS://Name.OpenAI.Azure.com/openai/",
        ] {
            XCTAssertEqual(try ServiceEndpoint.parse(input).root, "https://name.openai.azure.com", input)
        }
    }

    func testV1SuffixSelectsV1() throws {
        let e = try ServiceEndpoint.parse("https://name.openai.azure.com/openai/v1/")
        XCTAssertEqual(e.root, "https://name.openai.azure.com")
        XCTAssertTrue(e.pastedV1)
    }

    func testFullRequestURLKeepsItsAPIVersion() throws {
        let e = try ServiceEndpoint.parse(
            "https://name.openai.azure.com/openai/deployments/whisper/audio/transcriptions?api-version=2024-10-21")
        XCTAssertEqual(e.root, "https://name.openai.azure.com")
        XCTAssertEqual(e.pastedAPIVersion, "2024-10-21")
    }

    func testRealtimeURLBecomesHTTPSRoot() throws {
        let e = try ServiceEndpoint.parse("wss://name.openai.azure.com/openai/realtime?api-version=x&deployment=d")
        XCTAssertEqual(e.root, "https://name.openai.azure.com")
        XCTAssertEqual(e.url(path: "/openai", webSocket: true).text, "wss://name.openai.azure.com/openai")
    }

    func testGatewayPrefixIsKept() throws {
        XCTAssertEqual(
            try ServiceEndpoint.parse("https://gw.example.com/a/b/openai/v1").root, "https://gw.example.com/a/b")
        XCTAssertEqual(try ServiceEndpoint.parse("https://gw.example.com/a/b/").root, "https://gw.example.com/a/b")
    }

    func testEmulatorAndIPv6Endpoints() throws {
        XCTAssertEqual(try ServiceEndpoint.parse("http://127.0.0.1:8080").root, "http://127.0.0.1:8080")
        XCTAssertEqual(
            try ServiceEndpoint.parse("http://127.0.0.1:8080").url(path: "/x", webSocket: true).text,
            "ws://127.0.0.1:8080/x")
        XCTAssertEqual(try ServiceEndpoint.parse("http://[::1]:9000/").root, "http://[::1]:9000")
    }

    func testNonsenseIsRejectedWithAReason() {
        let cases: [(String, String)] = [
            ("", "empty"), ("name.openai.azure.com", "not a URL"), ("gopher://x", "not supported"),
            ("https://", "no host"), ("https://a b", "spaces"), ("https://u:p@h", "credentials"),
            ("https://h:0", "port"), ("https://h:65536", "port"), ("https://h:-1", "port"), ("https://.h", "host"),
            ("https://h..x", "host"), ("https://[zz]", "IPv6"), ("https://h\u{7}", "control"),
        ]
        for (input, reason) in cases {
            XCTAssertThrowsError(try ServiceEndpoint.parse(input), input) { error in
                let e = error as! AzError
                XCTAssertEqual(e.kind, .invalidArgument, input)
                XCTAssertTrue(e.message.contains(reason), "\(input): \(e.message)")
            }
        }
    }
}

final class APIFamilyTests: XCTestCase {
    let root = try! ServiceEndpoint.parse("https://n.openai.azure.com")

    func testOneURLValueCarriesTheGatewayPrefixAndARedactedForm() throws {
        let gateway = try ServiceEndpoint.parse(
            "https://gw.example.com/team/openai/deployments/x?api-version=2024-10-21")
        let rest = APIFamily.deployments(apiVersion: "2024-10-21").url(
            endpoint: gateway, deployment: "my model", operation: "audio/speech")
        XCTAssertEqual(
            rest.text, "https://gw.example.com/team/openai/deployments/my%20model/audio/speech?api-version=2024-10-21")
        XCTAssertEqual(rest.redacted, "https://gw.example.com/team/openai/deployments/my%20model/audio/speech")
        XCTAssertEqual(rest.requestTarget, "/team/openai/deployments/my%20model/audio/speech?api-version=2024-10-21")
        let socket = RealtimeProtocol.ga.url(endpoint: gateway, deployment: "rt")
        XCTAssertEqual(socket.text, "wss://gw.example.com/team/openai/v1/realtime?model=rt")
        XCTAssertEqual(socket.curlURL, "https://gw.example.com/")
        XCTAssertEqual(socket.authority, "gw.example.com")
        XCTAssertEqual(socket.requestTarget, "/team/openai/v1/realtime?model=rt")
        XCTAssertEqual(socket.redacted, "wss://gw.example.com/team/openai/v1/realtime")
    }

    func testDefaultIsDeploymentFamilyWithNewestDatedVersion() throws {
        let family = try APIFamily.select(apiVersion: nil, endpoint: root)
        XCTAssertEqual(family, .deployments(apiVersion: "2025-04-01-preview"))
        XCTAssertEqual(
            family.url(endpoint: root, deployment: "whisper", operation: "audio/transcriptions").text,
            "https://n.openai.azure.com/openai/deployments/whisper/audio/transcriptions?api-version=2025-04-01-preview")
        XCTAssertFalse(family.sendsModelInBody)
    }

    func testV1AndPreviewSelectTheV1Family() throws {
        let v1 = try APIFamily.select(apiVersion: "v1", endpoint: root)
        XCTAssertEqual(
            v1.url(endpoint: root, deployment: "tts", operation: "audio/speech").text,
            "https://n.openai.azure.com/openai/v1/audio/speech")
        XCTAssertTrue(v1.sendsModelInBody)
        let preview = try APIFamily.select(apiVersion: "preview", endpoint: root)
        XCTAssertEqual(
            preview.url(endpoint: root, deployment: "tts", operation: "audio/speech").text,
            "https://n.openai.azure.com/openai/v1/audio/speech?api-version=preview")
    }

    func testPastedV1EndpointSelectsV1AndRejectsADatedVersion() throws {
        let pasted = try ServiceEndpoint.parse("https://n.openai.azure.com/openai/v1")
        XCTAssertEqual(try APIFamily.select(apiVersion: nil, endpoint: pasted), .v1(apiVersion: nil))
        XCTAssertThrowsError(try APIFamily.select(apiVersion: "2024-10-21", endpoint: pasted))
    }

    func testPastedAPIVersionIsAdoptedWhenNoneIsGiven() throws {
        let pasted = try ServiceEndpoint.parse(
            "https://n.openai.azure.com/openai/deployments/x/chat?api-version=2024-10-21")
        XCTAssertEqual(try APIFamily.select(apiVersion: nil, endpoint: pasted), .deployments(apiVersion: "2024-10-21"))
        XCTAssertEqual(
            try APIFamily.select(apiVersion: "2025-01-01-preview", endpoint: pasted),
            .deployments(apiVersion: "2025-01-01-preview"))
    }

    func testDatedVersionShapes() {
        XCTAssertTrue(APIFamily.isDated("2024-10-21"))
        XCTAssertTrue(APIFamily.isDated("2025-04-01-preview"))
        for bad in ["2024-1-21", "2024-10-21-beta", "latest!", "", "2024/10/21", "2024-10-21-previe"] {
            XCTAssertFalse(APIFamily.isDated(bad), bad)
        }
    }

    func testDeploymentNamesArePercentEncoded() {
        XCTAssertEqual(APIFamily.percentEncodePathSegment("my deployment/1"), "my%20deployment%2F1")
        XCTAssertEqual(APIFamily.percentEncodePathSegment("gpt-4o_mini.v2~"), "gpt-4o_mini.v2~")
    }
}
