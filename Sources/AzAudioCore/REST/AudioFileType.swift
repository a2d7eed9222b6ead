/// The audio file types the transcription and translation endpoints accept, and the content type each is sent with.
///
/// The service recognises the format from the multipart file part's filename extension and content type; a part
/// without them gets 400 "Invalid file format", so both are checked and set before anything is sent.
public enum AudioFileType {
    /// Accepted extensions (lowercase) and the content type sent for each.
    public static let uploadContentTypes: [String: String] = [
        "flac": "audio/flac", "mp3": "audio/mpeg", "mp4": "audio/mp4", "mpeg": "audio/mpeg", "mpga": "audio/mpeg",
        "m4a": "audio/mp4", "ogg": "audio/ogg", "wav": "audio/wav", "webm": "audio/webm",
    ]

    /// The accepted extensions as text for messages, e.g. "flac, m4a, ...".
    public static var acceptedList: String { uploadContentTypes.keys.sorted().joined(separator: ", ") }

    /// The last path component of `path`.
    public static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// The lowercased extension of a file name (after its last '.'), or nil if it has none.
    public static func fileExtension(_ name: String) -> String? {
        let base = baseName(name)
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return nil }
        let ext = base[base.index(after: dot)...]
        return ext.isEmpty ? nil : ext.lowercased()
    }

    /// The content type for uploading `filename`, or `.unsupported` naming the accepted extensions.
    public static func uploadContentType(forFilename filename: String) throws(AzError) -> String {
        guard let ext = fileExtension(filename) else {
            throw AzError(
                .unsupported,
                "'\(filename.prefix(200))' has no file extension: the service identifies the audio format by it; "
                    + "use one of \(acceptedList)")
        }
        guard let type = uploadContentTypes[ext] else {
            throw AzError(
                .unsupported,
                "'\(filename.prefix(200))' has the extension '.\(ext.prefix(20))', which the service does not accept; "
                    + "use one of \(acceptedList)")
        }
        return type
    }

    /// The input_audio format of a chat message for `filename` ("wav" or "mp3"), or `.unsupported`.
    public static func chatInputFormat(forFilename filename: String) throws(AzError) -> String {
        switch fileExtension(filename) {
        case "wav": return "wav"
        case "mp3": return "mp3"
        case let other:
            throw AzError(
                .unsupported,
                "'\(filename.prefix(200))' "
                    + (other.map { "has the extension '.\($0.prefix(20))'" } ?? "has no extension")
                    + ": chat input audio must be wav or mp3")
        }
    }
}
