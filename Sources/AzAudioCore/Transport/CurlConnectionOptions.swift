import CCurl

extension TransportSettings {
    /// The options every connection the library opens shares, REST and realtime alike: TCP keepalive, the
    /// service's certificate check (`verifyTLS`, `caFile`, `caPath`) and the proxy with its own CA. `set` records the
    /// first failure.
    func applyConnectionOptions(to easy: UnsafeMutableRawPointer, _ set: (CURLcode) -> Void) {
        // TCP keepalive: a peer that vanished (NAT timeout, cable pulled) is noticed by the kernel too.
        set(ccurl_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1))
        set(ccurl_setopt_long(easy, CURLOPT_TCP_KEEPIDLE, TCPKeepalive.idleSeconds))
        set(ccurl_setopt_long(easy, CURLOPT_TCP_KEEPINTVL, TCPKeepalive.intervalSeconds))
        set(ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, verifyTLS ? 1 : 0))
        set(ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, verifyTLS ? 2 : 0))
        if let caFile { set(ccurl_setopt_string(easy, CURLOPT_CAINFO, caFile)) }
        if let caPath { set(ccurl_setopt_string(easy, CURLOPT_CAPATH, caPath)) }
        if let proxy { set(ccurl_setopt_string(easy, CURLOPT_PROXY, proxy)) }
        if let proxyCAFile { set(ccurl_setopt_string(easy, CURLOPT_PROXY_CAINFO, proxyCAFile)) }
    }
}
