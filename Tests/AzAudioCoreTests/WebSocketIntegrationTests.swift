import AzAudioCore
import Foundation
import XCTest

/// Runs bench/websocket/ws_test_server.py (Python `websockets`) as a strict peer.
///
/// Python comes from $AZAUDIO_WSTEST_PYTHON, else the worktree's `.venv-wstest`, else `python3`; tests skip when
/// it cannot import `websockets` (install: `python3 -m venv .venv-wstest && .venv-wstest/bin/pip install websockets`).
final class WebSocketTestServer {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let process = Process()
    let stdin = Pipe()
    let port: Int

    static func python() throws -> String {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["AZAUDIO_WSTEST_PYTHON"] { candidates.append(env) }
        candidates.append(root.appendingPathComponent(".venv-wstest/bin/python").path)
        candidates.append("/usr/bin/python3")
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            let check = Process()
            check.executableURL = URL(fileURLWithPath: candidate)
            check.arguments = ["-c", "import websockets.asyncio.server"]
            check.standardError = FileHandle.nullDevice
            try check.run()
            check.waitUntilExit()
            if check.terminationStatus == 0 { return candidate }
        }
        throw XCTSkip(
            "python with the 'websockets' package not found (set AZAUDIO_WSTEST_PYTHON or create .venv-wstest)")
    }

    init(tls: (cert: String, key: String)? = nil) throws {
        process.executableURL = URL(fileURLWithPath: try Self.python())
        process.arguments =
            [Self.root.appendingPathComponent("bench/websocket/ws_test_server.py").path]
            + (tls.map { [$0.cert, $0.key] } ?? [])
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        var line = Data()
        while true {
            let byte = stdout.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw XCTSkip("the WebSocket test server did not start")
        }
        self.port = port
    }

    func url(_ path: String, secure: Bool = false, host: String = "127.0.0.1") throws -> ServiceURL {
        try ServiceURL("\(secure ? "wss" : "ws")://\(host):\(port)\(path)")
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// Records what a connection delivered; waits for it from the test thread.
final class RecordingDelegate: WebSocketConnectionDelegate, @unchecked Sendable {
    let condition = NSCondition()
    var texts: [String] = []
    var closes: [WebSocketCloseInfo] = []
    var threads = Set<UInt>()
    var onText: ((WebSocketConnection, String) -> Void)?

    func webSocket(_ connection: WebSocketConnection, didReceiveText text: UnsafeRawBufferPointer) {
        let string = String(decoding: text, as: UTF8.self)
        condition.lock()
        texts.append(string)
        threads.insert(UInt(bitPattern: Int(pthread_self())))
        condition.broadcast()
        condition.unlock()
        onText?(connection, string)
    }

    func webSocket(_ connection: WebSocketConnection, didClose info: WebSocketCloseInfo) {
        condition.lock()
        closes.append(info)
        condition.broadcast()
        condition.unlock()
    }

    @discardableResult
    func wait(seconds: Double = 10, until predicate: (RecordingDelegate) -> Bool) -> Bool {
        condition.wait(seconds: seconds) { predicate(self) }
    }
}

extension NSCondition {
    /// Waits (locked) until `done` holds or `seconds` pass; returns whether it holds.
    func wait(seconds: Double, until done: () -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        lock()
        defer { unlock() }
        while !done() {
            if !wait(until: deadline) { return done() }
        }
        return true
    }
}

/// Entries in the order they happened, from any thread.
final class OrderLog: @unchecked Sendable {
    private let condition = NSCondition()
    private(set) var entries: [String] = []

    func add(_ entry: String) {
        condition.lock()
        entries.append(entry)
        condition.broadcast()
        condition.unlock()
    }

    func wait(seconds: Double = 10, until predicate: ([String]) -> Bool) -> Bool {
        condition.wait(seconds: seconds) { predicate(entries) }
    }
}

/// Fails its connection from inside its first message call (the connection then drops it), and logs the end of
/// that call and its own end.
final class SelfEndingDelegate: WebSocketConnectionDelegate {
    let log: OrderLog

    init(_ log: OrderLog) { self.log = log }
    deinit { log.add("freed") }

    func webSocket(_ connection: WebSocketConnection, didReceiveText text: UnsafeRawBufferPointer) {
        connection.fail(AzError(.timeout, "ended by its delegate"))
        log.add("call returned")
    }

    func webSocket(_ connection: WebSocketConnection, didClose info: WebSocketCloseInfo) { log.add("closed") }
}

final class WebSocketIntegrationTests: XCTestCase {
    var server: WebSocketTestServer!
    var loop: EventLoop!
    var settings = TransportSettings()

    override func setUpWithError() throws {
        server = try WebSocketTestServer()
        loop = try EventLoop()
        settings.connectTimeoutMs = 5000
    }

    override func tearDown() {
        loop?.shutdown()
        server?.stop()
    }

    private func connect(
        _ path: String, _ delegate: RecordingDelegate, limits: WebSocketLimits = WebSocketLimits()
    ) throws -> WebSocketConnection {
        try WebSocketConnection.connect(
            url: server.url(path), headers: [("api-key", "test")], settings: settings, loop: loop, delegate: delegate,
            limits: limits)
    }

    func testEchoOverPlainWebSocketAndCleanClose() throws {
        let delegate = RecordingDelegate()
        let connection = try connect("/echo", delegate)
        try connection.send(text: "hello")
        try connection.send(text: "{\"type\":\"input_audio_buffer.append\"}")
        XCTAssertTrue(delegate.wait { $0.texts.count == 2 })
        XCTAssertEqual(delegate.texts, ["hello", "{\"type\":\"input_audio_buffer.append\"}"])
        connection.close(code: .normalClosure, reason: "done")
        XCTAssertTrue(delegate.wait { $0.closes.count == 1 })
        XCTAssertEqual(delegate.closes.first?.code, .normalClosure)
        XCTAssertNil(delegate.closes.first?.error)
        XCTAssertEqual(delegate.closes.first?.initiatedLocally, true)
        XCTAssertThrowsError(try connection.send(text: "late")) { XCTAssertEqual(($0 as? AzError)?.kind, .closed) }
    }

    func testLargeMessagesAreEchoedAcrossManyReads() throws {
        let delegate = RecordingDelegate()
        let connection = try connect("/echo", delegate)
        let big = String(repeating: "0123456789abcdef", count: 256 * 1024)  // 4 MiB
        try connection.send(text: big)
        XCTAssertTrue(delegate.wait(seconds: 20) { $0.texts.count == 1 })
        XCTAssertEqual(delegate.texts.first?.count, big.count)
        XCTAssertEqual(delegate.texts.first, big)
        connection.close()
        XCTAssertTrue(delegate.wait { $0.closes.count == 1 })
    }

    func testServerCloseCodeAndReasonAreReported() throws {
        let delegate = RecordingDelegate()
        _ = try connect("/close4000", delegate)
        XCTAssertTrue(delegate.wait { $0.closes.count == 1 })
        XCTAssertEqual(delegate.closes.first?.code, WebSocketCloseCode(4000))
        XCTAssertEqual(delegate.closes.first?.reason, "bye now")
        XCTAssertEqual(delegate.closes.first?.initiatedLocally, false)
        XCTAssertNil(delegate.closes.first?.error)
    }

    func testServerPingIsAnsweredWithPong() throws {
        let delegate = RecordingDelegate()
        let connection = try connect("/ping", delegate)
        XCTAssertTrue(delegate.wait { $0.texts == ["pong received"] })
        connection.close()
        XCTAssertTrue(delegate.wait { $0.closes.count == 1 })
    }

    func testServerClosingMidMessageEndsWithAbnormalClosure() throws {
        let delegate = RecordingDelegate()
        let connection = try connect("/midclose", delegate)
        try connection.send(text: "go")
        XCTAssertTrue(delegate.wait { $0.closes.count == 1 })
        XCTAssertEqual(delegate.texts, [])
        XCTAssertEqual(delegate.closes.first?.code, .abnormalClosure)
        XCTAssertEqual(delegate.closes.first?.error?.kind, .network)
    }

    func testInvalidUTF8FromServerClosesWith1007() throws {
        let delegate = RecordingDelegate()
        _ = try connect("/badutf8", delegate)
        XCTAssertTrue(delegate.wait { $0.closes.count == 1 })
        XCTAssertEqual(delegate.closes.first?.code, .invalidPayload)
        XCTAssertEqual(delegate.closes.first?.error?.kind, .protocolViolation)
    }

    func testRefusedHandshakeReturnsTheServiceError() throws {
        XCTAssertThrowsError(try connect("/refuse", RecordingDelegate())) { error in
            let error = error as? AzError
            XCTAssertEqual(error?.kind, .auth)
            XCTAssertEqual(error?.httpStatus, 401)
            XCTAssertEqual(error?.requestID, "req-123")
            XCTAssertEqual(error?.serviceCode, "401")
            XCTAssertTrue(
                error?.message.contains("Access denied due to invalid subscription key.") == true, error?.message ?? "")
            XCTAssertTrue(error?.rawBody.contains("\"error\"") == true)
        }
    }

    func testConnectionRefusedIsANetworkError() throws {
        XCTAssertThrowsError(
            try WebSocketConnection.connect(
                url: ServiceURL("ws://127.0.0.1:1/echo"), headers: [], settings: settings, loop: loop,
                delegate: RecordingDelegate())
        ) { XCTAssertEqual(($0 as? AzError)?.kind, .network) }
    }

    func testCloseFromInsideTheDeliveryCallback() throws {
        let delegate = RecordingDelegate()
        delegate.onText = { connection, _ in
            connection.close(code: .goingAway, reason: "from callback")
            do { try connection.send(text: "after close"); XCTFail("send after close must fail") } catch {}
        }
        let connection = try connect("/echo", delegate)
        // The first echo may close the connection while this loop still sends: a send may then fail, but only
        // after the callback ran (the close came from it), never before.
        for i in 0..<5 {
            do { try connection.send(text: "m\(i)") } catch {
                XCTAssertTrue(
                    delegate.wait(seconds: 0) { $0.texts.count == 1 }, "a send failed before the callback closed it")
                break
            }
        }
        XCTAssertTrue(delegate.wait { $0.closes.count == 1 })
        // Messages after the close are not delivered.
        XCTAssertEqual(delegate.texts.count, 1)
        XCTAssertEqual(delegate.closes.first?.code, .goingAway)
        XCTAssertNil(delegate.closes.first?.error)
    }

    func testFiftyConnectionsShareOneLoopThread() throws {
        let delegate = RecordingDelegate()
        var connections: [WebSocketConnection] = []
        for _ in 0..<50 { connections.append(try connect("/echo", delegate)) }
        for round in 0..<20 {
            for (index, connection) in connections.enumerated() { try connection.send(text: "c\(index)-r\(round)") }
        }
        XCTAssertTrue(delegate.wait(seconds: 20) { $0.texts.count == 1000 })
        XCTAssertEqual(Set(delegate.texts).count, 1000)
        XCTAssertEqual(delegate.threads.count, 1)
        for connection in connections { connection.close() }
        XCTAssertTrue(delegate.wait { $0.closes.count == 50 })
        XCTAssertTrue(delegate.closes.allSatisfy { $0.error == nil && $0.code == .normalClosure })
    }

    func testFullSendQueueReturnsBusy() throws {
        var limits = WebSocketLimits()
        limits.maxQueuedBytes = 64 * 1024
        let delegate = RecordingDelegate()
        let connection = try connect("/stall", delegate, limits: limits)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 1)
        defer { chunk.deallocate() }
        chunk.initializeMemory(as: UInt8.self, repeating: 0x41)
        var busy: AzError?
        for _ in 0..<20_000 {
            do {
                try connection.send(text: UnsafeRawBufferPointer(chunk))
            } catch {
                busy = error
                break
            }
        }
        XCTAssertEqual(busy?.kind, .busy)
        XCTAssertLessThanOrEqual(connection.queuedBytes, limits.maxQueuedBytes)
        connection.close()
    }

    func testShutdownFromInsideACallbackStopsTheLoopWithoutDeadlock() throws {
        let delegate = RecordingDelegate()
        let loop = self.loop!
        delegate.onText = { _, _ in loop.shutdown() }
        let connection = try connect("/echo", delegate)
        try connection.send(text: "stop")
        XCTAssertTrue(delegate.wait { $0.texts.count == 1 })
        // The loop tears down without delivering anything more; new connections are refused.
        var refused = false
        for _ in 0..<50 where !refused {
            do { _ = try connect("/echo", RecordingDelegate()) } catch {
                refused = (error as? AzError)?.kind == .closed
            }
        }
        XCTAssertTrue(refused)
        XCTAssertFalse(connection.isOpen)
        XCTAssertEqual(delegate.closes.count, 0)
    }

    func testShutdownDeliversCloseAndNothingAfterItReturns() throws {
        let delegate = RecordingDelegate()
        let connection = try connect("/echo", delegate)
        try connection.send(text: "x")
        XCTAssertTrue(delegate.wait { $0.texts.count == 1 })
        loop.shutdown()
        XCTAssertEqual(delegate.closes.count, 1)
        XCTAssertEqual(delegate.closes.first?.error?.kind, .closed)
        XCTAssertThrowsError(try connection.send(text: "y"))
        XCTAssertThrowsError(try connect("/echo", RecordingDelegate())) {
            XCTAssertEqual(($0 as? AzError)?.kind, .closed)
        }
    }

    func testADelegateThatEndsItsConnectionInsideAMessageCallLivesUntilTheCallReturns() throws {
        // The connection is the delegate's only owner and drops it when it ends: a failure from inside the
        // delegate's own message call must not free it before that call returns. (The connection calls its delegate
        // without retaining it; only an optimized build relies on that: `swift test -c release -Xswiftc
        // -enable-testing` fails here when the connection releases the delegate at once. A debug build retains it
        // for the call anyway.)
        let log = OrderLog()
        let connection = try WebSocketConnection.connect(
            url: server.url("/echo"), headers: [], settings: settings, loop: loop, delegate: SelfEndingDelegate(log))
        try connection.send(text: "end yourself")
        XCTAssertTrue(log.wait { $0.count == 3 })
        XCTAssertEqual(log.entries, ["closed", "call returned", "freed"])
    }
}

/// wss:// against the same server behind TLS with a throwaway CA made by openssl.
final class WebSocketTLSTests: XCTestCase {
    var server: WebSocketTestServer!
    var loop: EventLoop!
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("azaudio-wstls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let script = """
            set -e
            cd '\(dir.path)'
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem \
              -days 1 -subj /CN=azaudio-test-ca 2>/dev/null
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr \
              -subj /CN=localhost 2>/dev/null
            printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > ext.cnf
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 1 \
              -extfile ext.cnf 2>/dev/null
            """
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/bin/sh")
        openssl.arguments = ["-c", script]
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw XCTSkip("openssl could not make a test CA") }
        server = try WebSocketTestServer(
            tls: (dir.appendingPathComponent("server.pem").path, dir.appendingPathComponent("server.key").path))
        loop = try EventLoop()
    }

    override func tearDown() {
        loop?.shutdown()
        server?.stop()
        if let dir { try? FileManager.default.removeItem(at: dir) }
    }

    func testEchoOverTLSWithTheRightCA() throws {
        var settings = TransportSettings()
        settings.caFile = dir.appendingPathComponent("ca.pem").path
        let delegate = RecordingDelegate()
        let connection = try WebSocketConnection.connect(
            url: server.url("/echo", secure: true), headers: [], settings: settings, loop: loop, delegate: delegate)
        let big = String(repeating: "z", count: 300_000)
        try connection.send(text: "over tls")
        try connection.send(text: big)
        XCTAssertTrue(delegate.wait { $0.texts.count == 2 })
        XCTAssertEqual(delegate.texts.first, "over tls")
        XCTAssertEqual(delegate.texts.last, big)
        connection.close()
        XCTAssertTrue(delegate.wait { $0.closes.count == 1 })
        XCTAssertNil(delegate.closes.first?.error)
    }

    func testUnknownCAFailsWithATLSError() throws {
        XCTAssertThrowsError(
            try WebSocketConnection.connect(
                url: server.url("/echo", secure: true), headers: [], settings: TransportSettings(), loop: loop,
                delegate: RecordingDelegate())
        ) { XCTAssertEqual(($0 as? AzError)?.kind, .tls, "\($0)") }
    }
}
