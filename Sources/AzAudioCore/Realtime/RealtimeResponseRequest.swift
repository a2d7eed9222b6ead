/// A typed `response.create` (schema `RealtimeResponseCreateParams`): its own instructions and output modality,
/// a token cap, metadata, input items, and whether it runs outside the conversation (`conversation: "none"`, an
/// out-of-band response: it sees only `input` when given, and adds nothing to the conversation). The service
/// echoes `metadata` in response.created / response.done; the session marks the events of an out-of-band
/// response (`RealtimeEvent.outOfBand`).
public struct RealtimeResponseRequest: Sendable, Equatable {
    public enum Modality: Sendable, Equatable {
        case audio
        case text
    }

    public var outOfBand = false
    public var instructions: String?
    /// nil: the session's.
    public var modality: Modality?
    /// nil: the session's; `.some(nil)`: unlimited ("inf"); else 1 ... 4096.
    public var maxOutputTokens: Int??
    /// A JSON object of up to 16 string values (keys up to 64 characters, values up to 512).
    public var metadataJSON: String?
    /// A JSON array of items (or `{"type":"item_reference","id":...}`) the response takes as its input instead of
    /// the conversation.
    public var inputJSON: String?

    public init() {}

    public func validate() throws(AzError) {
        if case .some(.some(let m)) = maxOutputTokens, !(1...4096).contains(m) {
            throw .invalidArgument("max_output_tokens \(m) is outside 1 ... 4096 (0: the session's; -1: inf)")
        }
        if let metadataJSON { try Self.checkMetadata(metadataJSON) }
        if let inputJSON {
            guard case .array(let items)? = try? JSONParser.parse(inputJSON) else {
                throw .invalidArgument("input_json is not a JSON array of items")
            }
            for (index, item) in items.enumerated() {
                guard case .object = item, item["type"]?.stringValue != nil else {
                    throw .invalidArgument("input_json[\(index)] is not an item object with a \"type\"")
                }
            }
        }
    }

    static func checkMetadata(_ json: String) throws(AzError) {
        guard case .object(let fields)? = try? JSONParser.parse(json) else {
            throw .invalidArgument("metadata_json is not a JSON object")
        }
        guard fields.count <= 16 else {
            throw .invalidArgument("metadata_json has \(fields.count) keys; at most 16 are allowed")
        }
        for (key, value) in fields {
            guard key.count <= 64 else {
                throw .invalidArgument("metadata_json key '\(key.prefix(20))...' is longer than 64 characters")
            }
            guard case .string(let text) = value else {
                throw .invalidArgument("metadata_json value of '\(key.prefix(64))' is not a string")
            }
            guard text.count <= 512 else {
                throw .invalidArgument("metadata_json value of '\(key.prefix(64))' is longer than 512 characters")
            }
        }
    }

    /// The `response.create` event in `kind`'s names (GA: `output_modalities`, `max_output_tokens`; preview:
    /// `modalities`, `max_response_output_tokens`).
    public func event(protocol kind: RealtimeProtocol) -> String {
        var r: [String] = []
        if outOfBand { r.append(#""conversation":"none""#) }
        if let instructions { r.append(#""instructions":"# + JSONWriter.quote(instructions)) }
        if let modality {
            switch (kind.isPreview, modality) {
            case (true, .audio): r.append(#""modalities":["text","audio"]"#)
            case (true, .text): r.append(#""modalities":["text"]"#)
            case (false, .audio): r.append(#""output_modalities":["audio"]"#)
            case (false, .text): r.append(#""output_modalities":["text"]"#)
            }
        }
        if let tokens = maxOutputTokens {
            let name = kind.isPreview ? "max_response_output_tokens" : "max_output_tokens"
            r.append(#"""# + name + #"":"# + (tokens.map(String.init) ?? #""inf""#))
        }
        if let metadataJSON { r.append(#""metadata":"# + metadataJSON) }
        if let inputJSON { r.append(#""input":"# + inputJSON) }
        return #"{"type":"response.create","response":{"# + r.joined(separator: ",") + "}}"
    }
}

/// `conversation.item.create` with a user message holding an image (`input_image`, a data URL) and optional text
/// (GA protocol). The image's bytes must be the format `mimeType` names (checked by its signature), at most
/// `maxBytes`.
public enum RealtimeImageItem {
    /// The largest image sent: its base64 stays well under a WebSocket message the service takes.
    public static let maxBytes = 10 << 20
    public static let mimeTypes = ["image/png", "image/jpeg", "image/webp", "image/gif"]
    public static let details = ["auto", "low", "high"]

    public static func event(
        image: UnsafeRawBufferPointer, mimeType: String, text: String?, detail: String?, protocol kind: RealtimeProtocol
    ) throws(AzError) -> String {
        guard !kind.isPreview else {
            throw .invalidArgument("image items need the GA realtime protocol (input_image is not in the preview one)")
        }
        guard mimeTypes.contains(mimeType) else {
            throw .invalidArgument(
                "mime_type '\(mimeType.prefix(40))' is not one of \(mimeTypes.joined(separator: ", "))")
        }
        guard !image.isEmpty else { throw .invalidArgument("the image is empty") }
        guard image.count <= maxBytes else {
            throw .invalidArgument("the image is \(image.count) bytes; send at most \(maxBytes) (10 MiB)")
        }
        guard signatureMatches(image, mimeType) else {
            throw .invalidArgument("the image's bytes are not \(mimeType) (its signature does not match)")
        }
        if let detail, !details.contains(detail) {
            throw .invalidArgument("detail '\(detail.prefix(20))' is not auto, low or high")
        }
        var parts: [String] = []
        if let text { parts.append(#"{"type":"input_text","text":"# + JSONWriter.quote(text) + "}") }
        var part = #"{"type":"input_image","image_url":"data:"# + mimeType + ";base64," + Base64.encode(image) + "\""
        if let detail { part += #","detail":"# + JSONWriter.quote(detail) }
        parts.append(part + "}")
        return #"{"type":"conversation.item.create","item":{"type":"message","role":"user","content":["#
            + parts.joined(separator: ",") + "]}}"
    }

    static func signatureMatches(_ bytes: UnsafeRawBufferPointer, _ mimeType: String) -> Bool {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && zip(bytes[offset...], prefix).allSatisfy { $0 == $1 }
        }
        switch mimeType {
        case "image/png": return starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        case "image/jpeg": return starts([0xFF, 0xD8, 0xFF])
        case "image/gif": return starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8))
        case "image/webp": return starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8)
        default: return false
        }
    }
}
