/* translate: speech in any language to English text.
 *
 *   translate AUDIO_FILE [DEPLOYMENT [RESPONSE_FORMAT]]
 *
 * DEPLOYMENT defaults to "whisper" (the only model that translates). Endpoint and key come from
 * AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY. */
#include <azaudio.h>
#include <stdio.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s AUDIO_FILE [DEPLOYMENT [RESPONSE_FORMAT]]\n", argv[0]);
        return 2;
    }
    azaudio_client *client = NULL;
    if (azaudio_client_create_from_env(NULL, &client) != AZAUDIO_OK) {
        fprintf(stderr, "translate: %s\n", azaudio_last_error());
        return 1;
    }
    azaudio_translation_options options;
    AZAUDIO_INIT(translation_options, &options);
    options.deployment = argc > 2 ? argv[2] : "whisper";
    options.response_format = argc > 3 ? argv[3] : NULL;
    azaudio_transcript *t = NULL;
    if (azaudio_translate_file(client, argv[1], &options, &t) != AZAUDIO_OK) {
        fprintf(stderr, "translate: %s\n", azaudio_last_error());
        azaudio_client_destroy(client);
        return 1;
    }
    printf("%s\n", azaudio_transcript_text(t));
    azaudio_transcript_free(t);
    azaudio_client_destroy(client);
    return 0;
}
