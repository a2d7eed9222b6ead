/* Audio of any length, the acceptance check at a size make test can afford: a generated two-voice recording of
 * about 2.5 minutes (the emulator's low onyx and high shimmer voices, with pauses) goes through in pieces; the
 * merged SRT has every phrase within 0.5 s of its true time, and a diarized transcription keeps one label per
 * voice across every piece (reference clips of the voices heard in earlier pieces go with later ones as known
 * speakers). `make test-longaudio` runs the same check on a 60-minute recording (bench/longaudio/acceptance.c).
 * emulator-options: --max-audio-seconds 30 */
#define _GNU_SOURCE
#include "check.h"
#include "rest_support.h"
#include "longaudio_support.h"

#include <unistd.h>

#define DIARIZE "gpt-4o-transcribe-diarize"
#define PHRASES 22

static la_phrase phrases[PHRASES];
static double total_seconds;
static char dialogue_wav[128];

static void make_dialogue(void) {
    total_seconds = 150;
    CHECK(la_dialogue(phrases, PHRASES, total_seconds) == PHRASES);
    la_make_recording(dialogue_wav, phrases, PHRASES, total_seconds);
}

TEST(a_two_voice_recording_in_pieces_has_every_phrase_in_the_merged_srt_within_half_a_second) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_transcription_options o;
    azaudio_transcription_options_init(&o);
    o.deployment = "whisper";
    o.response_format = "srt";
    o.max_upload_bytes = 600000; /* 12 s of 24 kHz 16-bit audio per piece at most */
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, dialogue_wav, &o, &t), AZAUDIO_OK);
    CHECK(emulator_log_count("/audio/transcriptions") >= 12);
    if (t) CHECK(la_srt_misses(azaudio_transcript_text(t), phrases, PHRASES) == 0);
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
}

/* Options of a diarized transcription cut into pieces of at most `max_piece_seconds`. */
static azaudio_transcription_options diarized_pieces(double max_piece_seconds) {
    azaudio_transcription_options o;
    azaudio_transcription_options_init(&o);
    o.deployment = DIARIZE;
    o.response_format = "diarized_json";
    o.max_piece_seconds = max_piece_seconds;
    return o;
}

TEST(one_voice_keeps_one_label_across_every_piece_of_a_diarized_recording) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = diarized_pieces(20);
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, dialogue_wav, &o, &t), AZAUDIO_OK);
    int pieces = emulator_log_count("/audio/transcriptions");
    CHECK(pieces >= 7);
    /* the pieces after the first carried clips of both voices as known speakers */
    CHECK(emulator_log_count("azaudio-voice-A") >= pieces - 1);
    CHECK(emulator_log_count("azaudio-voice-B") >= 1);
    if (t) {
        CHECK(la_speaker_faults(t, phrases, PHRASES) == 0);
        CHECK(strstr(azaudio_transcript_raw_body(t, NULL), "azaudio-voice-") == NULL);
    }
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
}

TEST(a_known_speaker_of_the_callers_keeps_its_name_and_the_other_voice_one_label) {
    emulator_reset();
    azaudio_client *c = rest_client();
    char clip[128];
    snprintf(clip, sizeof clip, "/tmp/azaudio_longaudio_agent_%ld.wav", (long)getpid());
    size_t n = 0;
    int16_t *s = la_speak(c, "this is the agent speaking to you now", "shimmer", &n);
    la_write_wav(clip, s, n);
    free(s);
    azaudio_known_speaker agent = {.name = "agent", .path = clip};
    azaudio_transcription_options o = diarized_pieces(20);
    o.known_speakers = &agent;
    o.known_speaker_count = 1;
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, dialogue_wav, &o, &t), AZAUDIO_OK);
    if (t) {
        CHECK(la_speaker_faults(t, phrases, PHRASES) == 0);
        size_t count = azaudio_transcript_segment_count(t);
        int agent_segments = 0;
        for (size_t i = 0; i < count; i++) agent_segments += !strcmp(azaudio_transcript_segment_speaker(t, i), "agent");
        CHECK(agent_segments >= PHRASES / 2);
    }
    azaudio_transcript_free(t);
    remove(clip);
    azaudio_client_destroy(c);
}

TEST(a_voice_first_heard_in_two_pieces_sent_at_once_keeps_one_label) {
    /* The first piece has the low voice only; the high voice is first heard in the two pieces after it, which go
     * together. The second of them to answer goes again with the clip the other found. */
    la_phrase three[3] = {
        {"The quick brown fox jumps over the lazy dog.", "onyx", 0.8, 0, 0},
        {"Hello world, this is a test.", "shimmer", 6.8, 0, 0},
        {"The weather is nice today.", "shimmer", 12.8, 0, 0},
    };
    char wav[128];
    snprintf(wav, sizeof wav, "/tmp/azaudio_longaudio_three_%ld.wav", (long)getpid());
    la_make_recording(wav, three, 3, 16.5);
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = diarized_pieces(6.5);
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, wav, &o, &t), AZAUDIO_OK);
    if (t) CHECK(la_speaker_faults(t, three, 3) == 0);
    /* three pieces and the one sent again with the high voice's clip */
    CHECK(emulator_log_count("/audio/transcriptions") == 4);
    CHECK(emulator_log_count("azaudio-voice-B") == 1);
    azaudio_transcript_free(t);
    remove(wav);
    azaudio_client_destroy(c);
}

int main(void) {
    rest_setup();
    snprintf(dialogue_wav, sizeof dialogue_wav, "/tmp/azaudio_longaudio_dialogue_%ld.wav", (long)getpid());
    make_dialogue();
    RUN(a_two_voice_recording_in_pieces_has_every_phrase_in_the_merged_srt_within_half_a_second);
    RUN(one_voice_keeps_one_label_across_every_piece_of_a_diarized_recording);
    RUN(a_known_speaker_of_the_callers_keeps_its_name_and_the_other_voice_one_label);
    RUN(a_voice_first_heard_in_two_pieces_sent_at_once_keeps_one_label);
    remove(dialogue_wav);
    rest_teardown();
    return check_summary();
}

/* test-cost: long (scripts/run-c-tests.sh starts it first) */
