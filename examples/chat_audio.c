/* chat_audio: one spoken turn with an audio chat model.
 *
 *   chat_audio AUDIO_FILE(.wav|.mp3) [REPLY_WAV [DEPLOYMENT [PROMPT]]]
 *
 * Sends the audio as the user's turn, streams the spoken reply's transcript to stdout as it arrives, and writes the
 * reply audio to REPLY_WAV (default reply.wav; streamed replies are pcm16, wrapped here in a WAV header).
 * DEPLOYMENT defaults to "gpt-4o-mini-audio-preview". Endpoint and key come from AZURE_OPENAI_ENDPOINT and
 * AZURE_OPENAI_API_KEY. */
#include <azaudio.h>
#include <stdio.h>
#include <string.h>

static int32_t on_transcript(const char *text, size_t length, void *user_data) {
    (void)user_data;
    fwrite(text, 1, length, stdout);
    fflush(stdout);
    return 0;
}

static void put32(FILE *f, uint32_t v) {
    uint8_t b[4] = {v, v >> 8, v >> 16, v >> 24};
    fwrite(b, 1, 4, f);
}
static void put16(FILE *f, uint16_t v) {
    uint8_t b[2] = {v, v >> 8};
    fwrite(b, 1, 2, f);
}

static int write_wav(const char *path, const uint8_t *pcm, size_t size) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    fwrite("RIFF", 1, 4, f);
    put32(f, (uint32_t)(36 + size));
    fwrite("WAVEfmt ", 1, 8, f);
    put32(f, 16);
    put16(f, 1);
    put16(f, 1);
    put32(f, 24000);
    put32(f, 48000);
    put16(f, 2);
    put16(f, 16);
    fwrite("data", 1, 4, f);
    put32(f, (uint32_t)size);
    fwrite(pcm, 1, size, f);
    return fclose(f);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s AUDIO_FILE [REPLY_WAV [DEPLOYMENT [PROMPT]]]\n", argv[0]);
        return 2;
    }
    const char *reply_path = argc > 2 ? argv[2] : "reply.wav";
    azaudio_client *client = NULL;
    azaudio_chat *chat = NULL;
    azaudio_chat_reply *reply = NULL;
    int status = 1;
    if (azaudio_client_create_from_env(NULL, &client) != AZAUDIO_OK) goto fail;
    if (azaudio_chat_create(&chat) != AZAUDIO_OK) goto fail;
    if (azaudio_chat_add_message(chat, "system", "You are a helpful assistant. Answer briefly.") != AZAUDIO_OK)
        goto fail;
    if (azaudio_chat_add_message(chat, "user", argc > 4 ? argv[4] : NULL) != AZAUDIO_OK) goto fail;
    if (azaudio_chat_add_audio_file(chat, argv[1]) != AZAUDIO_OK) goto fail;

    azaudio_chat_options options;
    AZAUDIO_INIT(chat_options, &options);
    options.deployment = argc > 3 ? argv[3] : "gpt-4o-mini-audio-preview";
    options.stream = 1; /* audio arrives as pcm16 deltas */
    options.on_transcript = on_transcript;
    if (azaudio_chat_complete(client, chat, &options, &reply) != AZAUDIO_OK) goto fail;
    printf("\n");

    size_t size = 0;
    const uint8_t *audio = azaudio_chat_reply_audio(reply, &size);
    if (audio && write_wav(reply_path, audio, size) != 0) {
        perror(reply_path);
        goto done;
    }
    printf("reply: %zu bytes of audio in %s, audio id %s\n", size, reply_path, azaudio_chat_reply_audio_id(reply));
    status = 0;
    goto done;
fail:
    fprintf(stderr, "chat_audio: %s\n", azaudio_last_error());
done:
    azaudio_chat_reply_free(reply);
    azaudio_chat_destroy(chat);
    azaudio_client_destroy(client);
    return status;
}
