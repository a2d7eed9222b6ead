/// A speaker the diarizing model should recognise by name: a short identifier and a 2-10 s clip of their voice.
public struct KnownSpeaker: Sendable {
    /// Where the reference clip comes from.
    public enum Clip: Sendable {
        /// A file on disk (read whole: it is short).
        case file(path: String)
        /// Bytes in memory; `filename`'s extension gives the format.
        case memory([UInt8], filename: String)
    }

    public var name: String
    public var clip: Clip

    public init(name: String, clip: Clip) {
        self.name = name
        self.clip = clip
    }

    /// The service's limits: at most 4 speakers, each clip 2 to 10 seconds.
    public static let maxSpeakers = 4
    public static let minClipSeconds = 2.0
    public static let maxClipSeconds = 10.0
    /// A clip of 10 s even as uncompressed 48 kHz stereo float is under 4 MB; anything larger is not a clip.
    public static let maxClipBytes = 4 * 1024 * 1024

    /// The clip as a data URL (`data:audio/wav;base64,...`), after checking its name, type, size and, for WAV,
    /// its duration (other formats are left for the service to measure).
    public func dataURL(index: Int) throws(AzError) -> String {
        let label = "known speaker \(index + 1) ('\(name.prefix(40))')"
        guard !name.isEmpty else { throw .invalidArgument("known speaker \(index + 1) has an empty name") }
        guard name.utf8.count <= 64 else {
            throw .invalidArgument("\(label): the name is \(name.utf8.count) bytes; use a short identifier")
        }
        let bytes: [UInt8]
        let filename: String
        switch clip {
        case .file(let path):
            filename = AudioFileType.baseName(path)
            _ = try AudioFileType.uploadContentType(forFilename: filename)
            let file = try AudioFile(path: path)
            guard file.size <= Int64(Self.maxClipBytes) else {
                throw .invalidArgument(
                    "\(label): the reference clip '\(path.prefix(200))' is \(file.size) bytes; "
                        + "a 2-10 s clip is far smaller")
            }
            bytes = try file.readAll()
        case .memory(let data, let name):
            filename = name
            bytes = data
        }
        let contentType: String
        do throws(AzError) { contentType = try AudioFileType.uploadContentType(forFilename: filename) } catch {
            throw AzError(error.kind, "\(label): \(error.message)")
        }
        guard !bytes.isEmpty else { throw .invalidArgument("\(label): the reference clip is empty") }
        guard bytes.count <= Self.maxClipBytes else {
            throw .invalidArgument("\(label): the reference clip is \(bytes.count) bytes; a 2-10 s clip is far smaller")
        }
        if AudioFileType.fileExtension(filename) == "wav" { try Self.checkWAVDuration(bytes, label: label) }
        return "data:\(contentType);base64," + Base64.encode(bytes)
    }

    static func checkWAVDuration(_ bytes: [UInt8], label: String) throws(AzError) {
        let parsed: Result<WAVInfo, AzError> = bytes.withUnsafeBytes { raw in
            do throws(AzError) { return .success(try WAVParser.parse(MemoryByteSource(raw))) } catch {
                return .failure(error)
            }
        }
        let info: WAVInfo
        switch parsed {
        case .success(let value): info = value
        case .failure(let error):
            throw AzError(
                .invalidArgument, "\(label): the reference clip is not a readable WAV file (\(error.message))")
        }
        guard info.sampleRate > 0, info.blockAlign > 0 else {
            throw .invalidArgument("\(label): the reference clip's WAV header gives no sample rate")
        }
        let available = min(info.dataSize, max(bytes.count - info.dataOffset, 0))
        let seconds = Double(available / info.blockAlign) / Double(info.sampleRate)
        guard seconds >= minClipSeconds && seconds <= maxClipSeconds else {
            throw .invalidArgument(
                "\(label): the reference clip is \(formatSeconds(seconds)) s long; it must be 2 to 10 s")
        }
    }

    static func formatSeconds(_ s: Double) -> String {
        let tenths = Int((s * 10).saturatingInt64())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
