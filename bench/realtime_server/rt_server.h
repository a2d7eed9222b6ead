/* rt_echo_server's parts (see rt_echo_server.c for what the server does):
 *   rt_echo_server.c  options, the epoll loop, accepting, reading and writing, counters;
 *   rt_ws.c           the server side of RFC 6455: buffers, the upgrade handshake, frames in and out;
 *   rt_protocol.c     just enough of the GA realtime protocol: session events, appends echoed as audio deltas;
 *   rt_tls.c          the TLS mode (OpenSSL): the context and the non-blocking handshake, reads and writes. */
#ifndef RT_SERVER_H
#define RT_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct {
    uint8_t *data;
    size_t len, cap;
} buf;

int buf_reserve(buf *b, size_t extra);
void buf_consume(buf *b, size_t n);

typedef struct ssl_st SSL;

typedef struct {
    int fd;
    SSL *tls;           /* NULL in plain mode */
    int tls_want_write; /* the last TLS call needs the socket writable */
    int upgraded;
    int closing;
    int want_out;
    buf in, out;
    buf msg; /* a fragmented message being reassembled */
    int msg_opcode;
    uint64_t session_id;
    uint64_t appends; /* input_audio_buffer.append events on this connection */
    int reset;        /* --reset-after reached: drop the connection with a TCP reset */
} conn;

/* Counters, reported as JSON (rt_echo_server.c). */
extern uint64_t stat_connections, stat_appends, stat_deltas, stat_updates, stat_bytes_in, stat_bytes_out, stat_resets;

/* Options (rt_protocol.c). */
extern const char *session_format;
extern uint64_t reset_after_appends; /* 0: never */
extern uint64_t items_every_appends; /* 0: never */

uint64_t mono_us(void);

/* rt_ws.c */
int frame_out(conn *c, int opcode, const void *payload, size_t len);
uint8_t *text_begin(conn *c, size_t max);
void text_commit(conn *c, size_t len);
int ws_handshake(conn *c);
int ws_frames(conn *c);

/* rt_protocol.c: one complete text message; -1 drops the connection. */
int on_text(conn *c, const uint8_t *msg, size_t len);
int send_session_event(conn *c, const char *type);

/* rt_tls.c. tls_init loads the certificate chain and key (PEM); 0 on success. The I/O calls behave like
 * read()/write() on a non-blocking socket: -1 with errno EAGAIN when they must wait (c->tls_want_write says for
 * which direction), 0 for end of stream. */
int tls_init(const char *cert_file, const char *key_file);
int tls_attach(conn *c);
void tls_free(conn *c);
ssize_t tls_read(conn *c, void *p, size_t n);
ssize_t tls_write(conn *c, const void *p, size_t n);

#endif
