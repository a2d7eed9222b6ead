/* agent.c - the realtime session's side of a call, pulled on every 20 ms tick (pull mode: the library's I/O thread
 * never calls into the gateway): reply audio into the playout queue, barge-in flushes, the session's id and the
 * turn timings for the log, the hang_up and transfer tools, and the end of the call when the session closes. */
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
    const uint8_t *audio;
    switch (azaudio_realtime_event_type(e)) {
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
        gw_history_add(call, "Agent", azaudio_realtime_event_text(e));
        break;
    case AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED:
        gw_history_add(call, "Caller", azaudio_realtime_event_text(e));
        break;
    case AZAUDIO_EVENT_FUNCTION_CALL:
        function_call(call, e);
        break;
    case AZAUDIO_EVENT_ERROR:
        gw_log(call, "session_error", "code=%s", azaudio_realtime_event_error_code(e));
        break;
    case AZAUDIO_EVENT_CLOSED:
        gw_log(call, "session_closed", "close_code=%d", azaudio_realtime_event_close_code(e));
        if (!gw_continuity_lost(call, azaudio_realtime_event_close_code(e))) gw_call_end(call, "session_closed");
        break;
    default:
        break;
    }
}

void gw_agent_poll(gw_call *call) {
    if (!call->rt) return;
    azaudio_realtime_event *e = NULL;
    while (!call->ended && !call->resuming && azaudio_realtime_next_event(call->rt, &e, 0) == AZAUDIO_OK) {
        handle(call, e);
        azaudio_realtime_event_free(e);
    }
    if (call->resuming && !call->ended) gw_continuity_reconnect(call);
    /* After hang_up / transfer: end once the reply in progress has been played out. */
    if (call->hangup_after_reply && !call->hangup_at_us && !call->responding && call->out.queued == 0)
        call->hangup_at_us = azaudio_monotonic_us() + 200000;
}
