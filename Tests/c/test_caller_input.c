/* What a hostile but legal caller's input gets (issue 16): malformed UTF-8 in every string that goes to the service
 * is refused locally, naming the field and the byte offset, and nothing is sent; a FIFO named like an audio file is
 * refused at once instead of blocking in open(); a streamed chat that asks for wav audio is refused before sending.
 * Runs against the emulator (azaudio-emulator-run) to prove that nothing reached it. */
#define _GNU_SOURCE
#include "azaudio.h"
#include "check.h"
#include "rest_support.h"
#include "trap_support.h"

#include <signal.h>
#include <sys/stat.h>

static azaudio_client *client;

/* Malformed UTF-8, each after 3 good bytes ("ab" + "é" is 4 bytes: the bad byte is at offset 4). */
static const char *const bad_utf8[] = {
    "ab\xc3\xa9\xff\xfe",         /* bytes that never occur in UTF-8 */
    "ab\xc3\xa9\xe2\x82",         /* truncated 3-byte sequence at the end */
    "ab\xc3\xa9\xc0\xaf",         /* overlong '/' */
    "ab\xc3\xa9\xe0\x80\xaf",     /* overlong 3-byte '/' */
    "ab\xc3\xa9\xed\xa0\x80",     /* UTF-16 surrogate U+D800 */
    "ab\xc3\xa9\x80x",            /* lone continuation byte */
    "ab\xc3\xa9\xf4\x90\x80\x80", /* above U+10FFFF */
};
#define BAD_COUNT (sizeof bad_utf8 / sizeof bad_utf8[0])

/* The last error names `field` and the byte offset 4. */
static void check_refusal(int rc, const char *field) {
    CHECK_RESULT(rc, AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), field);
    CHECK_STR_CONTAINS(azaudio_last_error(), "not valid UTF-8");
    CHECK_STR_CONTAINS(azaudio_last_error(), "byte offset 4");
}

TEST(speech_refuses_malformed_utf8_in_the_input_and_the_instructions) {
    emulator_reset();
    for (size_t i = 0; i < BAD_COUNT; i++) {
        azaudio_speech_options o;
        AZAUDIO_INIT(speech_options, &o);
        o.deployment = "tts";
        uint8_t *audio = NULL;
        size_t size = 0;
        check_refusal(azaudio_speak_to_buffer(client, bad_utf8[i], &o, &audio, &size), "text");
        CHECK(audio == NULL);
        o.model = "gpt-4o-mini-tts";
        o.instructions = bad_utf8[i];
        check_refusal(azaudio_speak_to_buffer(client, "hello", &o, &audio, &size), "options->instructions");
    }
    CHECK(emulator_request_count() == 0);
    /* Valid multi-byte text still goes through unchanged. */
    azaudio_speech_options o;
    AZAUDIO_INIT(speech_options, &o);
    o.deployment = "tts";
    uint8_t *audio = NULL;
    size_t size = 0;
    CHECK_RESULT(azaudio_speak_to_buffer(client,
                                         "Gr\xc3\xbc\xc3\x9f"
                                         "e \xf0\x9f\x8e\xb5",
                                         &o, &audio, &size),
                 AZAUDIO_OK);
    azaudio_free(audio);
    CHECK(emulator_request_count() == 1);
}

TEST(transcription_refuses_a_malformed_prompt_and_sends_nothing) {
    emulator_reset();
    for (size_t i = 0; i < BAD_COUNT; i++) {
        azaudio_transcription_options o;
        AZAUDIO_INIT(transcription_options, &o);
        o.deployment = "whisper";
        o.prompt = bad_utf8[i];
        azaudio_transcript *t = NULL;
        check_refusal(azaudio_transcribe_file(client, rest_speech_wav, &o, &t), "options->prompt");
        CHECK(t == NULL);
        azaudio_translation_options to;
        AZAUDIO_INIT(translation_options, &to);
        to.deployment = "whisper";
        to.prompt = bad_utf8[i];
        check_refusal(azaudio_translate_file(client, rest_speech_wav, &to, &t), "options->prompt");
    }
    CHECK(emulator_request_count() == 0);
}

TEST(chat_refuses_malformed_messages) {
    azaudio_chat *chat = NULL;
    CHECK_RESULT(azaudio_chat_create(&chat), AZAUDIO_OK);
    for (size_t i = 0; i < BAD_COUNT; i++) {
        check_refusal(azaudio_chat_add_message(chat, "user", bad_utf8[i]), "text");
        check_refusal(azaudio_chat_add_message(chat, bad_utf8[i], "hi"), "role");
    }
    CHECK(azaudio_chat_message_count(chat) == 0);
    azaudio_chat_destroy(chat);
}

TEST(a_streamed_chat_asking_for_wav_audio_is_refused_before_sending) {
    emulator_reset();
    azaudio_chat *chat = NULL;
    CHECK_RESULT(azaudio_chat_create(&chat), AZAUDIO_OK);
    CHECK_RESULT(azaudio_chat_add_message(chat, "user", "Say hello."), AZAUDIO_OK);
    azaudio_chat_options o;
    AZAUDIO_INIT(chat_options, &o);
    o.deployment = "gpt-4o-audio-preview";
    o.stream = 1;
    o.audio_format = "wav";
    azaudio_chat_reply *reply = NULL;
    CHECK_RESULT(azaudio_chat_complete(client, chat, &o, &reply), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "cannot be streamed");
    CHECK(reply == NULL);
    CHECK(emulator_request_count() == 0);
    /* pcm16 (or the default) streams; a text-only stream may name any format since no audio is asked for. */
    o.audio_format = "pcm16";
    CHECK_RESULT(azaudio_chat_complete(client, chat, &o, &reply), AZAUDIO_OK);
    azaudio_chat_reply_free(reply);
    azaudio_chat_destroy(chat);
}

/* A FIFO named x.wav blocked in open(2) forever (a cancel token could not stop it). With an alarm as a safety net,
 * so that a regression fails this test instead of hanging the suite. */
static void on_alarm(int sig) {
    (void)sig;
    static const char msg[] = "  FAIL: opening a FIFO blocked (no writer): the library waits on it\n";
    if (write(2, msg, sizeof msg - 1) < 0) {
    }
    _exit(1);
}

TEST(a_fifo_named_like_an_audio_file_is_refused_at_once) {
    char path[128];
    snprintf(path, sizeof path, "/tmp/azaudio_fifo_%ld.wav", (long)getpid());
    remove(path);
    CHECK(mkfifo(path, 0600) == 0);
    signal(SIGALRM, on_alarm);
    alarm(20);
    emulator_reset();
    azaudio_transcription_options o;
    AZAUDIO_INIT(transcription_options, &o);
    o.deployment = "whisper";
    azaudio_transcript *tr = NULL;
    CHECK_RESULT(azaudio_transcribe_file(client, path, &o, &tr), AZAUDIO_ERR_IO);
    CHECK_STR_CONTAINS(azaudio_last_error(), "not a regular file");
    azaudio_audio_buffer *b = NULL;
    CHECK_RESULT(azaudio_wav_read_file(path, &b), AZAUDIO_ERR_IO);
    CHECK_STR_CONTAINS(azaudio_last_error(), "not a regular file");
    azaudio_chat *chat = NULL;
    azaudio_chat_create(&chat);
    CHECK_RESULT(azaudio_chat_add_audio_file(chat, path), AZAUDIO_ERR_IO);
    azaudio_chat_destroy(chat);
    alarm(0);
    CHECK(emulator_request_count() == 0);
    remove(path);
}

/* ---- realtime --------------------------------------------------------------------------------------------- */

TEST(realtime_refuses_malformed_instructions_text_items_and_events) {
    azaudio_realtime_options o;
    AZAUDIO_INIT(realtime_options, &o);
    o.deployment = "gpt-realtime";
    azaudio_realtime_session *s = NULL;
    for (size_t i = 0; i < BAD_COUNT; i++) {
        o.instructions = bad_utf8[i];
        check_refusal(azaudio_realtime_connect(client, &o, &s), "options->instructions");
        CHECK(s == NULL);
    }
    o.instructions = "Be brief.";
    emulator_reset();
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_OK);
    if (!s) return;
    char event[128];
    for (size_t i = 0; i < BAD_COUNT; i++) {
        check_refusal(azaudio_realtime_create_text_item(s, "user", bad_utf8[i]), "text");
        check_refusal(azaudio_realtime_send_function_output(s, "call_1", bad_utf8[i]), "output");
        check_refusal(azaudio_realtime_update_session(s, bad_utf8[i]), "session_json");
        check_refusal(azaudio_realtime_send_event_json(s, bad_utf8[i]), "event_json");
        /* Inside a JSON string of a well-formed event: the offset is where the bad bytes start in the whole text. */
        snprintf(event, sizeof event, "{\"type\":\"x\",\"a\":\"%s\"}", bad_utf8[i]);
        CHECK_RESULT(azaudio_realtime_send_event_json(s, event), AZAUDIO_ERR_INVALID_ARGUMENT);
        CHECK_STR_CONTAINS(azaudio_last_error(), "byte offset 21");
    }
    /* A valid event with multi-byte text still goes through. */
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "caf\xc3\xa9"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_send_event_json(s, "{\"type\":\"input_audio_buffer.clear\"}"), AZAUDIO_OK);
    double deadline = now_seconds() + 10;
    while (client_events("input_audio_buffer.clear") == 0 && now_seconds() < deadline) usleep(20000);
    /* Only the valid item reached the service: every refused call sent nothing. */
    CHECK(client_events("conversation.item.create") == 1);
    CHECK(client_events("session.update") == 1); /* the one connect sends; none from the refused update */
    CHECK(client_events("x") == 0);
    azaudio_realtime_destroy(s);
}

/* Issue 16 audit: sizes above INT64_MAX (a negative Int in Swift) trapped in chat_add_audio, transcribe_memory and
 * realtime send_audio, and a huge size reached arithmetic and allocations sized by it. Nothing is read: each is
 * refused first. */
TEST(huge_sizes_are_refused_without_a_trap_or_a_read) {
    static const uint8_t few[4] = {0};
    CHECK_NO_TRAP({
        /* A client of the child's own: threads of the parent's client do not survive fork(). */
        azaudio_client *c = rest_client();
        azaudio_chat *chat = NULL;
        azaudio_chat_create(&chat);
        CHECK_RESULT(azaudio_chat_add_audio(chat, few, SIZE_MAX, "wav"), AZAUDIO_ERR_INVALID_ARGUMENT);
        CHECK_RESULT(azaudio_chat_add_audio(chat, few, (size_t)INT64_MAX, "wav"), AZAUDIO_ERR_PAYLOAD_TOO_LARGE);
        azaudio_chat_destroy(chat);
        azaudio_transcription_options o;
        AZAUDIO_INIT(transcription_options, &o);
        o.deployment = "whisper";
        azaudio_transcript *t = NULL;
        CHECK_RESULT(azaudio_transcribe_memory(c, few, SIZE_MAX, "a.wav", &o, &t), AZAUDIO_ERR_INVALID_ARGUMENT);
        CHECK_RESULT(azaudio_transcribe_memory(c, few, (size_t)1 << 62, "a.wav", &o, &t),
                     AZAUDIO_ERR_PAYLOAD_TOO_LARGE);
        azaudio_translation_options to;
        AZAUDIO_INIT(translation_options, &to);
        to.deployment = "whisper";
        CHECK_RESULT(azaudio_translate_memory(c, few, SIZE_MAX - 7, "a.wav", &to, &t), AZAUDIO_ERR_INVALID_ARGUMENT);
        azaudio_realtime_options ro;
        AZAUDIO_INIT(realtime_options, &ro);
        ro.deployment = "gpt-realtime";
        azaudio_realtime_session *s = NULL;
        CHECK_RESULT(azaudio_realtime_connect(c, &ro, &s), AZAUDIO_OK);
        if (s) {
            CHECK_RESULT(azaudio_realtime_send_audio(s, few, SIZE_MAX - 1), AZAUDIO_ERR_INVALID_ARGUMENT);
            CHECK_RESULT(azaudio_realtime_send_audio(s, few, (size_t)1 << 62), AZAUDIO_ERR_INVALID_ARGUMENT);
            CHECK_STR_CONTAINS(azaudio_last_error(), "at most 67108864 per call");
            CHECK_RESULT(azaudio_realtime_send_audio(s, few, 4), AZAUDIO_OK);
            azaudio_realtime_destroy(s);
        }
        azaudio_client_destroy(c);
    });
}

int main(void) {
    rest_setup();
    client = rest_client();
    RUN(speech_refuses_malformed_utf8_in_the_input_and_the_instructions);
    RUN(transcription_refuses_a_malformed_prompt_and_sends_nothing);
    RUN(chat_refuses_malformed_messages);
    RUN(a_streamed_chat_asking_for_wav_audio_is_refused_before_sending);
    RUN(huge_sizes_are_refused_without_a_trap_or_a_read);
    RUN(a_fifo_named_like_an_audio_file_is_refused_at_once);
    RUN(realtime_refuses_malformed_instructions_text_items_and_events);
    azaudio_client_destroy(client);
    rest_teardown();
    return check_summary();
}
