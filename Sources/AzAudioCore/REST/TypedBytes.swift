/// `withUnsafeBytes` for closures with typed throws (the standard library's versions rethrow `any Error`).
extension Array where Element == UInt8 {
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(AzError) -> R) throws(AzError) -> R {
        let result: Result<R, AzError> = withUnsafeBytes { b in Result { () throws(AzError) in try body(b) } }
        return try result.get()
    }

    mutating func withMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws(AzError) -> R) throws(AzError) -> R
    {
        let result: Result<R, AzError> = withUnsafeMutableBytes { b in Result { () throws(AzError) in try body(b) } }
        return try result.get()
    }
}
