import AzAudioCore
import CAzAudio

/// A C struct whose first field is `uint32_t struct_size`, and the one rule every such struct follows at the ABI:
///
/// - struct_size must be at least the struct's size in its first release (`firstReleaseSize`, the end of the last
///   field 0.1.0 declared): no program built against any header declares less, so a smaller value is refused with
///   AZAUDIO_ERR_INVALID_ARGUMENT.
/// - In: the library reads the first min(struct_size, sizeof) bytes; the fields past them take their defaults (an
///   older caller's smaller struct). A larger struct (a newer header) is read up to what this library knows.
/// - Out: the library writes only min(struct_size, sizeof) bytes and sets struct_size to that.
protocol SizedStructABI {
    associatedtype CStruct
    /// The C name, e.g. "azaudio_client_options".
    static var typeName: String { get }
    /// The end of the last field of the first release (0.1.0).
    static var firstReleaseSize: Int { get }
    /// What the fields past a caller's struct_size take when the struct is read.
    static var defaults: CStruct { get }
    /// How a caller fixes a bad struct_size.
    static var remedy: String { get }
}

extension SizedStructABI {
    static var remedy: String { "fill it with \(typeName)_init()" }

    /// The end of one field: `firstReleaseSize` is the end of the first release's last field.
    static func end<Value>(of field: KeyPath<CStruct, Value>) -> Int {
        MemoryLayout<CStruct>.offset(of: field)! + MemoryLayout<Value>.size
    }

    /// The caller's struct_size, checked against the rule above.
    private static func declaredSize(_ pointer: UnsafeRawPointer, _ argument: String) throws(AzError) -> Int {
        let declared = Int(pointer.load(as: UInt32.self))
        guard declared >= firstReleaseSize else {
            throw .invalidArgument(
                "\(argument)->struct_size is \(declared); it must be at least \(firstReleaseSize) "
                    + "(\(typeName) as 0.1.0 declared it): \(remedy)")
        }
        return declared
    }

    /// Reads a caller's struct over the defaults.
    static func read(_ pointer: UnsafePointer<CStruct>?, argument: String = "options") throws(AzError) -> CStruct {
        guard let pointer else { throw .invalidArgument("\(argument) is NULL: \(remedy)") }
        let declared = try declaredSize(UnsafeRawPointer(pointer), argument)
        var result = defaults
        withUnsafeMutableBytes(of: &result) { dest in
            dest.baseAddress!.copyMemory(from: UnsafeRawPointer(pointer), byteCount: min(declared, dest.count))
        }
        return result
    }

    /// Checks a caller's output struct before any work is done, so a bad one leaves everything untouched.
    static func checkOutput(_ pointer: UnsafeMutablePointer<CStruct>?, argument: String) throws(AzError) {
        guard let pointer else { throw .invalidArgument("\(argument) is NULL") }
        _ = try declaredSize(UnsafeRawPointer(pointer), argument)
    }

    /// Writes `value` into a caller's struct as an export's whole answer: AZAUDIO_OK, or the failure recorded with
    /// the function's name.
    static func fill(
        _ value: CStruct, into pointer: UnsafeMutablePointer<CStruct>?, argument: String, function: String
    )
        -> azaudio_result
    {
        do throws(AzError) {
            try write(value, to: pointer, argument: argument)
            return AZAUDIO_OK
        } catch {
            return fail(prefixed(error, function))
        }
    }

    /// Writes `value` into a caller's struct (checked first): min(struct_size, sizeof) bytes, struct_size set to
    /// that.
    static func write(_ value: CStruct, to pointer: UnsafeMutablePointer<CStruct>?, argument: String) throws(AzError) {
        guard let pointer else { throw .invalidArgument("\(argument) is NULL") }
        let count = min(try declaredSize(UnsafeRawPointer(pointer), argument), MemoryLayout<CStruct>.size)
        store(value, into: pointer, count: count)
    }

    /// A sized init export's whole answer (`azaudio_X_init_sized(p, sizeof *p)`): the defaults written into
    /// min(size, sizeof) bytes of the caller's struct, struct_size set to that. A size below the first release's
    /// is refused and nothing is written, so an older caller's smaller struct is never overrun.
    static func initialize(
        _ pointer: UnsafeMutablePointer<CStruct>?, size: Int, argument: String = "options", function: String
    ) -> azaudio_result {
        guard let pointer else { return fail(.invalidArgument, "\(function): \(argument) is NULL") }
        // size is a size_t: one past Int.max arrives negative, and is as large as any struct.
        let given = UInt(bitPattern: size)
        guard given >= UInt(firstReleaseSize) else {
            return fail(
                .invalidArgument,
                "\(function): size is \(given); it must be at least \(firstReleaseSize) (\(typeName) as 0.1.0 "
                    + "declared it): pass sizeof the struct")
        }
        store(defaults, into: pointer, count: Int(min(given, UInt(MemoryLayout<CStruct>.size))))
        return AZAUDIO_OK
    }

    /// Copies the first `count` bytes of `value`, with struct_size set to `count`, into the caller's struct.
    private static func store(_ value: CStruct, into pointer: UnsafeMutablePointer<CStruct>, count: Int) {
        var out = value
        withUnsafeMutableBytes(of: &out) { bytes in
            bytes.storeBytes(of: UInt32(count), as: UInt32.self)
            UnsafeMutableRawPointer(pointer).copyMemory(from: bytes.baseAddress!, byteCount: count)
        }
    }
}
