// realtime.cpp: one spoken turn over a realtime session, with the C++ wrapper.
//
//   realtime_cpp INPUT.wav OUTPUT.wav [DEPLOYMENT [TRANSCRIPTION_DEPLOYMENT]]
//
// Streams INPUT.wav into the session at real-time pace in 20 ms frames (PCM16 at any of 8, 16, 24 or 48 kHz is
// resampled to 24 kHz; 8 kHz G.711 mu-law or A-law is sent as it is), then a second of silence so that the server's
// voice activity detection ends the turn. It prints what the model heard and the transcript of its reply as they
// arrive, and writes the reply audio to OUTPUT.wav. DEPLOYMENT defaults to "gpt-realtime"; with
// TRANSCRIPTION_DEPLOYMENT (e.g. "whisper") the caller's speech is transcribed too. Endpoint and key come from
// AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY.
//
// Threads: a sender thread paces the audio; the main thread pulls events (no user code on the I/O thread).
#include <azaudio.hpp>

#include <atomic>
#include <iostream>
#include <thread>

int main(int argc, char **argv) {
    if (argc < 3) {
        std::cerr << "usage: " << argv[0] << " INPUT.wav OUTPUT.wav [DEPLOYMENT [TRANSCRIPTION_DEPLOYMENT]]\n";
        return 2;
    }
    try {
        // The input, in a format the session takes.
        azaudio::WavBuffer wav = azaudio::WavBuffer::read_file(argv[1]);
        const azaudio::wav_info info = wav.info();
        if (info.channels != 1) throw std::runtime_error("the input must be mono");
        azaudio::realtime_options options;
        std::vector<std::int16_t> pcm24k;
        azaudio::byte_view audio = wav.bytes();
        std::uint32_t rate = 24000;
        if (info.format == azaudio::sample_format::pcm16) {
            if (info.sample_rate != 24000) {
                azaudio::Resampler resampler(info.sample_rate, 24000);
                pcm24k = resampler.process(wav.samples());
                std::vector<std::int16_t> tail = resampler.flush();
                pcm24k.insert(pcm24k.end(), tail.begin(), tail.end());
                audio = azaudio::byte_view(pcm24k);
            }
        } else {
            if (info.sample_rate != 8000) throw std::runtime_error("G.711 input must be 8 kHz");
            options.input_audio_format = info.format; // sent as it is
            rate = 8000;
        }

        azaudio::Client client = azaudio::Client::from_env();
        options.deployment = argc > 3 ? argv[3] : "gpt-realtime";
        if (argc > 4) options.input_transcription_deployment = argv[4];
        options.instructions = "You are a helpful assistant. Answer briefly.";
        azaudio::RealtimeSession session = azaudio::RealtimeSession::connect(client, options);

        // The sender: 20 ms frames against an absolute clock, then a second of silence.
        std::atomic<bool> stop{false};
        std::thread sender([&] {
            try {
                azaudio::FrameCursor cursor(options.input_audio_format, rate, 1, 20, audio);
                const std::uint64_t start = azaudio::monotonic_us();
                std::uint64_t at = 0;
                while (auto frame = cursor.next()) {
                    if (stop) return;
                    at = frame->timestamp_us;
                    azaudio::sleep_until_us(start + at);
                    session.send_audio(frame->data);
                }
                const std::uint8_t silent = options.input_audio_format == azaudio::sample_format::pcm16  ? 0x00
                                            : options.input_audio_format == azaudio::sample_format::ulaw ? 0xFF
                                                                                                         : 0xD5;
                std::vector<std::uint8_t> silence(azaudio::frame_bytes(options.input_audio_format, rate, 1, 20),
                                                  silent);
                for (int i = 1; i <= 50 && !stop; i++) {
                    azaudio::sleep_until_us(start + at + 20000u * static_cast<std::uint64_t>(i));
                    session.send_audio(silence);
                }
            } catch (const azaudio::error &e) {
                if (!stop) std::cerr << "\nsending failed: " << e.what() << "\n"; // e.g. the session closed
            }
        });

        // The events, pulled on this thread until the session is closed.
        std::vector<std::uint8_t> reply;
        while (auto event = session.next_event()) {
            switch (event->type()) {
            case azaudio::event_type::input_transcription_completed:
                std::cout << "you said: " << event->text() << "\n";
                break;
            case azaudio::event_type::audio_transcript_delta:
            case azaudio::event_type::text_delta:
                std::cout << event->text() << std::flush;
                break;
            case azaudio::event_type::audio_delta: {
                azaudio::byte_view chunk = event->audio();
                reply.insert(reply.end(), chunk.begin(), chunk.end());
                break;
            }
            case azaudio::event_type::response_done:
                std::cout << "\n[response " << event->status() << "]\n";
                stop = true;
                session.close();
                break;
            case azaudio::event_type::error:
                std::cerr << "\nerror " << event->error_code() << ": " << event->text() << "\n";
                stop = true;
                session.close();
                break;
            case azaudio::event_type::closed:
                std::cout << "[closed " << event->close_code() << "]\n";
                break;
            default:
                break;
            }
        }
        stop = true;
        sender.join();

        azaudio::wav_format out; // the session's output: PCM16, 24 kHz, mono
        azaudio::wav_write_file(argv[2], out, reply);
        std::cout << "reply: " << reply.size() / 48 << " ms of audio in " << argv[2] << "\n";
        return reply.empty() ? 1 : 0;
    } catch (const azaudio::error &e) {
        std::cerr << "realtime: " << e.what() << "\n";
    } catch (const std::exception &e) {
        std::cerr << "realtime: " << e.what() << "\n";
    }
    return 1;
}
