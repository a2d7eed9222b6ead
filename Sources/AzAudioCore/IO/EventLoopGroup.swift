/// A small fixed set of event loops; connections are spread over them round-robin.
public final class EventLoopGroup: @unchecked Sendable {
    public let loops: [EventLoop]
    private let counter = Locked(0)

    /// Starts `threads` loops (at least one).
    public init(threads: Int = 1, readBufferSize: Int = 64 * 1024) throws(AzError) {
        var loops: [EventLoop] = []
        for index in 0..<max(threads, 1) {
            loops.append(try EventLoop(name: "azaudio-io-\(index)", readBufferSize: readBufferSize))
        }
        self.loops = loops
    }

    /// The loop for the next connection.
    public func next() -> EventLoop {
        let index = counter.withLock { value -> Int in
            value &+= 1
            return value
        }
        return loops[index % loops.count]
    }

    /// Shuts every loop down (see `EventLoop.shutdown`).
    public func shutdown() {
        for loop in loops { loop.shutdown() }
    }
}
