import Foundation
import Glibc

/// A loopback HTTP/1.1 server for transport tests: answers each request with the next scripted reply and records
/// what it received. One connection at a time; keep-alive supported.
final class ScriptedHTTPServer: @unchecked Sendable {
    indirect enum Reply {
        case response(status: Int, headers: [(String, String)] = [], body: [UInt8] = [])
        /// Sends headers announcing `declaredLength` bytes, then `sent` bytes, then closes.
        case cutMidBody(declaredLength: Int, sent: [UInt8])
        /// Waits before answering.
        case delayed(seconds: Double, Reply)
        /// Closes the connection without answering.
        case close
    }

    struct Received {
        var method: String
        var path: String
        var headers: [String: String]
        var body: [UInt8]
    }

    private let lock = NSLock()
    private var script: [Reply]
    private var received: [Received] = []
    private var connections = 0
    private let listenFD: Int32
    private var stopped = false
    let port: UInt16

    init(_ script: [Reply]) throws {
        self.script = script
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw NSError(domain: "server", code: 1) }
        withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &len) }
        }
        listenFD = fd
        port = UInt16(bigEndian: addr.sin_port)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    var requests: [Received] { lock.withLock { received } }

    /// How many TCP connections clients opened.
    var connectionCount: Int { lock.withLock { connections } }

    func stop() {
        lock.withLock { stopped = true }
        shutdown(listenFD, Int32(SHUT_RDWR))
        close(listenFD)
    }

    private func nextReply() -> Reply? {
        lock.withLock { script.isEmpty ? nil : script.removeFirst() }
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 { return }
            lock.withLock { connections += 1 }
            Thread.detachNewThread { [self] in serve(fd) }
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var buffer: [UInt8] = []
        while true {
            guard let request = readRequest(fd, &buffer) else { return }
            lock.withLock { received.append(request) }
            guard let reply = nextReply() else { return }
            if !send(reply, fd) { return }
        }
    }

    private func send(_ reply: Reply, _ fd: Int32) -> Bool {
        switch reply {
        case .delayed(let seconds, let inner):
            Thread.sleep(forTimeInterval: seconds)
            return send(inner, fd)
        case .close:
            return false
        case .response(let status, let headers, let body):
            var head = "HTTP/1.1 \(status) X\r\ncontent-length: \(body.count)\r\n"
            for (n, v) in headers { head += "\(n): \(v)\r\n" }
            head += "\r\n"
            writeAll(fd, Array(head.utf8) + body)
            return true
        case .cutMidBody(let declared, let sent):
            writeAll(fd, Array("HTTP/1.1 200 OK\r\ncontent-length: \(declared)\r\n\r\n".utf8) + sent)
            return false
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    private func readRequest(_ fd: Int32, _ buffer: inout [UInt8]) -> Received? {
        func fill() -> Bool {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return false }
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
        var headerEnd: Int? = nil
        while headerEnd == nil {
            if let r = buffer.firstRange(of: Array("\r\n\r\n".utf8)) { headerEnd = r.upperBound; break }
            if !fill() { return nil }
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines where line.contains(":") {
            let parts = line.split(separator: ":", maxSplits: 1)
            headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < headerEnd! + length { if !fill() { return nil } }
        let body = Array(buffer[headerEnd!..<(headerEnd! + length)])
        buffer.removeFirst(headerEnd! + length)
        return Received(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body)
    }
}
