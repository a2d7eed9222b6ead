/// Where the engine's log lines go. Lines never contain credentials: callers of `log` pass only redacted text.
public struct Logger: Sendable {
    public enum Level: Int32, Sendable, Comparable {
        case error = 1, warn, info, debug
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    public let level: Level
    private let sink: (@Sendable (Level, String) -> Void)?

    public init(level: Level = .warn, sink: (@Sendable (Level, String) -> Void)? = nil) {
        self.level = level
        self.sink = sink
    }

    /// A logger that drops everything.
    public static let disabled = Logger()

    public func enabled(_ level: Level) -> Bool { sink != nil && level <= self.level }

    public func log(_ level: Level, _ message: @autoclosure () -> String) {
        guard let sink, level <= self.level else { return }
        sink(level, message())
    }
}
