/* calllog.c - one structured line per call event on stdout, as key=value pairs (logfmt):
 *   time=2026-12-03T16:40:01.123Z call=3 callid=... from=sip:... to=sip:... session=sess_... event=answered ... */
#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

#include "call.h"

void gw_log_quote(const char *text, char *out, size_t size) {
    size_t j = 0;
    for (size_t i = 0; text && text[i] && j + 1 < size; i++)
        out[j++] = text[i] == '"' ? '\'' : (text[i] == '\n' || text[i] == '\r') ? ' ' : text[i];
    if (size) out[j] = 0;
}

void gw_log(const gw_call *call, const char *event, const char *fmt, ...) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    char extra[768] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        (void)re_vsnprintf(extra, sizeof extra, fmt, ap);
        va_end(ap);
    }
    re_printf("time=%s.%03ldZ call=%u callid=\"%s\" from=\"%s\" to=\"%s\" session=%s event=%s%s%s\n", when,
              (long)(tv.tv_usec / 1000), call->id, call->callid, call->from, call->to,
              call->session_id[0] ? call->session_id : "-", event, extra[0] ? " " : "", extra);
    fflush(stdout);
}
