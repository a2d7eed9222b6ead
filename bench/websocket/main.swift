// WebSocket engine benchmark: CPU per connection-second of duplex realtime-like traffic, and base64 throughput.
//
// Each connection sends, every 20 ms, one input_audio_buffer.append-shaped JSON text message carrying 960 bytes of
// PCM16 (24 kHz, 20 ms) as base64 (~1.3 KB), encoded afresh each time; the echo server sends it back and the
// delegate base64-decodes the audio, as a realtime session does with response.audio.delta. CPU comes from
// getrusage(RUSAGE_SELF) over the measured window (after a warm-up).
//
// Usage: wsbench URL CONNECTIONS SECONDS [BATCHING_WINDOW_US]   (URL e.g. ws://127.0.0.1:PORT/echo;
//        for wss://, WSBENCH_CAFILE=ca.pem names the CA that signed the server's certificate)
//        wsbench --base64
import Glibc

final class Counter: WebSocketConnectionDelegate, @unchecked Sendable {
    var received = 0
    var decodedBytes = 0
    var closed = 0
    let audio = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    // The bytes of `"audio":"`.
    let key: [UInt8] = Array("\"audio\":\"".utf8)

    func webSocket(_ connection: WebSocketConnection, didReceiveText text: UnsafeRawBufferPointer) {
        received += 1
        // Find the audio field and decode it, as the session layer would.
        guard let start = find(key, in: text) else { return }
        let quote = memchr(text.baseAddress! + start, 0x22, text.count - start)
        let end = quote.map { UnsafeRawPointer($0) - text.baseAddress! } ?? text.count
        if let n = Base64.decode(UnsafeRawBufferPointer(rebasing: text[start..<end]), into: audio) { decodedBytes += n }
    }

    func webSocket(_ connection: WebSocketConnection, didClose info: WebSocketCloseInfo) { closed += 1 }

    private func find(_ needle: [UInt8], in text: UnsafeRawBufferPointer) -> Int? {
        needle.withUnsafeBytes { n -> Int? in
            // The field sits within the first 64 bytes: memchr for its quote, then memcmp.
            var offset = 0
            let limit = min(text.count, 64)
            while offset + n.count <= limit {
                guard let quote = memchr(text.baseAddress! + offset, 0x22, limit - offset) else { return nil }
                let at = UnsafeRawPointer(quote) - text.baseAddress!
                if at + n.count <= text.count && memcmp(quote, n.baseAddress!, n.count) == 0 { return at + n.count }
                offset = at + 1
            }
            return nil
        }
    }
}

/// Fixed-point formatting (no Foundation here).
func fmt(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int((value * scale).rounded())
    if digits == 0 { return String(scaled) }
    let whole = scaled / Int(scale)
    var frac = String(abs(scaled) % Int(scale))
    while frac.count < digits { frac = "0" + frac }
    return "\(scaled < 0 && whole == 0 ? "-" : "")\(whole).\(frac)"
}

/// CPU (ms) and voluntary context switches (each one is a thread going to sleep, i.e. a later wakeup).
func usage() -> (user: Double, system: Double, switches: Int) {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return (
        Double(u.ru_utime.tv_sec) * 1000 + Double(u.ru_utime.tv_usec) / 1000,
        Double(u.ru_stime.tv_sec) * 1000 + Double(u.ru_stime.tv_usec) / 1000, u.ru_nvcsw
    )
}

/// Resident set size in KiB, from /proc/self/statm.
func rssKiB() -> Int {
    let fd = open("/proc/self/statm", O_RDONLY)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 128)
    let n = read(fd, &buffer, 127)
    guard n > 0 else { return 0 }
    let fields = String(decoding: buffer[0..<n], as: UTF8.self).split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024 : 0
}

func nowNs() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func sleepUntil(_ ns: UInt64) {
    var ts = timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
}

func benchBase64() {
    for size in [960, 1024 * 1024] {
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        for i in 0..<size { input[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 7) }
        let text = UnsafeMutableRawBufferPointer.allocate(byteCount: Base64.encodedLength(size), alignment: 16)
        let output = UnsafeMutableRawBufferPointer.allocate(
            byteCount: Base64.maxDecodedLength(text.count) + 4, alignment: 16)
        let iterations = max(1, 512 * 1024 * 1024 / size)
        var t0 = nowNs()
        for _ in 0..<iterations { Base64.encode(UnsafeRawBufferPointer(input), into: text) }
        let encodeNs = Double(nowNs() - t0)
        t0 = nowNs()
        var total = 0
        for _ in 0..<iterations { total &+= Base64.decode(UnsafeRawBufferPointer(text), into: output) ?? -1 }
        let decodeNs = Double(nowNs() - t0)
        precondition(total == iterations * size && memcmp(input.baseAddress!, output.baseAddress!, size) == 0)
        let bytes = Double(iterations * size)
        print(
            "base64 \(size)-byte buffers: encode \(Int(bytes / encodeNs * 1000)) MB/s of input, decode \(Int(bytes / decodeNs * 1000)) MB/s of output"
        )
    }
}

@main
struct WSBench {
    static func main() throws {
        let args = CommandLine.arguments
        if args.count >= 2 && args[1] == "--base64" {
            benchBase64()
            return
        }
        guard args.count >= 4, let n = Int(args[2]), let seconds = Double(args[3]) else {
            print("usage: wsbench URL CONNECTIONS SECONDS | wsbench --base64")
            exit(2)
        }
        let url = try WebSocketURL(args[1])
        let window = UInt32(CommandLine.arguments.count > 4 ? Int(CommandLine.arguments[4]) ?? 0 : 0)
        let loop = try EventLoop(batchingWindowUs: window)
        let counter = Counter()
        var connections: [WebSocketConnection] = []
        var settings = TransportSettings()
        if let ca = getenv("WSBENCH_CAFILE") { settings.caFile = String(cString: ca) }
        let rssBefore = rssKiB()
        let connectStart = nowNs()
        for _ in 0..<n {
            connections.append(
                try WebSocketConnection.connect(
                    url: url, headers: [("api-key", "bench")], settings: settings, loop: loop, delegate: counter))
        }
        let connectMs = Double(nowNs() - connectStart) / 1e6 / Double(n)

        // 960 bytes of "PCM" per 20 ms frame, base64-encoded into a JSON event each time.
        let pcm = UnsafeMutableRawBufferPointer.allocate(byteCount: 960, alignment: 16)
        for i in 0..<960 { pcm[i] = UInt8(truncatingIfNeeded: i &* 31) }
        let prefix = Array("{\"type\":\"input_audio_buffer.append\",\"audio\":\"".utf8)
        let suffix = Array("\"}".utf8)
        let message = UnsafeMutableRawBufferPointer.allocate(
            byteCount: prefix.count + Base64.encodedLength(960) + suffix.count, alignment: 16)
        prefix.withUnsafeBytes { message.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: prefix.count) }
        let audioStart = prefix.count
        let audioEnd = audioStart + Base64.encodedLength(960)
        suffix.withUnsafeBytes {
            (message.baseAddress! + audioEnd).copyMemory(from: $0.baseAddress!, byteCount: suffix.count)
        }

        let warmupFrames = 100  // 2 s
        let measuredFrames = Int(seconds * 50)
        var sent = 0
        var busy = 0
        var next = nowNs()
        var cpuStart = usage()
        var wallStart: UInt64 = 0
        for frame in 0..<(warmupFrames + measuredFrames) {
            if frame == warmupFrames {
                cpuStart = usage()
                wallStart = nowNs()
            }
            for connection in connections {
                Base64.encode(
                    UnsafeRawBufferPointer(pcm),
                    into: UnsafeMutableRawBufferPointer(rebasing: message[audioStart..<audioEnd]))
                do {
                    try connection.send(text: UnsafeRawBufferPointer(message))
                    sent += 1
                } catch {
                    busy += 1
                }
            }
            next += 20_000_000
            sleepUntil(next)
        }
        let cpuEnd = usage()
        let rssAfter = rssKiB()
        let wall = Double(nowNs() - wallStart) / 1e9
        // Let the last echoes arrive.
        sleepUntil(nowNs() + 500_000_000)
        for connection in connections { connection.close() }
        sleepUntil(nowNs() + 500_000_000)
        loop.shutdown()
        let user = cpuEnd.user - cpuStart.user
        let system = cpuEnd.system - cpuStart.system
        let perSessionSecond = (user + system) / (Double(n) * wall)
        print(
            "\(url.secure ? "wss" : "ws"), batching window \(window) us; connections \(n), measured \(fmt(wall, 1)) s, message \(message.count) bytes each way every 20 ms"
        )
        print(
            "sent \(sent), echoed back \(counter.received), lost \(sent - counter.received), busy \(busy), audio decoded \(counter.decodedBytes) bytes"
        )
        print(
            "RSS: \(rssBefore) KiB before connecting, \(rssAfter) KiB at the end of the run: \((rssAfter - rssBefore) / n) KiB per connection"
        )
        print("connect+handshake: \(fmt(connectMs, 2)) ms per connection (sequential)")
        print(
            "thread wakeups (voluntary context switches): \(Int(Double(cpuEnd.switches - cpuStart.switches) / wall)) per second"
        )
        print(
            "CPU: user \(fmt(user, 0)) ms + system \(fmt(system, 0)) ms -> \(fmt(perSessionSecond, 3)) ms CPU per connection-second"
        )
    }
}
