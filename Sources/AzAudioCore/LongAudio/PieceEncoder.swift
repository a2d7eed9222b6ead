import Glibc

/// Decodes a recording in two passes with bounded memory: one to measure its loudness (for the pause detector),
/// then one per piece to write that piece's frames to its own file.
public final class PieceEncoder {
    let reader: SoundFileReader
    private var block = [Float](repeating: 0, count: 1 << 15)
    /// The reader's frame position; nil: unknown (after the measuring pass, which may stop short of a bad tail).
    private var position: Int64? = nil

    public init(reader: SoundFileReader) { self.reader = reader }

    /// Reads the whole recording once; returns its loudness profile and its real frame count.
    public func measure(cancel: CancellationToken?) throws(AzError) -> (EnergyProfile, Int64) {
        var profile = EnergyProfile(sampleRate: reader.sampleRate)
        var total: Int64 = 0
        try reader.seek(toFrame: 0)
        while true {
            if cancel?.isCancelled == true { throw AzError(.cancelled, "the call was cancelled") }
            let n = try block.withUnsafeMutableBufferPointer {
                (b: inout UnsafeMutableBufferPointer<Float>) throws(AzError) -> Int in
                try reader.readMono(into: b)
            }
            if n == 0 { break }
            block.withUnsafeBufferPointer { profile.add(UnsafeBufferPointer(rebasing: $0[0..<n])) }
            total += Int64(n)
        }
        profile.finish()
        return (profile, total)
    }

    /// Writes frames `plan.start..<plan.end` to `path`.
    public func write(_ plan: PiecePlan, to path: String, encoding: PieceEncoding) throws(AzError) {
        let writer = try SoundFileWriter(path: path, sampleRate: reader.sampleRate, encoding: encoding)
        // Pieces cut at pauses follow each other: read on instead of seeking, since seeking in compressed formats
        // (MP3 above all) can land mid-frame and decode a glitch.
        if position != plan.start {
            try reader.seek(toFrame: plan.start)
            position = plan.start
        }
        var left = plan.frames
        while left > 0 {
            let want = Int(min(Int64(block.count), left))
            let n = try block.withUnsafeMutableBufferPointer {
                (b: inout UnsafeMutableBufferPointer<Float>) throws(AzError) -> Int in
                try reader.readMono(into: UnsafeMutableBufferPointer(rebasing: b[0..<want]))
            }
            if n == 0 { break }
            try block.withUnsafeBufferPointer { (b: UnsafeBufferPointer<Float>) throws(AzError) in
                try writer.write(UnsafeBufferPointer(rebasing: b[0..<n]))
            }
            left -= Int64(n)
            position = position.map { $0 + Int64(n) }
        }
        try writer.close()
    }
}

/// A private directory (mode 0700) for a job's piece files, removed with everything in it when released.
final class PieceDirectory {
    let path: String

    init() throws(AzError) {
        let base = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/azaudio-pieces-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw AzError(
                .io,
                "cannot create a directory for the audio pieces in '\(base)': "
                    + String(cString: strerror(errno)))
        }
        path = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func file(_ index: Int, _ encoding: PieceEncoding) -> String { "\(path)/piece-\(index).\(encoding.fileExtension)" }

    func remove(_ file: String) { unlink(file) }

    deinit {
        if let dir = opendir(path) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) {
                    String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
                }
                if name != "." && name != ".." { unlink(path + "/" + name) }
            }
            closedir(dir)
        }
        rmdir(path)
    }
}
