/* proxy_support.h - an HTTP CONNECT proxy on loopback for the C tests: it accepts "CONNECT host:port" for
 * 127.0.0.0/8 only, answers 200 and relays bytes both ways until either side closes. Started with a certificate it
 * is an HTTPS proxy (the client talks TLS to the proxy itself, whatever it then tunnels). It counts the tunnels it
 * opened, so a test can tell that a connection really went through it. Connection threads are joined on stop (no
 * thread outlives the test, for memcheck). Starting it ignores SIGPIPE in the process. Link with -lssl -lcrypto. */
#ifndef AZAUDIO_PROXY_SUPPORT_H
#define AZAUDIO_PROXY_SUPPORT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TEST_PROXY_MAX_CONNECTIONS 64

typedef struct test_proxy {
    SSL_CTX *tls; /* NULL: a plain HTTP proxy */
    int listen_fd;
    int port;
    pthread_t acceptor;
    pthread_mutex_t lock;
    int stopping;                                      /* guarded by lock */
    int tunnels;                                       /* guarded by lock: CONNECTs answered 200 */
    int refused;                                       /* guarded by lock: requests answered with an error */
    pthread_t connections[TEST_PROXY_MAX_CONNECTIONS]; /* guarded by lock */
    int connection_count;                              /* guarded by lock */
} test_proxy;

typedef struct {
    test_proxy *proxy;
    int fd;
    SSL *ssl; /* the client side's TLS, for an HTTPS proxy */
} test_proxy_connection;

static inline int test_proxy_stopping(test_proxy *p) {
    pthread_mutex_lock(&p->lock);
    int stopping = p->stopping;
    pthread_mutex_unlock(&p->lock);
    return stopping;
}

static inline void test_proxy_count(test_proxy *p, int *field) {
    pthread_mutex_lock(&p->lock);
    (*field)++;
    pthread_mutex_unlock(&p->lock);
}

/* Sends all of data; 0 when the peer is gone. */
static inline int test_proxy_send_all(int fd, const char *data, size_t size) {
    while (size > 0) {
        ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
        if (n <= 0) return 0;
        data += n;
        size -= (size_t)n;
    }
    return 1;
}

/* To the client: through its TLS when there is one. */
static inline int test_proxy_to_client(test_proxy_connection *c, const char *data, size_t size) {
    if (!c->ssl) return test_proxy_send_all(c->fd, data, size);
    return size == 0 || SSL_write(c->ssl, data, (int)size) == (int)size;
}

/* From the client (blocking until something comes): bytes read, 0 at its end or on a failure. */
static inline ssize_t test_proxy_from_client(test_proxy_connection *c, char *buf, size_t size) {
    if (!c->ssl) return recv(c->fd, buf, size, 0);
    int n = SSL_read(c->ssl, buf, (int)size);
    return n > 0 ? n : 0;
}

/* Relays between the client and `upstream` until either side closes (or the proxy stops). */
static inline void test_proxy_relay(test_proxy *p, test_proxy_connection *c, int upstream) {
    char buf[16384];
    while (!test_proxy_stopping(p)) {
        struct pollfd fds[2] = {{.fd = c->fd, .events = POLLIN}, {.fd = upstream, .events = POLLIN}};
        int pending = c->ssl && SSL_pending(c->ssl) > 0; /* decrypted bytes poll cannot see */
        if (poll(fds, 2, pending ? 0 : 100) < 0) return;
        if (pending || (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t n = test_proxy_from_client(c, buf, sizeof buf);
            if (n <= 0 || !test_proxy_send_all(upstream, buf, (size_t)n)) return;
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = recv(upstream, buf, sizeof buf, 0);
            if (n <= 0 || !test_proxy_to_client(c, buf, (size_t)n)) return;
        }
    }
}

static inline void *test_proxy_serve(void *arg) {
    test_proxy_connection *c = arg;
    test_proxy *p = c->proxy;
    char head[8192];
    size_t have = 0;
    char *end = NULL;
    if (p->tls) { /* an HTTPS proxy: the client's TLS first (a client that does not trust it just goes away) */
        c->ssl = SSL_new(p->tls);
        if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1 || SSL_accept(c->ssl) != 1) have = sizeof head;
    }
    while (!end && have < sizeof head - 1) { /* the request head; curl sends nothing more before the 200 */
        struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
        int pending = c->ssl && SSL_pending(c->ssl) > 0;
        if (test_proxy_stopping(p) || poll(&pfd, 1, pending ? 0 : 100) < 0) break;
        if (!pending && !(pfd.revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = test_proxy_from_client(c, head + have, sizeof head - 1 - have);
        if (n <= 0) break;
        have += (size_t)n;
        head[have] = 0;
        end = strstr(head, "\r\n\r\n");
    }
    char host[256];
    int port = 0, upstream = -1;
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    if (end && sscanf(head, "CONNECT %255[^:]:%d HTTP/1.1", host, &port) == 2 && port > 0 && port < 65536 &&
        inet_pton(AF_INET, host, &to.sin_addr) == 1 && (ntohl(to.sin_addr.s_addr) >> 24) == 127) {
        to.sin_port = htons((uint16_t)port);
        upstream = socket(AF_INET, SOCK_STREAM, 0);
        if (upstream >= 0 && connect(upstream, (struct sockaddr *)&to, sizeof to) != 0) {
            close(upstream);
            upstream = -1;
        }
    }
    if (upstream < 0) {
        const char *no = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        if (end) test_proxy_to_client(c, no, strlen(no));
        test_proxy_count(p, &p->refused);
    } else {
        const char *yes = "HTTP/1.1 200 Connection established\r\n\r\n";
        if (test_proxy_to_client(c, yes, strlen(yes))) {
            test_proxy_count(p, &p->tunnels);
            test_proxy_relay(p, c, upstream);
        }
        close(upstream);
    }
    if (c->ssl) {
        SSL_shutdown(c->ssl);
        SSL_free(c->ssl);
    }
    close(c->fd);
    free(c);
    return NULL;
}

static inline void *test_proxy_accept(void *arg) {
    test_proxy *p = arg;
    while (!test_proxy_stopping(p)) {
        struct pollfd pfd = {.fd = p->listen_fd, .events = POLLIN};
        if (poll(&pfd, 1, 100) <= 0) continue;
        int fd = accept(p->listen_fd, NULL, NULL);
        if (fd < 0) continue;
        test_proxy_connection *c = malloc(sizeof *c);
        c->proxy = p;
        c->fd = fd;
        c->ssl = NULL;
        pthread_mutex_lock(&p->lock);
        int slot = p->connection_count < TEST_PROXY_MAX_CONNECTIONS ? p->connection_count++ : -1;
        if (slot >= 0 && pthread_create(&p->connections[slot], NULL, test_proxy_serve, c) != 0) {
            p->connection_count--;
            slot = -1;
        }
        pthread_mutex_unlock(&p->lock);
        if (slot < 0) { /* (more connections than a test makes) */
            close(fd);
            free(c);
        }
    }
    return NULL;
}

/* Starts the proxy on 127.0.0.1 (a free port, in p->port): an HTTPS proxy with this PEM certificate and key,
 * a plain one when cert_file is NULL. 1 on success. */
static inline int test_proxy_start_with(test_proxy *p, const char *cert_file, const char *key_file) {
    memset(p, 0, sizeof *p);
    /* SSL_write to a client that went away raises SIGPIPE (OpenSSL writes with write(2)): ignored, it is an error. */
    signal(SIGPIPE, SIG_IGN);
    if (cert_file) {
        p->tls = SSL_CTX_new(TLS_server_method());
        if (!p->tls || SSL_CTX_use_certificate_chain_file(p->tls, cert_file) != 1 ||
            SSL_CTX_use_PrivateKey_file(p->tls, key_file, SSL_FILETYPE_PEM) != 1) {
            fprintf(stderr, "test proxy: cannot load %s / %s\n", cert_file, key_file);
            if (p->tls) SSL_CTX_free(p->tls);
            return 0;
        }
    }
    pthread_mutex_init(&p->lock, NULL);
    p->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (p->listen_fd < 0 || bind(p->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(p->listen_fd, 16) != 0 ||
        getsockname(p->listen_fd, (struct sockaddr *)&a, &len) != 0) {
        if (p->listen_fd >= 0) close(p->listen_fd);
        return 0;
    }
    p->port = ntohs(a.sin_port);
    return pthread_create(&p->acceptor, NULL, test_proxy_accept, p) == 0;
}

/* A plain HTTP proxy (see test_proxy_start_with). */
static inline int test_proxy_start(test_proxy *p) { return test_proxy_start_with(p, NULL, NULL); }

/* Stops the proxy: every tunnel closes, every thread is joined. */
static inline void test_proxy_stop(test_proxy *p) {
    pthread_mutex_lock(&p->lock);
    p->stopping = 1;
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->acceptor, NULL); /* (then nothing adds a connection) */
    pthread_mutex_lock(&p->lock);
    int count = p->connection_count;
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < count; i++) pthread_join(p->connections[i], NULL);
    close(p->listen_fd);
    pthread_mutex_destroy(&p->lock);
    if (p->tls) SSL_CTX_free(p->tls);
}

/* The tunnels opened so far. */
static inline int test_proxy_tunnels(test_proxy *p) {
    pthread_mutex_lock(&p->lock);
    int n = p->tunnels;
    pthread_mutex_unlock(&p->lock);
    return n;
}

#endif
