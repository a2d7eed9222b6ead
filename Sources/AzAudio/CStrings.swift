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
