/* rt_echo_server: the TLS mode (--tls CERT KEY), with OpenSSL. The handshake is driven by the first reads
 * (SSL_set_accept_state): the server writes nothing before it has read the client's upgrade request. */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>

#include "rt_server.h"

static SSL_CTX *ctx;

int tls_init(const char *cert_file, const char *key_file) {
    ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) return -1;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    /* Writes go out of a buffer that moves between retries (buf_consume), and may be partial. */
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
        ERR_print_errors_fp(stderr);
        return -1;
    }
    return 0;
}

int tls_attach(conn *c) {
    c->tls = SSL_new(ctx);
    if (!c->tls || SSL_set_fd(c->tls, c->fd) != 1) return -1;
    SSL_set_accept_state(c->tls);
    return 0;
}

void tls_free(conn *c) {
    if (c->tls) SSL_free(c->tls); /* no close_notify: the peer has gone or is being dropped */
    c->tls = NULL;
}

/* Maps an SSL_read/SSL_write result to read()/write() conventions. */
static ssize_t tls_result(conn *c, int n) {
    if (n > 0) return n;
    int err = SSL_get_error(c->tls, n);
    c->tls_want_write = err == SSL_ERROR_WANT_WRITE;
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        errno = EAGAIN;
        return -1;
    }
    if (err == SSL_ERROR_ZERO_RETURN) return 0;
    ERR_clear_error();
    errno = ECONNRESET;
    return -1;
}

ssize_t tls_read(conn *c, void *p, size_t n) {
    ERR_clear_error();
    return tls_result(c, SSL_read(c->tls, p, (int)(n > 1 << 30 ? 1 << 30 : n)));
}

ssize_t tls_write(conn *c, const void *p, size_t n) {
    ERR_clear_error();
    return tls_result(c, SSL_write(c->tls, p, (int)(n > 1 << 30 ? 1 << 30 : n)));
}
