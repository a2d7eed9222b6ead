/* speak: text to speech, written to a file as the audio arrives.
 *
 *   speak TEXT OUTPUT_FILE [DEPLOYMENT [VOICE]]
 *
 * The format comes from OUTPUT_FILE's extension (mp3, opus, aac, flac, wav, pcm). DEPLOYMENT defaults to
 * "gpt-4o-mini-tts". Endpoint and key come from AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY. */
#include <azaudio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    FILE *file;
    size_t bytes;
    int chunks;
} sink;

static int32_t on_audio(const uint8_t *data, size_t size, void *user_data) {
    sink *s = user_data;
    if (fwrite(data, 1, size, s->file) != size) return 1; /* stop the call: the disk is full */
    s->bytes += size;
    s->chunks++;
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s TEXT OUTPUT_FILE [DEPLOYMENT [VOICE]]\n", argv[0]);
        return 2;
    }
    const char *ext = strrchr(argv[2], '.');
    azaudio_client *client = NULL;
    if (azaudio_client_create_from_env(NULL, &client) != AZAUDIO_OK) {
        fprintf(stderr, "speak: %s\n", azaudio_last_error());
        return 1;
    }
    azaudio_speech_options options;
    AZAUDIO_INIT(speech_options, &options);
    options.deployment = argc > 3 ? argv[3] : "gpt-4o-mini-tts";
    options.voice = argc > 4 ? argv[4] : "alloy";
    options.response_format = ext ? ext + 1 : "mp3";

    sink s = {fopen(argv[2], "wb"), 0, 0};
    if (!s.file) {
        perror(argv[2]);
        azaudio_client_destroy(client);
        return 1;
    }
    azaudio_result rc = azaudio_speak(client, argv[1], &options, on_audio, &s);
    fclose(s.file);
    if (rc != AZAUDIO_OK) {
        fprintf(stderr, "speak: %s\n", azaudio_last_error());
        remove(argv[2]);
        azaudio_client_destroy(client);
        return 1;
    }
    printf("wrote %zu bytes in %d chunks to %s\n", s.bytes, s.chunks, argv[2]);
    azaudio_client_destroy(client);
    return 0;
}
