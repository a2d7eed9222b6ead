/* Audio chat completions against the emulator (run under azaudio-emulator-run). */
#define _GNU_SOURCE
#include "check.h"
#include "rest_support.h"

static azaudio_chat_options chat_options(const char *deployment) {
    azaudio_chat_options o;
    AZAUDIO_INIT(chat_options, &o);
    o.deployment = deployment;
    return o;
}

static azaudio_chat *spoken_question(void) {
    azaudio_chat *chat = NULL;
    azaudio_chat_create(&chat);
    azaudio_chat_add_message(chat, "system", "Answer briefly.");
    azaudio_chat_add_message(chat, "user", "Please answer what I say.");
    azaudio_chat_add_audio_file(chat, rest_speech_wav);
    return chat;
}

TEST(a_spoken_question_gets_a_spoken_reply) {
    azaudio_client *c = rest_client();
    azaudio_chat *chat = spoken_question();
    CHECK(azaudio_chat_message_count(chat) == 2);
    azaudio_chat_options o = chat_options("gpt-4o-audio-preview");
    o.voice = "verse";
    azaudio_chat_reply *r = NULL;
    CHECK_RESULT(azaudio_chat_complete(c, chat, &o, &r), AZAUDIO_OK);
    if (r) {
        size_t size = 0;
        const uint8_t *audio = azaudio_chat_reply_audio(r, &size);
        CHECK(audio && size > 1000 && memcmp(audio, "RIFF", 4) == 0);
        /* The emulator echoes the last user message: its text, then the words it heard in the audio. */
        const char *said = azaudio_chat_reply_transcript(r);
        CHECK(strncmp(said, "You said: Please answer what I say. ", 36) == 0 && strlen(said) > 40);
        CHECK(strncmp(azaudio_chat_reply_audio_id(r), "audio_", 6) == 0);
        CHECK(azaudio_chat_reply_audio_expires_at(r) > 0);
        CHECK(strcmp(azaudio_chat_reply_finish_reason(r), "stop") == 0);
        CHECK(azaudio_chat_reply_http_status(r) == 200);
        CHECK(strlen(azaudio_chat_reply_request_id(r)) > 0);
        CHECK_STR_CONTAINS(azaudio_chat_reply_raw_body(r, NULL), "\"choices\"");
        azaudio_usage u;
        u.struct_size = sizeof u;
        CHECK_RESULT(azaudio_chat_reply_usage(r, &u), AZAUDIO_OK);
        CHECK(u.total_tokens > 0);
    }
    azaudio_chat_reply_free(r);
    azaudio_chat_destroy(chat);
    azaudio_client_destroy(c);
}

TEST(a_later_turn_refers_to_the_reply_audio_by_id) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_chat *chat = spoken_question();
    azaudio_chat_options o = chat_options("gpt-4o-mini-audio-preview");
    azaudio_chat_reply *r = NULL;
    CHECK_RESULT(azaudio_chat_complete(c, chat, &o, &r), AZAUDIO_OK);
    CHECK_RESULT(azaudio_chat_add_reply(chat, r), AZAUDIO_OK);
    CHECK_RESULT(azaudio_chat_add_message(chat, "user", "And say it again, in text only."), AZAUDIO_OK);
    azaudio_chat_reply *r2 = NULL;
    o.audio_output = 0;
    CHECK_RESULT(azaudio_chat_complete(c, chat, &o, &r2), AZAUDIO_OK);
    if (r2) {
        CHECK(strcmp(azaudio_chat_reply_text(r2), "You said: And say it again, in text only..") == 0);
        size_t size = 1;
        CHECK(azaudio_chat_reply_audio(r2, &size) == NULL && size == 0);
    }
    char *log = emulator_requests();
    CHECK(r && strstr(log, azaudio_chat_reply_audio_id(r)) != NULL);
    free(log);
    azaudio_chat_reply_free(r);
    azaudio_chat_reply_free(r2);
    azaudio_chat_destroy(chat);
    azaudio_client_destroy(c);
}

/* Issue 16: azaudio_chat_add_assistant_audio() had no success-path test. The id goes out as the assistant message's
 * audio reference and the service accepts it. */
TEST(an_assistant_message_added_by_audio_id_is_sent_as_that_reference) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_chat *chat = spoken_question();
    azaudio_chat_options o = chat_options("gpt-4o-mini-audio-preview");
    azaudio_chat_reply *r = NULL;
    CHECK_RESULT(azaudio_chat_complete(c, chat, &o, &r), AZAUDIO_OK);
    if (!r) return;
    const char *id = azaudio_chat_reply_audio_id(r);
    CHECK(strncmp(id, "audio_", 6) == 0);
    azaudio_chat *next = NULL;
    azaudio_chat_create(&next);
    CHECK_RESULT(azaudio_chat_add_message(next, "user", "What did you say before?"), AZAUDIO_OK);
    size_t before = azaudio_chat_message_count(next);
    CHECK_RESULT(azaudio_chat_add_assistant_audio(next, id), AZAUDIO_OK);
    CHECK(azaudio_chat_message_count(next) == before + 1);
    CHECK_RESULT(azaudio_chat_add_message(next, "user", "Again, in text."), AZAUDIO_OK);
    o.audio_output = 0;
    emulator_reset();
    azaudio_chat_reply *r2 = NULL;
    CHECK_RESULT(azaudio_chat_complete(c, next, &o, &r2), AZAUDIO_OK);
    char quoted[160];
    snprintf(quoted, sizeof quoted, "\"%s\"", id);
    CHECK(emulator_log_count(quoted) >= 1); /* the reference reached the service */
    azaudio_chat_reply_free(r2);
    azaudio_chat_reply_free(r);
    azaudio_chat_destroy(next);
    azaudio_chat_destroy(chat);
    azaudio_client_destroy(c);
}

typedef struct {
    char transcript[4096];
    int transcript_deltas;
    size_t audio_bytes;
    int audio_deltas;
} stream_sink;

static int32_t on_transcript(const char *text, size_t length, void *user) {
    stream_sink *s = user;
    s->transcript_deltas++;
    if (strlen(s->transcript) + length < sizeof s->transcript) strncat(s->transcript, text, length);
    return 0;
}

static int32_t on_audio(const uint8_t *data, size_t size, void *user) {
    (void)data;
    stream_sink *s = user;
    s->audio_deltas++;
    s->audio_bytes += size;
    return 0;
}

TEST(a_streamed_reply_delivers_audio_and_transcript_deltas) {
    azaudio_client *c = rest_client();
    azaudio_chat *chat = NULL;
    azaudio_chat_create(&chat);
    size_t size = 0;
    unsigned char *wav = read_file(rest_speech_wav, &size);
    azaudio_chat_add_message(chat, "user", NULL);
    CHECK_RESULT(azaudio_chat_add_audio(chat, wav, size, "wav"), AZAUDIO_OK);
    free(wav);
    azaudio_chat_options o = chat_options("gpt-4o-mini-audio-preview");
    stream_sink s;
    memset(&s, 0, sizeof s);
    o.stream = 1;
    o.on_transcript = on_transcript;
    o.transcript_user_data = &s;
    o.on_audio = on_audio;
    o.audio_user_data = &s;
    azaudio_chat_reply *r = NULL;
    CHECK_RESULT(azaudio_chat_complete(c, chat, &o, &r), AZAUDIO_OK);
    CHECK(s.audio_deltas >= 1 && s.audio_bytes > 1000);
    CHECK(s.transcript_deltas >= 1);
    if (r) {
        size_t n = 0;
        azaudio_chat_reply_audio(r, &n);
        CHECK(n == s.audio_bytes);
        CHECK(strcmp(azaudio_chat_reply_transcript(r), s.transcript) == 0);
        CHECK(strncmp(s.transcript, "You said: ", 10) == 0);
        CHECK(strncmp(azaudio_chat_reply_audio_id(r), "audio_", 6) == 0);
    }
    azaudio_chat_reply_free(r);
    azaudio_chat_destroy(chat);
    azaudio_client_destroy(c);
}

TEST(the_v1_family_chats_too) {
    emulator_reset();
    azaudio_client *c = rest_client_with("v1", NULL);
    azaudio_chat *chat = spoken_question();
    azaudio_chat_options o = chat_options("gpt-4o-audio-preview");
    azaudio_chat_reply *r = NULL;
    CHECK_RESULT(azaudio_chat_complete(c, chat, &o, &r), AZAUDIO_OK);
    char *log = emulator_requests();
    CHECK_STR_CONTAINS(log, "/openai/v1/chat/completions");
    free(log);
    azaudio_chat_reply_free(r);
    azaudio_chat_destroy(chat);
    azaudio_client_destroy(c);
}

TEST(building_a_conversation_checks_its_input) {
    azaudio_chat *chat = NULL;
    CHECK_RESULT(azaudio_chat_create(&chat), AZAUDIO_OK);
    unsigned char bytes[8] = "RIFF";
    CHECK_RESULT(azaudio_chat_add_audio(chat, bytes, sizeof bytes, "wav"), AZAUDIO_ERR_INVALID_STATE);
    CHECK_RESULT(azaudio_chat_add_message(chat, "robot", "hi"), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_chat_add_message(chat, "user", "hi"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_chat_add_audio(chat, bytes, sizeof bytes, "ogg"), AZAUDIO_ERR_UNSUPPORTED);
    CHECK_RESULT(azaudio_chat_add_audio(chat, bytes, 20 * 1024 * 1024 + 1, "wav"), AZAUDIO_ERR_PAYLOAD_TOO_LARGE);
    CHECK_RESULT(azaudio_chat_add_audio_file(chat, "/tmp/azaudio-missing.wav"), AZAUDIO_ERR_NOT_FOUND);
    CHECK_RESULT(azaudio_chat_add_audio_file(chat, "/tmp/azaudio-missing.flac"), AZAUDIO_ERR_UNSUPPORTED);
    CHECK_RESULT(azaudio_chat_add_assistant_audio(chat, ""), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(azaudio_chat_message_count(chat) == 1);
    azaudio_chat_clear(chat);
    CHECK(azaudio_chat_message_count(chat) == 0);
    azaudio_client *c = rest_client();
    azaudio_chat_options o = chat_options("gpt-4o-audio-preview");
    azaudio_chat_reply *r = NULL;
    CHECK_RESULT(azaudio_chat_complete(c, chat, &o, &r), AZAUDIO_ERR_INVALID_ARGUMENT);
    azaudio_chat_add_message(chat, "user", "hello");
    o = chat_options("whisper");
    emulator_reset();
    CHECK_RESULT(azaudio_chat_complete(c, chat, &o, &r), AZAUDIO_ERR_UNSUPPORTED);
    o = chat_options("gpt-4o-audio-preview");
    o.audio_format = "ogg";
    CHECK_RESULT(azaudio_chat_complete(c, chat, &o, &r), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(emulator_request_count() == 0);
    azaudio_chat_destroy(chat);
    azaudio_client_destroy(c);
}

TEST(chat_service_errors_and_cut_streams) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_chat *chat = spoken_question();
    azaudio_chat_options o = chat_options("no-such-chat");
    azaudio_chat_reply *r = NULL;
    CHECK_RESULT(azaudio_chat_complete(c, chat, &o, &r), AZAUDIO_ERR_NOT_FOUND);
    o = chat_options("gpt-4o-audio-preview");
    emulator_fault("{\"kind\":\"status\",\"status\":429,\"retry_after_ms\":50,\"match\":\"chat\"}");
    CHECK_RESULT(azaudio_chat_complete(c, chat, &o, &r), AZAUDIO_OK);
    azaudio_chat_reply_free(r);
    r = NULL;
    emulator_fault("{\"kind\":\"truncate_sse\",\"match\":\"chat\"}");
    o.stream = 1;
    CHECK_RESULT(azaudio_chat_complete(c, chat, &o, &r), AZAUDIO_ERR_NETWORK);
    CHECK(r == NULL);
    emulator_fault("{\"kind\":\"cut_mid_body\",\"match\":\"chat\"}");
    o.stream = 0;
    CHECK_RESULT(azaudio_chat_complete(c, chat, &o, &r), AZAUDIO_ERR_NETWORK);
    CHECK(r == NULL);
    azaudio_chat_destroy(chat);
    azaudio_client_destroy(c);
}

int main(void) {
    rest_setup();
    RUN(a_spoken_question_gets_a_spoken_reply);
    RUN(a_later_turn_refers_to_the_reply_audio_by_id);
    RUN(an_assistant_message_added_by_audio_id_is_sent_as_that_reference);
    RUN(a_streamed_reply_delivers_audio_and_transcript_deltas);
    RUN(the_v1_family_chats_too);
    RUN(building_a_conversation_checks_its_input);
    RUN(chat_service_errors_and_cut_streams);
    rest_teardown();
    return check_summary();
}

/* test-cost: long (scripts/run-c-tests.sh starts it first) */
