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

/// Reads a caller's options struct whose first field is `uint32_t struct_size`: starts from `defaults` and copies
/// over only the bytes the caller declared, so an older caller's shorter struct keeps working.
/// Returns nil when struct_size is below `minimumSize`.
func readOptions<T>(_ pointer: UnsafePointer<T>, defaults: T, minimumSize: Int) -> T? {
    let declared = Int(UnsafeRawPointer(pointer).load(as: UInt32.self))
    guard declared >= minimumSize else { return nil }
    var result = defaults
    withUnsafeMutableBytes(of: &result) { dest in
        dest.baseAddress!.copyMemory(from: UnsafeRawPointer(pointer), byteCount: min(declared, dest.count))
    }
    return result
}
