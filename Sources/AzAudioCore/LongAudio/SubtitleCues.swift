/// One cue of an SRT or WebVTT transcript.
public struct SubtitleCue: Sendable, Equatable {
    public var start: Double
    public var end: Double
    public var text: String
    public init(start: Double, end: Double, text: String) { self.start = start; self.end = end; self.text = text }
}

/// Reads and writes the SRT and WebVTT bodies the service returns, so pieces can be shifted and renumbered.
public enum SubtitleCues {
    /// The cues of an SRT or VTT body; blocks without a "-->" timing line (the WEBVTT header, NOTEs) are skipped.
    public static func parse(_ body: String) -> [SubtitleCue] {
        var cues: [SubtitleCue] = []
        let normalized = body.replacingOccurrences("\r\n", with: "\n")
        for block in normalized.split(separator: "\n\n", omittingEmptySubsequences: true) {
            let lines = block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard let timing = lines.firstIndex(where: { $0.contains("-->") }) else { continue }
            let parts = lines[timing].split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 3, parts[1] == "-->", let start = seconds(String(parts[0])),
                let end = seconds(String(parts[2]))
            else { continue }
            let text = lines[(timing + 1)...].joined(separator: "\n").trimmingNewlines()
            cues.append(SubtitleCue(start: start, end: end, text: text))
        }
        return cues
    }

    /// "HH:MM:SS,mmm" or "HH:MM:SS.mmm" or "MM:SS.mmm" as seconds.
    static func seconds(_ text: String) -> Double? {
        let fields = text.replacingOccurrences(",", with: ".").split(separator: ":")
        guard fields.count == 2 || fields.count == 3 else { return nil }
        var total = 0.0
        for (i, field) in fields.enumerated() {
            guard let v = Double(field), v >= 0, v.isFinite else { return nil }
            total = i == fields.count - 1 ? total * 60 + v : total * 60 + v.rounded(.towardZero)
        }
        return total
    }

    static func timestamp(_ seconds: Double, separator: Character) -> String {
        let millis = max(0, (seconds * 1000).saturatingInt64())
        let h = millis / 3_600_000, m = millis / 60_000 % 60, s = millis / 1000 % 60, ms = millis % 1000
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let three = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return "\(two(h)):\(two(m)):\(two(s))\(separator)\(three)"
    }

    /// An SRT body: cues numbered from 1.
    public static func srt(_ cues: [SubtitleCue]) -> String {
        var out = ""
        for (i, cue) in cues.enumerated() {
            if i > 0 { out += "\n" }
            out += "\(i + 1)\n\(timestamp(cue.start, separator: ",")) --> \(timestamp(cue.end, separator: ","))\n"
            out += cue.text + "\n"
        }
        return out
    }

    /// A WebVTT body.
    public static func vtt(_ cues: [SubtitleCue]) -> String {
        var out = "WEBVTT\n"
        for cue in cues {
            out += "\n\(timestamp(cue.start, separator: ".")) --> \(timestamp(cue.end, separator: "."))\n\(cue.text)\n"
        }
        return out
    }
}

extension String {
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var out = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        out += rest
        return out
    }

    func trimmingNewlines() -> String {
        var s = self[...]
        while let c = s.first, c == "\n" || c == " " { s = s.dropFirst() }
        while let c = s.last, c == "\n" || c == " " { s = s.dropLast() }
        return String(s)
    }
}
