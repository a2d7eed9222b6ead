// speak.cpp: text to speech with the C++ wrapper, written to a file as the audio arrives.
//
//   speak_cpp TEXT OUTPUT_FILE [DEPLOYMENT [VOICE]]
//
// The format comes from OUTPUT_FILE's extension (mp3, opus, aac, flac, wav, pcm). DEPLOYMENT defaults to
// "gpt-4o-mini-tts". Endpoint and key come from AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY.
#include <azaudio.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>

int main(int argc, char **argv) {
    if (argc < 3) {
        std::cerr << "usage: " << argv[0] << " TEXT OUTPUT_FILE [DEPLOYMENT [VOICE]]\n";
        return 2;
    }
    const std::string path = argv[2];
    const auto dot = path.rfind('.');
    try {
        azaudio::Client client = azaudio::Client::from_env();
        azaudio::speech_options options;
        options.deployment = argc > 3 ? argv[3] : "gpt-4o-mini-tts";
        options.voice = argc > 4 ? argv[4] : "alloy";
        options.response_format = dot == std::string::npos ? "mp3" : path.substr(dot + 1);

        std::ofstream file(path, std::ios::binary);
        if (!file) throw std::runtime_error("cannot write " + path);
        std::size_t bytes = 0, chunks = 0;
        client.speak(argv[1], options, [&](azaudio::byte_view chunk) {
            file.write(reinterpret_cast<const char *>(chunk.data()), static_cast<std::streamsize>(chunk.size()));
            if (!file) throw std::runtime_error("writing " + path + " failed"); // stops the call; rethrown below
            bytes += chunk.size();
            chunks++;
        });
        std::cout << "wrote " << bytes << " bytes in " << chunks << " chunks to " << path << "\n";
        return 0;
    } catch (const azaudio::error &e) {
        std::cerr << "speak: " << e.what();
        if (!e.request_id().empty()) std::cerr << " (request id " << e.request_id() << ")";
        std::cerr << "\n";
    } catch (const std::exception &e) {
        std::cerr << "speak: " << e.what() << "\n";
    }
    std::remove(path.c_str());
    return 1;
}
