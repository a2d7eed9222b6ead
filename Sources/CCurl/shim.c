#define _GNU_SOURCE
#include "ccurl.h"
#include <string.h>
#include <pthread.h>
#include <stdlib.h>

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
