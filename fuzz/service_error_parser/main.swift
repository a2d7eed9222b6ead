// libFuzzer target: any error body (JSON of any shape, HTML, binary) becomes an AzError without crashing, with the
// raw body capped.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServiceErrorParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    let status = size > 0 ? 400 + Int(data[0]) % 200 : 500
    var headers = HTTPHeaders()
    headers["apim-request-id"] = "fuzz"
    if size > 1 { headers["retry-after"] = String(decoding: body.prefix(12), as: UTF8.self) }
    let error = ServiceErrorParser.error(status: status, headers: headers, body: body)
    precondition(error.httpStatus == status)
    precondition(error.rawBody.utf8.count <= ServiceErrorParser.maxRawBody * 3)
    precondition(!error.message.isEmpty)
    return 0
}
