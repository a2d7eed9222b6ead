/* hello.c - the smallest libazaudio program: print the library version and create a client.
 *
 *   AZURE_OPENAI_ENDPOINT=https://NAME.openai.azure.com AZURE_OPENAI_API_KEY=... ./hello
 *   ./hello https://NAME.openai.azure.com/openai/v1      (any endpoint form; the key is a placeholder)
 *
 * No request is sent: it shows how the endpoint was understood. */
#include <azaudio.h>
#include <stdio.h>

int main(int argc, char **argv) {
    printf("libazaudio %s (header %s)\n", azaudio_version_string(), AZAUDIO_VERSION_STRING);

    azaudio_client *client = NULL;
    azaudio_result rc;
    if (argc > 1) {
        azaudio_client_options options;
        AZAUDIO_INIT(client_options, &options);
        options.endpoint = argv[1];
        options.api_key = "placeholder";
        rc = azaudio_client_create(&options, &client);
    } else {
        rc = azaudio_client_create_from_env(NULL, &client);
    }
    if (rc != AZAUDIO_OK) {
        fprintf(stderr, "could not create a client: %s (%s)\n", azaudio_result_string(rc), azaudio_last_error());
        return 1;
    }
    printf("endpoint: %s\n", azaudio_client_endpoint(client));
    azaudio_client_destroy(client);
    return 0;
}
