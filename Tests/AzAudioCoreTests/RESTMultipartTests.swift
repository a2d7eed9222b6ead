import AzAudioCore
import Glibc
import XCTest

/// The multipart/form-data body: exact bytes, exact length, streaming from disk, rewinding, limits.
final class RESTMultipartTests: XCTestCase {
    private func drain(_ body: MultipartFormBody, chunk: Int = 7) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try body.read(into: $0) }
            if n == 0 { return out }
            out += buffer[..<n]
        }
    }

    private func temporaryFile(_ bytes: [UInt8], name: String = "clip.wav") -> String {
        let path = "/tmp/azaudio-mp-\(getpid())-\(name)"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        return path
    }

    func testFieldsAndAFilePartProduceTheExactRFC7578Bytes() throws {
        var form = MultipartFormBuilder(boundary: "B")
        form.addField("model", "whisper")
        form.addFile("file", filename: "a.wav", contentType: "audio/wav", content: .memory([1, 2, 3]))
        let body = form.build()
        let expected =
            "--B\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper\r\n"
            + "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\n"
            + "\u{1}\u{2}\u{3}\r\n--B--\r\n"
        let bytes = try drain(body)
        XCTAssertEqual(bytes, Array(expected.utf8))
        XCTAssertEqual(body.length, Int64(bytes.count))
        XCTAssertEqual(body.contentType, "multipart/form-data; boundary=B")
    }

    func testAFilePartIsStreamedFromDiskWithAnExactLengthAndRewinds() throws {
        let content = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let path = temporaryFile(content)
        defer { unlink(path) }
        var form = MultipartFormBuilder()
        form.addField("response_format", "json")
        form.addFile("file", filename: "clip.wav", contentType: "audio/wav", content: .file(try AudioFile(path: path)))
        let body = form.build()
        let first = try drain(body, chunk: 4096)
        XCTAssertEqual(Int64(first.count), body.length)
        XCTAssertNotNil(first.firstRange(of: content))
        XCTAssertTrue(body.rewind())
        XCTAssertEqual(try drain(body, chunk: 333), first)
    }

    func testAFileThatShrinksWhileUploadingIsAnIOError() throws {
        let path = temporaryFile([UInt8](repeating: 1, count: 10_000))
        defer { unlink(path) }
        var form = MultipartFormBuilder()
        form.addFile("file", filename: "x.wav", contentType: "audio/wav", content: .file(try AudioFile(path: path)))
        let body = form.build()
        truncate(path, 100)
        XCTAssertThrowsError(try drain(body, chunk: 4096)) { XCTAssertEqual(($0 as? AzError)?.kind, .io) }
    }

    func testAReaderPartHasNoLengthEnforcesTheLimitAndCannotRewindOnceRead() throws {
        var produced = 0
        var form = MultipartFormBuilder()
        form.addFile(
            "file", filename: "x.wav", contentType: "audio/wav",
            content: .reader { buffer in
                let n = min(buffer.count, 1000)
                produced += n
                return n
            })
        let body = form.build(limit: 5000)
        XCTAssertNil(body.length)
        XCTAssertTrue(body.rewind())
        XCTAssertThrowsError(try drain(body, chunk: 512)) { XCTAssertEqual(($0 as? AzError)?.kind, .payloadTooLarge) }
        XCTAssertFalse(body.rewind())
    }

    func testFilenamesAreQuotedSafely() throws {
        var form = MultipartFormBuilder(boundary: "B")
        form.addFile("file", filename: "a\"b\r\n.wav", contentType: "audio/wav", content: .memory([0]))
        let text = String(decoding: try drain(form.build()), as: UTF8.self)
        XCTAssertTrue(text.contains("filename=\"a\\\"b.wav\""))
    }

    func testTheRequestChecksExtensionsFilesAndTheBodyLimit() throws {
        let options = AudioTextOptions(deployment: "whisper")
        let family = APIFamily.deployments(apiVersion: "2025-04-01-preview")
        XCTAssertThrowsError(
            try AudioTextRequest.prepare(
                .transcription, input: .memory([1], filename: "a.txt"),
                options: options, family: family)
        ) { XCTAssertEqual(($0 as? AzError)?.kind, .unsupported) }
        XCTAssertThrowsError(
            try AudioTextRequest.prepare(
                .transcription, input: .file(path: "/nonexistent/a.wav"),
                options: options, family: family)
        ) { XCTAssertEqual(($0 as? AzError)?.kind, .notFound) }
        let path = "/tmp/azaudio-mp-\(getpid())-big.mp3"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        ftruncate(fd, off_t(AudioTextRequest.maxBodyBytes))
        close(fd)
        defer { unlink(path) }
        XCTAssertThrowsError(
            try AudioTextRequest.prepare(
                .transcription, input: .file(path: path),
                options: options, family: family)
        ) { XCTAssertEqual(($0 as? AzError)?.kind, .payloadTooLarge) }
        // Just under the limit, body included, passes.
        ftruncate(open(path, O_WRONLY), off_t(AudioTextRequest.maxBodyBytes - 400))
        let prepared = try AudioTextRequest.prepare(
            .transcription, input: .file(path: path), options: options,
            family: family)
        XCTAssertLessThanOrEqual(prepared.body.length!, AudioTextRequest.maxBodyBytes)
        XCTAssertEqual(AudioFileType.uploadContentTypes["mp3"], "audio/mpeg")
    }

    func testTheV1FamilySendsTheModelField() throws {
        let prepared = try AudioTextRequest.prepare(
            .transcription, input: .memory([1, 2], filename: "a.flac"),
            options: AudioTextOptions(deployment: "my-whisper"), family: .v1(apiVersion: nil))
        let text = String(decoding: try drain(prepared.body), as: UTF8.self)
        XCTAssertTrue(text.contains("name=\"model\"\r\n\r\nmy-whisper\r\n"))
        XCTAssertTrue(text.contains("Content-Type: audio/flac"))
    }
}
