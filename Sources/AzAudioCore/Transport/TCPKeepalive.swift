/// TCP keepalive timing for every socket the library opens (REST handles and the realtime CONNECT_ONLY socket):
/// the first probe after 30 s of silence, then one every 10 s, so the kernel notices a vanished peer (a NAT entry
/// that expired, a pulled cable) within about two minutes with Linux's 9 probes, instead of curl's defaults of
/// 60 s + 9 x 60 s. Application-level liveness (WebSocket pings, the REST idle rule) reacts sooner; keepalive
/// also keeps idle pooled connections alive through middleboxes.
public enum TCPKeepalive {
    public static let idleSeconds = 30
    public static let intervalSeconds = 10
}
