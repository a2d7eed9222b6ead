/* Swift's view of libcurl: the library header plus typed wrappers for the variadic calls Swift cannot make. */
#ifndef CCURL_H
#define CCURL_H
#include <curl/curl.h>
#include <stddef.h>

typedef size_t (*ccurl_data_fn)(char *data, size_t size, size_t nmemb, void *user);
typedef int (*ccurl_xferinfo_fn)(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                                 curl_off_t ulnow);

CURLcode ccurl_setopt_long(CURL *h, CURLoption opt, long value);
CURLcode ccurl_setopt_off(CURL *h, CURLoption opt, curl_off_t value);
CURLcode ccurl_setopt_string(CURL *h, CURLoption opt, const char *value);
CURLcode ccurl_setopt_pointer(CURL *h, CURLoption opt, void *value);
CURLcode ccurl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value);
CURLcode ccurl_setopt_share(CURL *h, CURLSH *share);
CURLcode ccurl_setopt_data_fn(CURL *h, CURLoption opt, ccurl_data_fn fn);
CURLcode ccurl_setopt_xferinfo_fn(CURL *h, ccurl_xferinfo_fn fn);

CURLcode ccurl_getinfo_long(CURL *h, CURLINFO info, long *out);
CURLcode ccurl_getinfo_off(CURL *h, CURLINFO info, curl_off_t *out);
CURLcode ccurl_getinfo_socket(CURL *h, curl_socket_t *out);

/* A share handle (connection cache, DNS cache, TLS sessions) with its own mutexes, safe to use from several
   threads at once. */
typedef struct ccurl_share ccurl_share;
ccurl_share *ccurl_share_create(void);
CURLSH *ccurl_share_handle(ccurl_share *share);
void ccurl_share_destroy(ccurl_share *share);

CURLMcode ccurl_multi_setopt_long(CURLM *m, CURLMoption opt, long value);

/* Before a CONNECT_ONLY handle connects: when curl's TLS is this process's OpenSSL (not another backend,
   LibreSSL/BoringSSL or another major version), has OpenSSL write the connection's SSL * to *slot at the end of the
   handshake, turns on OpenSSL's read-ahead, and returns 1; else 0 and *slot stays as it was. *slot must stay valid
   until curl_easy_cleanup. With read-ahead, bytes can wait in OpenSSL that epoll does not announce: whoever reads
   the connection must ask ccurl_tls_has_pending before waiting for the socket (or read until CURLE_AGAIN). Not for
   a handle that may go through an HTTPS proxy (that TLS layer would report to the same slot). */
int ccurl_tls_capture_openssl(CURL *h, void **slot);
/* 1 when OpenSSL holds bytes of that connection that a read would return without touching the socket (decrypted,
   or read ahead and not yet decrypted: SSL_has_pending), else 0. */
int ccurl_tls_has_pending(void *ssl);

#endif
