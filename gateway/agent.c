/* agent.c - the realtime session's side of a call, in pull mode (the library's I/O thread never calls into the
 * gateway): the session's readiness descriptor (azaudio_realtime_event_fd) is watched by the libre loop from the
 * moment its connect starts; the loop takes the events as soon as they wait, the connect's outcome among them.
 * Reply audio into the playout queue, barge-in flushes, the session's id and the turn timings for the log, the
 * hang_up and transfer tools, the library's reconnects and renewals logged (the call outlives its sessions), and
 * the end of the call when the session closes for good. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"

/* The first string value "key": "value" in an event's JSON (the ids and arguments the gateway logs or acts on);
 * "" when there is none. Escapes are not decoded: ids and the transfer target have none. */
static void json_string(const char *json, const char *key, char *out, size_t size) {
    char pat[48];
    re_snprintf(pat, sizeof pat, "\"%s\"", key);
    size_t n = 0;
    const char *p = strstr(json, pat);
    if (p) {
        p += strlen(pat);
        while (*p == ' ') p++;
        if (*p++ == ':') {
            while (*p == ' ') p++;
            if (*p++ == '"')
                while (p[n] && p[n] != '"' && n + 1 < size) n++;
            else
                p = NULL;
        }
    }
    if (p && n) memcpy(out, p, n);
    out[n] = 0;
}

/* The number after "key": in an event's JSON (0 when absent). */
static void json_int(const char *json, const char *key, long long *out) {
    char pat[48];
    re_snprintf(pat, sizeof pat, "\"%s\"", key);
    const char *p = strstr(json, pat);
    *out = 0;
    if (!p) return;
    p += strlen(pat);
    while (*p == ' ' || *p == ':') p++;
    *out = strtoll(p, NULL, 10);
}

static void send_refer(gw_call *call, const char *target) {
    struct sip_dialog *dlg = call->sess ? sipsess_dialog(call->sess) : NULL;
    if (!dlg || !target[0]) {
        gw_log(call, "error", "what=transfer reason=no_target");
        return;
    }
    int err = sip_drequestf(NULL, call->g->sip, true, "REFER", dlg, 0, NULL, NULL, NULL, NULL,
                            "Refer-To: <%s>\r\nReferred-By: <%s>\r\nContent-Length: 0\r\n\r\n", target, call->to);
    gw_log(call, "transfer", "target=%s err=%d", target, err);
}

static void function_call(gw_call *call, const azaudio_realtime_event *e) {
    const char *name = azaudio_realtime_event_function_name(e);
    const char *args = azaudio_realtime_event_text(e);
    const gw_config *cfg = call->g->cfg;
    gw_log(call, "tool", "name=%s", name);
    if (strcmp(name, "hang_up") == 0 && cfg->tools_hang_up) {
        (void)azaudio_realtime_send_function_output(call->rt, azaudio_realtime_event_call_id(e), "{\"ok\":true}");
        call->hangup_after_reply = 1;
    } else if (strcmp(name, "transfer") == 0 && cfg->tools_transfer) {
        char target[256];
        json_string(args, "target", target, sizeof target);
        send_refer(call, target);
        (void)azaudio_realtime_send_function_output(call->rt, azaudio_realtime_event_call_id(e), "{\"ok\":true}");
        call->hangup_after_reply = 1;
    } else {
        (void)azaudio_realtime_send_function_output(call->rt, azaudio_realtime_event_call_id(e),
                                                    "{\"error\":\"the gateway has no such function\"}");
        (void)azaudio_realtime_create_response(call->rt, NULL);
    }
}

static void handle(gw_call *call, const azaudio_realtime_event *e) {
    uint64_t now = azaudio_monotonic_us();
    size_t n = 0;
    char why[160];
    long long replayed = 0;
    const uint8_t *audio;
    switch (azaudio_realtime_event_type(e)) {
    case AZAUDIO_EVENT_CONNECTED:
    case AZAUDIO_EVENT_CONNECT_FAILED:
        gw_connect_outcome(call, e); /* answer or dial; or refuse the call */
        break;
    case AZAUDIO_EVENT_SESSION_CREATED:
        json_string(azaudio_realtime_event_json(e), "id", call->session_id, sizeof call->session_id);
        gw_log(call, "session", "format=%s", call->format == AZAUDIO_FORMAT_ALAW ? "g711_alaw" : "g711_ulaw");
        break;
    case AZAUDIO_EVENT_AUDIO_DELTA:
        audio = azaudio_realtime_event_audio(e, &n);
        if (call->speech_stopped_us && !call->first_delta_us) call->first_delta_us = now;
        if (!gw_playout_push(&call->out, azaudio_realtime_event_item_id(e), audio, n))
            gw_log(call, "error", "what=playout reason=out_of_memory");
        break;
    case AZAUDIO_EVENT_SPEECH_STARTED:
        gw_log(call, "speech_started", "audio_ms=%lld", (long long)azaudio_realtime_event_audio_ms(e));
        break;
    case AZAUDIO_EVENT_SPEECH_STOPPED:
        call->speech_stopped_us = now;
        call->first_delta_us = 0;
        call->turn_logged = 0;
        gw_log(call, "speech_stopped", "audio_ms=%lld", (long long)azaudio_realtime_event_audio_ms(e));
        break;
    case AZAUDIO_EVENT_PLAYBACK_FLUSH: {
        size_t dropped = gw_playout_flush(&call->out);
        call->barge_ins++;
        call->g->n.barge_ins++;
        call->marker = 1;
        gw_log(call, "barge_in", "item=%s cut_at_ms=%lld dropped_ms=%zu", azaudio_realtime_event_item_id(e),
               (long long)azaudio_realtime_event_audio_ms(e), dropped / 8);
        break;
    }
    case AZAUDIO_EVENT_RESPONSE_CREATED:
        call->responding = 1;
        break;
    case AZAUDIO_EVENT_RESPONSE_DONE:
        call->responding = 0;
        call->g->n.replies++;
        gw_log(call, "reply", "status=%s", azaudio_realtime_event_status(e));
        if (call->response_wanted) {
            call->response_wanted = 0;
            call->responding = azaudio_realtime_create_response(call->rt, NULL) == AZAUDIO_OK;
        }
        break;
    case AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DONE:
        gw_log(call, "agent_said", "text=\"%s\"", azaudio_realtime_event_text(e));
        break;
    case AZAUDIO_EVENT_FUNCTION_CALL:
        function_call(call, e);
        break;
    case AZAUDIO_EVENT_ERROR:
        gw_log(call, "session_error", "code=%s", azaudio_realtime_event_error_code(e));
        break;
    case AZAUDIO_EVENT_RESPONSE_INTERRUPTED:
        /* The connection was lost mid-reply: what was queued still plays; the reply is not asked for again. */
        call->responding = 0;
        gw_log(call, "reply_interrupted", "response=%s", azaudio_realtime_event_response_id(e));
        break;
    case AZAUDIO_EVENT_RECONNECTING:
        gw_log_quote(azaudio_realtime_event_text(e), why, sizeof why);
        gw_log(call, "session_reconnecting", "close_code=%d reason=\"%s\"", azaudio_realtime_event_close_code(e), why);
        break;
    case AZAUDIO_EVENT_RECONNECTED:
        call->reconnects++;
        json_int(azaudio_realtime_event_json(e), "replayed_items", &replayed);
        re_snprintf(call->session_id, sizeof call->session_id, "%s", azaudio_realtime_event_text(e));
        gw_log(call, "session_reconnected", "outage_ms=%lld replayed_items=%lld reconnects=%u",
               (long long)azaudio_realtime_event_audio_ms(e), replayed, call->reconnects);
        break;
    case AZAUDIO_EVENT_RENEWING:
        gw_log(call, "session_renewing", NULL);
        break;
    case AZAUDIO_EVENT_RENEWED:
        call->renewals++;
        re_snprintf(call->session_id, sizeof call->session_id, "%s", azaudio_realtime_event_text(e));
        gw_log(call, "session_renewed", "held_ms=%lld renewals=%u", (long long)azaudio_realtime_event_audio_ms(e),
               call->renewals);
        break;
    case AZAUDIO_EVENT_CLOSED:
        /* The library's reconnects (if any) gave up, or the session was closed on purpose: the call ends. */
        gw_log_quote(azaudio_realtime_event_text(e), why, sizeof why);
        gw_log(call, "session_closed", "close_code=%d reason=\"%s\"", azaudio_realtime_event_close_code(e), why);
        gw_call_end(call, "session_closed");
        break;
    default:
        break;
    }
}

/* Takes every event waiting (the descriptor is level-triggered: it stays readable until the queue is empty). */
static void take_events(int flags, void *arg) {
    gw_call *call = arg;
    (void)flags;
    while (!call->ended && call->rt) {
        azaudio_realtime_event *e = NULL;
        if (azaudio_realtime_poll_event(call->rt, &e, 0) != AZAUDIO_OK || !e) break;
        handle(call, e);
        azaudio_realtime_event_free(e);
    }
    /* An ended call stops watching at once (its session is destroyed later, from the reaper). */
    if (call->ended) gw_agent_unwatch(call);
}

int gw_agent_attach(gw_call *call, azaudio_realtime_session *rt) {
    call->rt = rt;
    int32_t fd = -1;
    if (azaudio_realtime_event_fd(rt, &fd) != AZAUDIO_OK) return EIO;
    int err = fd_listen(fd, FD_READ, take_events, call);
    if (!err) call->event_fd = fd;
    return err;
}

void gw_agent_unwatch(gw_call *call) {
    if (call->event_fd >= 0) fd_close(call->event_fd);
    call->event_fd = -1;
}

void gw_agent_detach(gw_call *call) {
    gw_agent_unwatch(call);
    azaudio_realtime_destroy(call->rt);
    call->rt = NULL;
}
