import AzAudioCore
import Glibc

/// C strings that live for the whole process (static text handed to C callers).
enum StaticCString {
    static func make(_ text: String) -> UnsafePointer<CChar> { UnsafePointer(strdup(text)!) }
    nonisolated(unsafe) static let empty = make("")
}

/// A C string owned by a Swift object: freed when replaced or when the owner goes.
final class OwnedCString {
    private(set) var pointer: UnsafeMutablePointer<CChar>

    init(_ text: String) { pointer = strdup(text)! }

    deinit { free(pointer) }
}

extension String {
    /// Copies a C string from the caller, or nil for NULL.
    init?(optionalCString pointer: UnsafePointer<CChar>?) {
        guard let pointer else { return nil }
        self.init(cString: pointer)
    }
}

/// Copies a caller's C string that the header says is UTF-8 and that goes to the service. Malformed UTF-8 (bytes
/// 0xC0/0xC1/0xF5-0xFF, truncated sequences, overlong forms, surrogates, lone continuation bytes) is refused with
/// the field's name and the byte offset, never rewritten to U+FFFD and sent (the service would then speak or answer
/// text the caller never wrote). The check is the standard library's strict UTF-8 parser.
func utf8String(_ pointer: UnsafePointer<CChar>, _ field: String) throws(AzError) -> String {
    let bytes = UnsafeBufferPointer(
        start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self),
        count: strlen(pointer))
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var offset = 0
    while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid(let scalar): offset += scalar.count
        case .emptyInput: return String(decoding: bytes, as: UTF8.self)
        case .error:
            let shown = bytes[offset..<min(offset + 4, bytes.count)].map { String($0, radix: 16, uppercase: true) }
            throw .invalidArgument(
                "\(field) is not valid UTF-8: byte offset \(offset) (0x\(shown.joined(separator: " 0x")))")
        }
    }
}

/// `utf8String` for a pointer that may be NULL.
func optionalUTF8String(_ pointer: UnsafePointer<CChar>?, _ field: String) throws(AzError) -> String? {
    guard let pointer else { return nil }
    return try utf8String(pointer, field)
}
