/* One REST call and one realtime connect whose only interest is their result code (TLS, credentials, tokens):
 * a short speech request into a buffer, and a session opened and destroyed at once. */
#ifndef AZAUDIO_OUTCOME_SUPPORT_H
#define AZAUDIO_OUTCOME_SUPPORT_H

#include "azaudio.h"

static inline azaudio_result speak_outcome(azaudio_client *c) {
    azaudio_speech_options o;
    AZAUDIO_INIT(speech_options, &o);
    o.deployment = "tts";
    o.response_format = "pcm";
    uint8_t *audio = NULL;
    size_t size = 0;
    azaudio_result rc = azaudio_speak_to_buffer(c, "Hello.", &o, &audio, &size);
    azaudio_free(audio);
    return rc;
}

static inline azaudio_result connect_outcome(azaudio_client *c) {
    azaudio_realtime_options o;
    AZAUDIO_INIT(realtime_options, &o);
    o.deployment = "gpt-realtime";
    azaudio_realtime_session *s = NULL;
    azaudio_result rc = azaudio_realtime_connect(c, &o, &s);
    azaudio_realtime_destroy(s);
    return rc;
}

#endif
