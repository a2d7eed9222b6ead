/* Speech to text: what is refused locally, before anything is sent (run under azaudio-emulator-run). */
#define _GNU_SOURCE
#include "transcribe_support.h"

/* ---- local checks: nothing is sent ---- */

static void expect_local(azaudio_client *c, const char *path, azaudio_transcription_options *o, azaudio_result expected,
                         const char *words) {
    emulator_reset();
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, path, o, &t), expected);
    CHECK(t == NULL);
    CHECK_STR_CONTAINS(azaudio_last_error(), words);
    azaudio_error_details d = rest_details(c);
    CHECK(d.result == expected);
    CHECK(emulator_request_count() == 0);
}

TEST(a_missing_file_is_not_found) {
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = stt("whisper");
    expect_local(c, "/tmp/azaudio-no-such-file.wav", &o, AZAUDIO_ERR_NOT_FOUND, "does not exist");
    azaudio_client_destroy(c);
}

TEST(an_unreadable_file_is_an_io_error) {
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = stt("whisper");
    mkdir("/tmp/azaudio-dir.wav", 0700);
    expect_local(c, "/tmp/azaudio-dir.wav", &o, AZAUDIO_ERR_IO, "not a regular file");
    rmdir("/tmp/azaudio-dir.wav");
    if (geteuid() != 0) {
        const char *path = "/tmp/azaudio-unreadable.wav";
        FILE *f = fopen(path, "wb");
        fputs("RIFF", f);
        fclose(f);
        chmod(path, 0);
        expect_local(c, path, &o, AZAUDIO_ERR_IO, "cannot be opened");
        remove(path);
    }
    azaudio_client_destroy(c);
}

TEST(an_unsupported_extension_is_refused) {
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = stt("whisper");
    const char *path = "/tmp/azaudio-test.txt";
    FILE *f = fopen(path, "wb");
    fputs("hello", f);
    fclose(f);
    expect_local(c, path, &o, AZAUDIO_ERR_UNSUPPORTED, "does not accept");
    remove(path);
    azaudio_transcript *t = NULL;
    unsigned char bytes[4] = {1, 2, 3, 4};
    CHECK_RESULT(azaudio_transcribe_memory(c, bytes, 4, "noextension", &o, &t), AZAUDIO_ERR_UNSUPPORTED);
    CHECK_STR_CONTAINS(azaudio_last_error(), "no file extension");
    azaudio_client_destroy(c);
}

TEST(a_body_over_25_mb_is_refused_before_sending) {
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = stt("whisper");
    const char *path = "/tmp/azaudio-big.wav";
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    CHECK(fd >= 0 && ftruncate(fd, 26214400 - 100) == 0); /* under the limit, but headers push the body over */
    close(fd);
    expect_local(c, path, &o, AZAUDIO_ERR_PAYLOAD_TOO_LARGE, "26214400");
    remove(path);
    azaudio_client_destroy(c);
}

TEST(an_empty_file_is_an_invalid_argument) {
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = stt("whisper");
    const char *path = "/tmp/azaudio-empty.wav";
    fclose(fopen(path, "wb"));
    expect_local(c, path, &o, AZAUDIO_ERR_INVALID_ARGUMENT, "empty");
    remove(path);
    azaudio_client_destroy(c);
}

/* Options refused locally: the fields set over stt(deployment), the result and words the error must carry. */
typedef struct {
    const char *deployment, *model, *response_format;
    int32_t include_logprobs, stream, timestamp_granularities;
    double temperature; /* 0: left at its default */
    azaudio_result expected;
    const char *words;
} local_refusal;

static void expect_local_refusals(azaudio_client *c, const local_refusal *rows, size_t count) {
    for (size_t i = 0; i < count; i++) {
        const local_refusal *r = &rows[i];
        azaudio_transcription_options o = stt(r->deployment);
        if (r->model) o.model = r->model;
        if (r->response_format) o.response_format = r->response_format;
        if (r->include_logprobs) o.include_logprobs = r->include_logprobs;
        if (r->stream) o.stream = r->stream;
        if (r->timestamp_granularities) o.timestamp_granularities = r->timestamp_granularities;
        if (r->temperature != 0) o.temperature = r->temperature;
        expect_local(c, rest_speech_wav, &o, r->expected, r->words);
    }
}

static const local_refusal unsupported_by_the_model[] = {
    {"gpt-4o-transcribe", .response_format = "verbose_json", .expected = AZAUDIO_ERR_UNSUPPORTED,
     .words = "json and text only"},
    {"whisper", .include_logprobs = 1, .expected = AZAUDIO_ERR_UNSUPPORTED, .words = "logprobs"},
    {"my-deployment", .model = "whisper-1", .stream = 1, .expected = AZAUDIO_ERR_UNSUPPORTED,
     .words = "does not stream"},
    {"tts", .expected = AZAUDIO_ERR_UNSUPPORTED, .words = "does not do transcription"},
};

TEST(options_a_known_model_does_not_support_are_refused) {
    azaudio_client *c = rest_client();
    expect_local_refusals(c, unsupported_by_the_model,
                          sizeof unsupported_by_the_model / sizeof *unsupported_by_the_model);
    azaudio_translation_options to;
    AZAUDIO_INIT(translation_options, &to);
    to.deployment = "gpt-4o-transcribe";
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_translate_file(c, rest_speech_wav, &to, &t), AZAUDIO_ERR_UNSUPPORTED);
    CHECK_STR_CONTAINS(azaudio_last_error(), "only whisper translates");
    azaudio_client_destroy(c);
}

static const local_refusal contradictions[] = {
    {"whisper", .timestamp_granularities = AZAUDIO_TIMESTAMP_WORD, .expected = AZAUDIO_ERR_INVALID_ARGUMENT,
     .words = "verbose_json"},
    {"whisper", .response_format = "docx", .expected = AZAUDIO_ERR_INVALID_ARGUMENT, .words = "response_format"},
    {"whisper", .temperature = 1.5, .expected = AZAUDIO_ERR_INVALID_ARGUMENT, .words = "temperature"},
};

TEST(contradicting_options_are_invalid_arguments) {
    azaudio_client *c = rest_client();
    expect_local_refusals(c, contradictions, sizeof contradictions / sizeof *contradictions);
    azaudio_transcription_options o = stt("whisper");
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, NULL, &t), AZAUDIO_ERR_INVALID_ARGUMENT);
    o.struct_size = 0;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_ERR_INVALID_ARGUMENT);
    azaudio_client_destroy(c);
}

TEST(an_unknown_deployment_name_is_left_to_the_service) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = stt("nope");
    o.response_format = "verbose_json"; /* no local objection: the model is unknown */
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_ERR_NOT_FOUND);
    azaudio_error_details d = rest_details(c);
    CHECK(d.http_status == 404);
    CHECK(strcmp(d.service_code, "DeploymentNotFound") == 0);
    CHECK(strlen(d.request_id) > 0);
    CHECK_STR_CONTAINS(d.message, "DeploymentNotFound");
    CHECK_STR_CONTAINS(d.raw_body, "\"error\"");
    CHECK(emulator_request_count() == 1);
    azaudio_client_destroy(c);
}

int main(void) {
    rest_setup();
    RUN(a_missing_file_is_not_found);
    RUN(an_unreadable_file_is_an_io_error);
    RUN(an_unsupported_extension_is_refused);
    RUN(a_body_over_25_mb_is_refused_before_sending);
    RUN(an_empty_file_is_an_invalid_argument);
    RUN(options_a_known_model_does_not_support_are_refused);
    RUN(contradicting_options_are_invalid_arguments);
    RUN(an_unknown_deployment_name_is_left_to_the_service);
    rest_teardown();
    return check_summary();
}
