#define _GNU_SOURCE
#include "ccurl.h"
#include <string.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>

CURLcode ccurl_setopt_long(CURL *h, CURLoption opt, long value) { return curl_easy_setopt(h, opt, value); }
CURLcode ccurl_setopt_off(CURL *h, CURLoption opt, curl_off_t value) { return curl_easy_setopt(h, opt, value); }
CURLcode ccurl_setopt_string(CURL *h, CURLoption opt, const char *value) { return curl_easy_setopt(h, opt, value); }
CURLcode ccurl_setopt_pointer(CURL *h, CURLoption opt, void *value) { return curl_easy_setopt(h, opt, value); }
CURLcode ccurl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value) {
    return curl_easy_setopt(h, opt, value);
}
CURLcode ccurl_setopt_share(CURL *h, CURLSH *share) { return curl_easy_setopt(h, CURLOPT_SHARE, share); }
CURLcode ccurl_setopt_data_fn(CURL *h, CURLoption opt, ccurl_data_fn fn) { return curl_easy_setopt(h, opt, fn); }
CURLcode ccurl_setopt_xferinfo_fn(CURL *h, ccurl_xferinfo_fn fn) {
    CURLcode rc = curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, fn);
    if (rc == CURLE_OK) rc = curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    return rc;
}

CURLcode ccurl_getinfo_long(CURL *h, CURLINFO info, long *out) { return curl_easy_getinfo(h, info, out); }
CURLcode ccurl_getinfo_off(CURL *h, CURLINFO info, curl_off_t *out) { return curl_easy_getinfo(h, info, out); }
CURLcode ccurl_getinfo_socket(CURL *h, curl_socket_t *out) { return curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, out); }

CURLMcode ccurl_multi_setopt_long(CURLM *m, CURLMoption opt, long value) { return curl_multi_setopt(m, opt, value); }

/* One mutex per curl_lock_data kind, kept beside the share they guard. */
struct ccurl_share {
    CURLSH *handle;
    pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
};

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *user) {
    (void)h;
    (void)access;
    pthread_mutex_lock(&((struct ccurl_share *)user)->locks[data]);
}
static void share_unlock(CURL *h, curl_lock_data data, void *user) {
    (void)h;
    pthread_mutex_unlock(&((struct ccurl_share *)user)->locks[data]);
}

ccurl_share *ccurl_share_create(void) {
    struct ccurl_share *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->handle = curl_share_init();
    if (!s->handle) {
        free(s);
        return NULL;
    }
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&s->locks[i], NULL);
    curl_share_setopt(s->handle, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(s->handle, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(s->handle, CURLSHOPT_USERDATA, s);
    curl_share_setopt(s->handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(s->handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(s->handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    return s;
}

CURLSH *ccurl_share_handle(ccurl_share *s) { return s ? s->handle : NULL; }

void ccurl_share_destroy(ccurl_share *s) {
    if (!s) return;
    curl_share_cleanup(s->handle);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_destroy(&s->locks[i]);
    free(s);
}

/* curl's OpenSSL is this process's libssl only when curl names it "OpenSSL/<major>." with the major of the libssl
   linked here (a multi-backend curl lists inactive backends in parentheses; the connection's own backend is checked
   by the caller). LibreSSL and BoringSSL report CURLSSLBACKEND_OPENSSL too, but by another name. */
static int curl_uses_this_openssl(void) {
    const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
    if (!info || !info->ssl_version) return 0;
    char expected[32];
    snprintf(expected, sizeof expected, "OpenSSL/%u.", OPENSSL_version_major());
    const char *at = strstr(info->ssl_version, expected);
    return at != NULL && (at == info->ssl_version || at[-1] == ' ');
}

static int tls_slot_index = -1;
static pthread_once_t tls_slot_once = PTHREAD_ONCE_INIT;
static void tls_slot_init(void) { tls_slot_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL); }

/* OpenSSL's info callback: at the end of a handshake, the connection's SSL goes to the slot its context carries. */
static void tls_info(const SSL *ssl, int where, int ret) {
    (void)ret;
    if (!(where & SSL_CB_HANDSHAKE_DONE)) return;
    void **slot = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), tls_slot_index);
    if (slot) *slot = (void *)ssl;
}

/* CURLOPT_SSL_CTX_FUNCTION: curl made this handle's context (OpenSSL, the process's own, checked before). Also turns
   on read-ahead: OpenSSL then takes what the socket has in one recv instead of two per record (header, then body).
   Bytes it reads ahead are invisible to epoll, so this is only for a connection whose reader asks
   ccurl_tls_has_pending before waiting (the slot tells it the SSL to ask). */
static CURLcode tls_context(CURL *h, void *context, void *slot) {
    (void)h;
    if (tls_slot_index >= 0 && SSL_CTX_set_ex_data(context, tls_slot_index, slot) == 1) {
        SSL_CTX_set_info_callback(context, tls_info);
        SSL_CTX_set_read_ahead(context, 1);
    }
    return CURLE_OK;
}

int ccurl_tls_capture_openssl(CURL *h, void **slot) {
    if (!curl_uses_this_openssl()) return 0;
    pthread_once(&tls_slot_once, tls_slot_init);
    if (tls_slot_index < 0) return 0;
    if (curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, (void *)slot) != CURLE_OK) return 0;
    return curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, tls_context) == CURLE_OK;
}

int ccurl_tls_has_pending(void *ssl) { return ssl && SSL_has_pending((const SSL *)ssl) ? 1 : 0; }
