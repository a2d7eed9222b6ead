/* The one rule for every struct with a struct_size (header, top): at least the first release's size, read up to
 * min(struct_size, sizeof) with defaults past it, written up to the same bound; and the one error route
 * (azaudio_last_error_details, azaudio_client_last_error as its alias). Run under azaudio-emulator-run. */
#define _GNU_SOURCE
#include "check.h"
#include "rest_support.h"

#include <stddef.h>

/* The end of a struct's last field in 0.1.0: what the header names for each function. */
#define FIELD_END(T, f) (offsetof(T, f) + sizeof(((T *)0)->f))

static const char sentence[] = "The quick brown fox.";

static int discard_audio(const uint8_t *data, size_t size, void *user) {
    (void)data, (void)size, (void)user;
    return 0;
}

/* Checks that the last failure names the caller's struct_size and the first-release size. */
static void check_refused(azaudio_result rc, size_t declared, size_t first_release) {
    char expected[96];
    snprintf(expected, sizeof expected, "struct_size is %zu; it must be at least %zu", declared, first_release);
    CHECK_RESULT(rc, AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), expected);
}

TEST(client_options_below_their_first_release_size_are_refused_and_at_it_accepted) {
    size_t first = FIELD_END(azaudio_client_options, log_level);
    azaudio_client_options o;
    azaudio_client_options_init(&o);
    o.endpoint = rest_endpoint;
    o.api_key = "k";
    azaudio_client *c = NULL;
    o.struct_size = (uint32_t)first - 1;
    check_refused(azaudio_client_create(&o, &c), first - 1, first);
    CHECK(c == NULL);
    o.struct_size = (uint32_t)first;
    CHECK_RESULT(azaudio_client_create(&o, &c), AZAUDIO_OK);
    azaudio_client_destroy(c);
}

TEST(speech_options_below_their_first_release_size_are_refused_and_at_it_accepted) {
    size_t first = FIELD_END(azaudio_speech_options, max_retries);
    azaudio_client *c = rest_client();
    azaudio_speech_options o;
    azaudio_speech_options_init(&o);
    o.deployment = "tts";
    o.struct_size = (uint32_t)first - 1;
    check_refused(azaudio_speak(c, sentence, &o, discard_audio, NULL), first - 1, first);
    o.struct_size = (uint32_t)first;
    CHECK_RESULT(azaudio_speak(c, sentence, &o, discard_audio, NULL), AZAUDIO_OK);
    azaudio_client_destroy(c);
}

TEST(transcription_and_translation_options_below_their_first_release_size_are_refused) {
    azaudio_client *c = rest_client();
    size_t size = 0;
    unsigned char *audio = read_file(rest_speech_wav, &size);
    azaudio_transcript *t = NULL;
    azaudio_transcription_options to;
    azaudio_transcription_options_init(&to);
    to.deployment = "gpt-4o-mini-transcribe";
    size_t first = FIELD_END(azaudio_transcription_options, progress_user_data);
    to.struct_size = (uint32_t)first - 1;
    check_refused(azaudio_transcribe_memory(c, audio, size, "clip.wav", &to, &t), first - 1, first);
    azaudio_translation_options tr;
    azaudio_translation_options_init(&tr);
    tr.deployment = "whisper";
    first = FIELD_END(azaudio_translation_options, progress_user_data);
    tr.struct_size = (uint32_t)first - 1;
    check_refused(azaudio_translate_memory(c, audio, size, "clip.wav", &tr, &t), first - 1, first);
    CHECK(t == NULL);
    free(audio);
    azaudio_client_destroy(c);
}

TEST(chat_and_realtime_options_below_their_first_release_size_are_refused) {
    azaudio_client *c = rest_client();
    azaudio_chat *chat = NULL;
    azaudio_chat_create(&chat);
    azaudio_chat_add_message(chat, "user", "Hello.");
    azaudio_chat_options co;
    azaudio_chat_options_init(&co);
    co.deployment = "gpt-4o-audio-preview";
    size_t first = FIELD_END(azaudio_chat_options, progress_user_data);
    co.struct_size = (uint32_t)first - 1;
    azaudio_chat_reply *r = NULL;
    check_refused(azaudio_chat_complete(c, chat, &co, &r), first - 1, first);
    CHECK(r == NULL);
    azaudio_realtime_options ro;
    azaudio_realtime_options_init(&ro);
    ro.deployment = "gpt-realtime";
    first = FIELD_END(azaudio_realtime_options, connect_timeout_ms);
    ro.struct_size = (uint32_t)first - 1;
    azaudio_realtime_session *s = NULL;
    check_refused(azaudio_realtime_connect(c, &ro, &s), first - 1, first);
    CHECK(s == NULL);
    azaudio_chat_destroy(chat);
    azaudio_client_destroy(c);
}

TEST(wav_info_passed_in_below_its_first_release_size_is_refused) {
    size_t first = FIELD_END(azaudio_wav_info, data_size);
    azaudio_wav_info info;
    azaudio_wav_info_init(&info);
    uint8_t header[44];
    info.struct_size = (uint32_t)first - 1;
    check_refused(azaudio_wav_header(&info, 0, header, sizeof header), first - 1, first);
    info.struct_size = (uint32_t)first;
    CHECK_RESULT(azaudio_wav_header(&info, 0, header, sizeof header), AZAUDIO_OK);
}

/* A struct from a newer header: the library's struct, then bytes it does not know. */
#define NEWER(T)                                                                                                       \
    struct {                                                                                                           \
        T known;                                                                                                       \
        unsigned char future[16];                                                                                      \
    }

static int untouched(const unsigned char *future, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (future[i] != 0xA5) return 0;
    return 1;
}

TEST(filled_structs_are_written_only_up_to_the_librarys_size_and_say_how_much) {
    uint8_t header[44];
    azaudio_wav_info in;
    azaudio_wav_info_init(&in);
    azaudio_wav_header(&in, 0, header, sizeof header);

    NEWER(azaudio_wav_info) info;
    memset(&info, 0xA5, sizeof info);
    info.known.struct_size = sizeof info;
    CHECK_RESULT(azaudio_wav_parse(header, sizeof header, &info.known), AZAUDIO_OK);
    CHECK(info.known.struct_size == sizeof(azaudio_wav_info) && info.known.sample_rate == 24000);
    CHECK(untouched(info.future, sizeof info.future));
    size_t first = FIELD_END(azaudio_wav_info, data_size);
    info.known.struct_size = (uint32_t)first - 1;
    info.known.sample_rate = 7;
    check_refused(azaudio_wav_parse(header, sizeof header, &info.known), first - 1, first);
    CHECK(info.known.sample_rate == 7); /* a refused struct is left as it was */

    NEWER(azaudio_error_details) details;
    memset(&details, 0xA5, sizeof details);
    details.known.struct_size = sizeof details;
    CHECK_RESULT(azaudio_last_error_details(&details.known), AZAUDIO_OK);
    CHECK(details.known.struct_size == sizeof(azaudio_error_details));
    CHECK(details.known.result == AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(untouched(details.future, sizeof details.future));
    first = FIELD_END(azaudio_error_details, retry_after_seconds);
    details.known.struct_size = (uint32_t)first - 1;
    check_refused(azaudio_last_error_details(&details.known), first - 1, first);

    azaudio_client *c = rest_client();
    details.known.struct_size = (uint32_t)first - 1;
    check_refused(azaudio_client_last_error(c, &details.known), first - 1, first);

    size_t size = 0;
    unsigned char *audio = read_file(rest_speech_wav, &size);
    azaudio_transcription_options to;
    azaudio_transcription_options_init(&to);
    to.deployment = "whisper";
    to.response_format = "verbose_json";
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_memory(c, audio, size, "clip.wav", &to, &t), AZAUDIO_OK);
    NEWER(azaudio_usage) usage;
    memset(&usage, 0xA5, sizeof usage);
    usage.known.struct_size = sizeof usage;
    CHECK_RESULT(azaudio_transcript_usage(t, &usage.known), AZAUDIO_OK);
    CHECK(usage.known.struct_size == sizeof(azaudio_usage) && usage.known.type != NULL);
    CHECK(untouched(usage.future, sizeof usage.future));
    first = FIELD_END(azaudio_usage, seconds);
    usage.known.struct_size = (uint32_t)first - 1;
    check_refused(azaudio_transcript_usage(t, &usage.known), first - 1, first);
    azaudio_transcript_free(t);
    free(audio);
    azaudio_client_destroy(c);
}

static azaudio_error_details thread_details(void) {
    azaudio_error_details d;
    memset(&d, 0, sizeof d);
    d.struct_size = sizeof d;
    azaudio_last_error_details(&d);
    return d;
}

TEST(last_error_details_hold_every_detail_of_the_threads_last_failure) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_speech_options o;
    azaudio_speech_options_init(&o);
    o.deployment = "missing-deployment";
    CHECK_RESULT(azaudio_speak(c, sentence, &o, discard_audio, NULL), AZAUDIO_ERR_NOT_FOUND);
    azaudio_error_details d = thread_details();
    CHECK(d.result == AZAUDIO_ERR_NOT_FOUND && d.http_status == 404);
    CHECK(strcmp(d.service_code, "DeploymentNotFound") == 0 && strlen(d.request_id) > 0);
    CHECK(strcmp(d.message, azaudio_last_error()) == 0);
    /* The client alias reads the same record. */
    azaudio_error_details viaClient = rest_details(c);
    CHECK(viaClient.result == d.result && viaClient.message == d.message);
    /* A failure without a client is the thread's last one, and leaves the client's in place. */
    CHECK_RESULT(azaudio_wav_parse("nope", 4, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    d = thread_details();
    CHECK(d.result == AZAUDIO_ERR_INVALID_ARGUMENT && d.http_status == 0 && d.service_code[0] == '\0');
    CHECK_STR_CONTAINS(d.message, "azaudio_wav_parse");
    CHECK(rest_details(c).result == AZAUDIO_ERR_NOT_FOUND);
    azaudio_client_destroy(c);
}

TEST(a_clients_last_error_is_only_its_own) {
    azaudio_client *a = rest_client();
    azaudio_client *b = rest_client();
    azaudio_speech_options o;
    azaudio_speech_options_init(&o);
    o.deployment = "missing-deployment";
    CHECK_RESULT(azaudio_speak(a, sentence, &o, discard_audio, NULL), AZAUDIO_ERR_NOT_FOUND);
    CHECK(rest_details(a).result == AZAUDIO_ERR_NOT_FOUND);
    azaudio_error_details d = rest_details(b);
    CHECK(d.result == AZAUDIO_OK && d.message[0] == '\0' && d.http_status == 0);
    azaudio_client_destroy(a);
    azaudio_client_destroy(b);
}

int main(void) {
    rest_setup();
    RUN(client_options_below_their_first_release_size_are_refused_and_at_it_accepted);
    RUN(speech_options_below_their_first_release_size_are_refused_and_at_it_accepted);
    RUN(transcription_and_translation_options_below_their_first_release_size_are_refused);
    RUN(chat_and_realtime_options_below_their_first_release_size_are_refused);
    RUN(wav_info_passed_in_below_its_first_release_size_is_refused);
    RUN(filled_structs_are_written_only_up_to_the_librarys_size_and_say_how_much);
    RUN(last_error_details_hold_every_detail_of_the_threads_last_failure);
    RUN(a_clients_last_error_is_only_its_own);
    rest_teardown();
    return check_summary();
}
