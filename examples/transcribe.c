/* transcribe: speech to text from an audio file.
 *
 *   transcribe AUDIO_FILE [DEPLOYMENT [RESPONSE_FORMAT]]
 *
 * DEPLOYMENT defaults to "whisper"; RESPONSE_FORMAT to "json" (also text, srt, vtt, verbose_json). With a
 * gpt-4o-transcribe deployment and json or text, the text is streamed to stdout as it is recognised. Endpoint and
 * key come from AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY. */
#include <azaudio.h>
#include <stdio.h>
#include <string.h>

static int32_t on_delta(const char *text, size_t length, void *user_data) {
    (void)user_data;
    fwrite(text, 1, length, stderr);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s AUDIO_FILE [DEPLOYMENT [RESPONSE_FORMAT]]\n", argv[0]);
        return 2;
    }
    azaudio_client *client = NULL;
    if (azaudio_client_create_from_env(NULL, &client) != AZAUDIO_OK) {
        fprintf(stderr, "transcribe: %s\n", azaudio_last_error());
        return 1;
    }
    azaudio_transcription_options options;
    AZAUDIO_INIT(transcription_options, &options);
    options.deployment = argc > 2 ? argv[2] : "whisper";
    options.response_format = argc > 3 ? argv[3] : NULL;
    if (strstr(options.deployment, "4o") && (!options.response_format || !strcmp(options.response_format, "json") ||
                                             !strcmp(options.response_format, "text"))) {
        options.stream = 1;
        options.on_delta = on_delta;
    }
    azaudio_transcript *t = NULL;
    if (azaudio_transcribe_file(client, argv[1], &options, &t) != AZAUDIO_OK) {
        fprintf(stderr, "transcribe: %s\n", azaudio_last_error());
        azaudio_client_destroy(client);
        return 1;
    }
    if (options.stream) fputc('\n', stderr);
    printf("%s\n", azaudio_transcript_text(t));
    if (azaudio_transcript_duration(t) >= 0)
        printf("[language %s, %.2f s, %zu segments]\n", azaudio_transcript_language(t), azaudio_transcript_duration(t),
               azaudio_transcript_segment_count(t));
    for (size_t i = 0; i < azaudio_transcript_segment_count(t); i++) {
        double start, end;
        const char *text;
        azaudio_transcript_segment(t, i, &start, &end, &text);
        printf("  %7.2f-%7.2f %s\n", start, end, text);
    }
    azaudio_transcript_free(t);
    azaudio_client_destroy(client);
    return 0;
}
