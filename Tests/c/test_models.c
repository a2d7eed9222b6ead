/* The 2026 models and voices against the emulator (run under azaudio-emulator-run): the local model rules know
 * the new names, unknown deployment names stay allowed, and an error from a preview realtime URL points to GA. */
#define _GNU_SOURCE
#include "check.h"
#include "rest_support.h"

static azaudio_speech_options speech(const char *deployment) {
    azaudio_speech_options o;
    AZAUDIO_INIT(speech_options, &o);
    o.deployment = deployment;
    o.response_format = "pcm";
    return o;
}

TEST(new_models_get_their_rules_before_anything_is_sent) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_transcription_options t;
    AZAUDIO_INIT(transcription_options, &t);
    t.deployment = "gpt-realtime-2";
    azaudio_transcript *out = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &t, &out), AZAUDIO_ERR_UNSUPPORTED);
    CHECK_STR_CONTAINS(azaudio_last_error(), "gpt-realtime-2");
    t.deployment = "gpt-audio-mini";
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &t, &out), AZAUDIO_ERR_UNSUPPORTED);
    azaudio_speech_options s = speech("gpt-4o-transcribe-diarize");
    uint8_t *audio = NULL;
    size_t size = 0;
    CHECK_RESULT(azaudio_speak_to_buffer(c, "hello", &s, &audio, &size), AZAUDIO_ERR_UNSUPPORTED);
    CHECK_STR_CONTAINS(azaudio_last_error(), "does not do text to speech");
    /* A dated 2026 name is gpt-4o-mini-tts: instructions pass the local check (tts would refuse them). */
    s = speech("tts");
    s.model = "tts-1";
    s.instructions = "Speak slowly.";
    CHECK_RESULT(azaudio_speak_to_buffer(c, "hello", &s, &audio, &size), AZAUDIO_ERR_UNSUPPORTED);
    CHECK(emulator_request_count() == 0);
    s.model = "gpt-4o-mini-tts-2025-12-15";
    s.deployment = "gpt-4o-mini-tts";
    CHECK_RESULT(azaudio_speak_to_buffer(c, "hello", &s, &audio, &size), AZAUDIO_OK);
    CHECK(size > 0);
    azaudio_free(audio);
    azaudio_client_destroy(c);
}

TEST(marin_and_cedar_speak) {
    azaudio_client *c = rest_client();
    const char *voices[] = {"marin", "cedar"};
    size_t sizes[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
        azaudio_speech_options s = speech("gpt-4o-mini-tts");
        s.voice = voices[i];
        uint8_t *audio = NULL;
        CHECK_RESULT(azaudio_speak_to_buffer(c, "good morning", &s, &audio, &sizes[i]), AZAUDIO_OK);
        azaudio_free(audio);
    }
    CHECK(sizes[0] > 0 && sizes[1] > 0);
    azaudio_client_destroy(c);
}

TEST(an_unknown_deployment_name_is_sent_for_the_service_to_judge) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_transcription_options t;
    AZAUDIO_INIT(transcription_options, &t);
    t.deployment = "contoso-realtime-2-eu"; /* contains a model's name but is not one */
    azaudio_transcript *out = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &t, &out), AZAUDIO_ERR_NOT_FOUND);
    CHECK(emulator_request_count() == 1);
    azaudio_client_destroy(c);
}

TEST(an_error_from_a_preview_realtime_url_suggests_the_ga_protocol) {
    azaudio_client *c = rest_client();
    azaudio_realtime_options o;
    AZAUDIO_INIT(realtime_options, &o);
    o.deployment = "no-such-deployment";
    o.protocol = AZAUDIO_REALTIME_PREVIEW;
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect(c, &o, &s), AZAUDIO_ERR_NOT_FOUND);
    CHECK_STR_CONTAINS(azaudio_last_error(), "use the GA protocol");
    o.protocol = AZAUDIO_REALTIME_GA;
    CHECK_RESULT(azaudio_realtime_connect(c, &o, &s), AZAUDIO_ERR_NOT_FOUND);
    CHECK(strstr(azaudio_last_error(), "GA protocol") == NULL);
    CHECK(s == NULL);
    azaudio_client_destroy(c);
}

int main(void) {
    rest_setup();
    RUN(new_models_get_their_rules_before_anything_is_sent);
    RUN(marin_and_cedar_speak);
    RUN(an_unknown_deployment_name_is_sent_for_the_service_to_judge);
    RUN(an_error_from_a_preview_realtime_url_suggests_the_ga_protocol);
    rest_teardown();
    return check_summary();
}
