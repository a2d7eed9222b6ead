import CCurl

/// The process-wide libcurl initialisation: the one global state the engine keeps.
enum CurlRuntime {
    /// Initialised on first use; Swift runs this exactly once, thread-safely.
    static let initialised: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    static func ensure() throws(AzError) {
        guard initialised else { throw AzError(.internal, "libcurl failed to initialise") }
    }

    /// libcurl's text for an error code.
    static func describe(_ code: CURLcode) -> String { String(cString: curl_easy_strerror(code)) }

    /// Maps a transfer failure to an error kind.
    static func kind(of code: CURLcode) -> ErrorKind {
        switch code {
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_ENGINE_INITFAILED,
            CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_OUT_OF_MEMORY: return .outOfMemory
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_NOT_BUILT_IN: return .unsupported
        case CURLE_URL_MALFORMAT: return .invalidArgument
        case CURLE_ABORTED_BY_CALLBACK: return .cancelled
        default: return .network
        }
    }

    /// Failures where nothing reached the server's application, or the connection broke: worth a retry.
    static func isRetryable(_ code: CURLcode) -> Bool {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING,
            CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_SSL_CONNECT_ERROR:
            return true
        default: return false
        }
    }
}
