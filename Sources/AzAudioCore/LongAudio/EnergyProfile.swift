import Glibc

/// The loudness of a recording in short windows, built while the audio streams past (mono samples from -1 to 1).
///
/// One Float per window (50 ms by default): an hour is 72,000 values (288 KB), so the profile stays small while the
/// audio itself is never held.
public struct EnergyProfile: Sendable {
    public let sampleRate: Int
    public let windowFrames: Int
    /// The level of each complete window in dBFS (digital silence is clamped to -100).
    public private(set) var levels: [Float] = []
    private var sumSquares: Double = 0
    private var filled = 0

    public init(sampleRate: Int, windowSeconds: Double = 0.05) {
        self.sampleRate = max(1, sampleRate)
        windowFrames = max(1, Int((Double(self.sampleRate) * windowSeconds).rounded()))
    }

    /// Adds mono samples.
    public mutating func add(_ samples: UnsafeBufferPointer<Float>) {
        for s in samples {
            sumSquares += Double(s) * Double(s)
            filled += 1
            if filled == windowFrames { closeWindow() }
        }
    }

    /// Closes a trailing partial window, if any.
    public mutating func finish() {
        if filled > 0 { closeWindow() }
    }

    private mutating func closeWindow() {
        let meanSquare = sumSquares / Double(max(filled, 1))
        levels.append(meanSquare <= 1e-10 ? -100 : Float(10 * log10(meanSquare)))
        sumSquares = 0
        filled = 0
    }
}

/// A quiet stretch of a recording, in frames (start inclusive, end exclusive).
public struct Pause: Sendable, Equatable {
    public var start: Int64
    public var end: Int64
    public init(start: Int64, end: Int64) { self.start = start; self.end = end }
    public var middle: Int64 { start + (end - start) / 2 }
}

/// Finds pauses in an energy profile: runs of windows quieter than the recording's noise floor plus a margin.
///
/// The floor is the 10th percentile of the window levels, so the detector adapts to a noisy line as well as to
/// digital silence; a pause must last `minimumSeconds` (a breath between words is shorter and is not a cut point).
public struct PauseDetector: Sendable {
    public var marginDB: Float = 12
    public var minimumSeconds: Double = 0.3
    /// A level that always counts as quiet, whatever the floor (dBFS).
    public var absoluteQuietDB: Float = -50

    public init() {}

    public func pauses(in profile: EnergyProfile) -> [Pause] {
        let levels = profile.levels
        guard !levels.isEmpty else { return [] }
        let sorted = levels.sorted()
        let floor = sorted[sorted.count / 10]
        let threshold = max(floor + marginDB, absoluteQuietDB)
        let minimumWindows = max(
            1, Int((minimumSeconds * Double(profile.sampleRate) / Double(profile.windowFrames)).rounded(.up)))
        var result: [Pause] = []
        var runStart: Int? = nil
        for i in 0...levels.count {
            let quiet = i < levels.count && levels[i] < threshold
            if quiet {
                if runStart == nil { runStart = i }
            } else if let start = runStart {
                if i - start >= minimumWindows {
                    let w = Int64(profile.windowFrames)
                    result.append(Pause(start: Int64(start) * w, end: Int64(i) * w))
                }
                runStart = nil
            }
        }
        return result
    }
}
