import CCrypto

/// Checks a webhook the service signed the Standard Webhooks way (https://www.standardwebhooks.com): the
/// `webhook-signature` header holds space-separated `v1,<base64 HMAC-SHA256>` entries computed over
/// `"{webhook-id}.{webhook-timestamp}.{raw body}"` with the key given, base64, after `whsec_` in the secret.
/// A timestamp further than `tolerance` seconds from now is refused, so a captured webhook cannot be replayed
/// later. Signatures are compared in constant time (OpenSSL's CRYPTO_memcmp).
public struct WebhookVerifier: Sendable {
    public static let defaultToleranceSeconds: Int64 = 300
    private let key: [UInt8]

    /// Reads the signing secret: `whsec_` followed by base64 (a secret without the prefix is taken as base64).
    public init(secret: String) throws(AzError) {
        var text = Substring(secret)
        if text.hasPrefix("whsec_") { text = text.dropFirst(6) }
        guard !text.isEmpty else { throw .invalidArgument("the webhook secret is empty: give the whsec_... secret") }
        guard let key = Base64.decode(String(text)), !key.isEmpty else {
            throw .invalidArgument("the webhook secret is not whsec_ followed by base64")
        }
        self.key = key
    }

    /// Verifies one delivery. Errors: `.auth` for a signature that does not match (a tampered body, another
    /// secret) or a timestamp outside the tolerance; `.invalidArgument` for missing or malformed headers.
    public func verify(
        id: String, timestamp: String, signatures: String, body: UnsafeRawBufferPointer, now: Int64,
        toleranceSeconds: Int64 = WebhookVerifier.defaultToleranceSeconds
    ) throws(AzError) {
        guard !id.isEmpty else { throw .invalidArgument("the webhook-id header is missing or empty") }
        guard !timestamp.isEmpty, timestamp.utf8.count <= 12, timestamp.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let sent = Int64(timestamp)
        else {
            throw .invalidArgument("the webhook-timestamp header '\(timestamp.prefix(20))' is not unix seconds")
        }
        let (age, overflow) = now.subtractingReportingOverflow(sent)
        guard !overflow, age.magnitude <= UInt64(max(toleranceSeconds, 0)) else {
            throw AzError(
                .auth,
                "the webhook's timestamp is \(overflow ? "far" : "\(age.magnitude) s") \(age >= 0 ? "old" : "ahead"); "
                    + "more than \(toleranceSeconds) s away from now it is refused (a replay, or a wrong clock)")
        }
        let entries = signatures.split(separator: " ").filter { $0.hasPrefix("v1,") }
        guard !entries.isEmpty else {
            throw .invalidArgument("the webhook-signature header has no v1,<base64> signature")
        }
        // An entry that is not valid base64 cannot match: it counts as a wrong signature.
        let candidates = entries.compactMap { Base64.decode(String($0.dropFirst(3))) }
        let expected = try mac(id: id, timestamp: timestamp, body: body)
        for candidate in candidates where candidate.count == expected.count {
            let equal = candidate.withUnsafeBytes { a in
                expected.withUnsafeBytes { b in ccrypto_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 }
            }
            if equal { return }
        }
        throw AzError(
            .auth,
            "the webhook signature does not match: the body was changed or the secret is not "
                + "this webhook's")
    }

    /// The `v1,<base64>` signature of a delivery (what a sender puts in webhook-signature).
    public func sign(id: String, timestamp: String, body: UnsafeRawBufferPointer) throws(AzError) -> String {
        "v1," + Base64.encode(try mac(id: id, timestamp: timestamp, body: body))
    }

    private func mac(id: String, timestamp: String, body: UnsafeRawBufferPointer) throws(AzError) -> [UInt8] {
        var signed = Array("\(id).\(timestamp).".utf8)
        signed.append(contentsOf: body)
        var out = [UInt8](repeating: 0, count: 32)
        let ok = key.withUnsafeBytes { k in
            signed.withUnsafeBytes { d in
                out.withUnsafeMutableBufferPointer { o in
                    ccrypto_hmac_sha256(k.baseAddress, k.count, d.baseAddress, d.count, o.baseAddress)
                }
            }
        }
        guard ok == 1 else { throw AzError(.internal, "OpenSSL could not compute the HMAC-SHA256") }
        return out
    }
}
