/* Audio of any length, the ways a job is fed and stopped: a real kill -9 mid-job followed by a restart with the
 * same journal, a whole-job timeout that keeps the finished pieces, headerless PCM in memory and from a read
 * callback, and a read callback over the upload limit (cut instead of refused). The 37-second recording of
 * test_rest_longaudio is rebuilt here; the limits are lowered so that it needs several pieces.
 * emulator-options: --max-audio-seconds 10 */
#define _GNU_SOURCE
#include "check.h"
#include "rest_support.h"
#include "longaudio_support.h"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define PHRASES 6
static la_phrase phrases[PHRASES];
static int16_t *samples;
static size_t sample_count;
static char long_wav[128], journal_dir[128];

/* Pieces of at most 4 s of 24 kHz 16-bit audio. */
static azaudio_transcription_options long_options(const char *format) { return la_whisper_options(format, 200000); }

static int transcription_requests(void) { return emulator_log_count("/audio/transcriptions"); }

static int journal_entries(void) {
    DIR *d = opendir(journal_dir);
    if (!d) return 0;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) n += strstr(e->d_name, ".reply") != NULL;
    closedir(d);
    return n;
}

static void check_srt(const azaudio_transcript *t) {
    if (!t) return;
    int misses = la_srt_misses(azaudio_transcript_text(t), phrases, PHRASES);
    if (misses) fprintf(stderr, "%s\n", azaudio_transcript_text(t));
    CHECK(misses == 0);
}

typedef struct {
    int after;
} progress_stop;

static int32_t stop_after(int32_t done, int32_t total, double seconds_done, double seconds_total, void *user) {
    (void)total, (void)seconds_done, (void)seconds_total;
    return done >= ((progress_stop *)user)->after ? 1 : 0;
}

/* The child of the kill -9 test: one job with the journal, one piece at a time. */
static int run_child_job(void) {
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = long_options("srt");
    o.journal_dir = journal_dir;
    o.max_concurrent_pieces = 1;
    azaudio_transcript *t = NULL;
    azaudio_result rc = azaudio_transcribe_file(c, long_wav, &o, &t);
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
    return rc == AZAUDIO_OK ? 0 : 1;
}

TEST(a_job_killed_with_sigkill_and_started_again_sends_no_finished_piece_twice) {
    emulator_reset();
    /* every piece takes at least 0.4 s: the job cannot finish between two looks at the journal */
    CHECK(emulator_fault("{\"kind\":\"delay_first_byte\",\"seconds\":0.4,\"count\":100,"
                         "\"match\":\"audio/transcriptions\"}"));
    pid_t child = fork();
    if (child == 0) {
        execl("/proc/self/exe", "test_rest_longaudio_resume", "--child-job", long_wav, journal_dir, (char *)NULL);
        _exit(127);
    }
    CHECK(child > 0);
    double deadline = now_seconds() + 120;
    while (journal_entries() < 1 && now_seconds() < deadline) usleep(5000);
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL); /* killed mid-job, not finished */
    int finished = journal_entries();                          /* what the killed process had journaled */
    CHECK(finished >= 1);
    char *before = emulator_requests();
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = long_options("srt");
    o.journal_dir = journal_dir;
    o.max_concurrent_pieces = 1;
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, long_wav, &o, &t), AZAUDIO_OK);
    int sent = transcription_requests();
    char *after = emulator_requests();
    int resent = 0;
    for (const char *p = strstr(after, "\"sha256\": \""); p; p = strstr(p + 1, "\"sha256\": \"")) {
        char hash[80];
        snprintf(hash, sizeof hash, "%.75s", p);
        resent += strstr(before, hash) != NULL;
    }
    /* only the piece in flight when the process died may go again; every journaled one is taken from the journal */
    CHECK(resent <= 1);
    int total = sent + finished;
    CHECK(total >= 8);
    check_srt(t);
    fprintf(stderr, "  killed after %d of %d pieces; the restart sent %d (%d sent before)\n", finished, total, sent,
            resent);
    free(before);
    free(after);
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
}

TEST(a_whole_job_timeout_stops_every_piece_and_keeps_the_finished_ones_as_a_partial_result) {
    emulator_reset();
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", journal_dir);
    CHECK(system(cmd) == 0);
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = long_options("verbose_json");
    o.timestamp_granularities = AZAUDIO_TIMESTAMP_SEGMENT;
    o.journal_dir = journal_dir;
    o.max_concurrent_pieces = 1;
    /* three pieces (the first phrase whole, whatever the cuts) are answered and journaled, however slow the machine;
     * then every later piece would take 60 s */
    progress_stop stop = {3};
    o.on_pieces_progress = stop_after;
    o.pieces_progress_user_data = &stop;
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, long_wav, &o, &t), AZAUDIO_ERR_CANCELLED);
    o.on_pieces_progress = NULL;
    CHECK(emulator_fault("{\"kind\":\"delay_first_byte\",\"seconds\":60,\"count\":100,"
                         "\"match\":\"audio/transcriptions\"}"));
    azaudio_transcript *partial = NULL;
    o.out_partial = &partial;
    o.job_timeout_ms = 3000;
    double start = now_seconds();
    CHECK_RESULT(azaudio_transcribe_file(c, long_wav, &o, &t), AZAUDIO_ERR_TIMEOUT);
    double took = now_seconds() - start;
    CHECK(took < 40); /* the 60 s pieces were stopped */
    CHECK_STR_CONTAINS(azaudio_last_error(), "job_timeout_ms");
    CHECK(t == NULL);
    CHECK(partial != NULL);
    size_t segments = partial ? azaudio_transcript_segment_count(partial) : 0;
    CHECK(segments >= 1);
    if (segments) { /* the pieces that never answered are not in it */
        double start = 0, end = 0;
        azaudio_transcript_segment(partial, segments - 1, &start, &end, NULL);
        CHECK(end < phrases[PHRASES - 1].onset);
    }
    azaudio_transcript_free(partial);
    emulator_reset();
    /* a negative limit is refused */
    o.job_timeout_ms = -1;
    CHECK_RESULT(azaudio_transcribe_file(c, long_wav, &o, &t), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "job_timeout_ms");
    azaudio_client_destroy(c);
}

TEST(headerless_pcm_in_memory_is_decoded_cut_and_sent_as_flac) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = long_options("srt");
    o.raw_format = AZAUDIO_FORMAT_PCM16;
    o.raw_sample_rate = LA_RATE;
    o.raw_channels = 1;
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_memory(c, (const uint8_t *)samples, sample_count * 2, "meeting.pcm", &o, &t),
                 AZAUDIO_OK);
    CHECK(transcription_requests() >= 8);
    char *log = emulator_requests();
    CHECK_STR_CONTAINS(log, "\"content_type\": \"audio/flac\"");
    free(log);
    check_srt(t);
    azaudio_transcript_free(t);
    /* a short one goes as one FLAC piece: the service does not read raw PCM. Its request is told apart by its
     * prompt: a request the job-timeout test above gave up on (delayed 60 s by the emulator) is logged when the
     * emulator ends it, which on a loaded machine falls in this window. */
    emulator_reset();
    o.prompt = "the short one";
    CHECK_RESULT(azaudio_transcribe_memory(c, (const uint8_t *)samples, LA_RATE * 2 * 3, "short.pcm", &o, &t),
                 AZAUDIO_OK);
    int short_requests = emulator_log_count("\"prompt\": \"the short one\"");
    if (short_requests != 1) fprintf(stderr, "  the short one went in %d requests\n", short_requests);
    CHECK(short_requests == 1);
    o.prompt = NULL;
    log = emulator_requests();
    CHECK_STR_CONTAINS(log, "\"content_type\": \"audio/flac\"");
    free(log);
    azaudio_transcript_free(t);
    /* a layout that makes no sense is refused before anything is sent */
    o.raw_format = 99;
    CHECK_RESULT(azaudio_transcribe_memory(c, (const uint8_t *)samples, 4800, "x.pcm", &o, &t),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "raw_format");
    o.raw_format = AZAUDIO_FORMAT_PCM16;
    o.raw_sample_rate = 0;
    CHECK_RESULT(azaudio_transcribe_memory(c, (const uint8_t *)samples, 4800, "x.pcm", &o, &t),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "raw_sample_rate");
    azaudio_client_destroy(c);
}

typedef struct {
    const uint8_t *data;
    size_t size, offset, largest_read;
} feeder;

static int64_t feed(uint8_t *buffer, size_t capacity, void *user) {
    feeder *f = user;
    size_t n = f->size - f->offset;
    if (n > capacity) n = capacity;
    if (n > 4096) n = 4096;
    memcpy(buffer, f->data + f->offset, n);
    f->offset += n;
    return (int64_t)n;
}

TEST(audio_from_a_read_callback_over_the_limit_is_cut_instead_of_refused) {
    emulator_reset();
    azaudio_client *c = rest_client();
    size_t size = 0;
    unsigned char *wav = read_file(long_wav, &size);
    feeder f = {wav, size, 0, 0};
    azaudio_transcription_options o = long_options("srt");
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_callback(c, "live.wav", &o, &t, feed, &f), AZAUDIO_OK);
    CHECK(f.offset == size);
    CHECK(transcription_requests() >= 8);
    check_srt(t);
    azaudio_transcript_free(t);
    /* headerless PCM from a callback too */
    emulator_reset();
    f = (feeder){(const uint8_t *)samples, sample_count * 2, 0, 0};
    o.raw_format = AZAUDIO_FORMAT_PCM16;
    o.raw_sample_rate = LA_RATE;
    o.raw_channels = 1;
    CHECK_RESULT(azaudio_transcribe_callback(c, "live.raw", &o, &t, feed, &f), AZAUDIO_OK);
    CHECK(transcription_requests() >= 8);
    check_srt(t);
    azaudio_transcript_free(t);
    free(wav);
    azaudio_client_destroy(c);
}

int main(int argc, char **argv) {
    if (argc == 4 && !strcmp(argv[1], "--child-job")) {
        snprintf(long_wav, sizeof long_wav, "%s", argv[2]);
        snprintf(journal_dir, sizeof journal_dir, "%s", argv[3]);
        /* not rest_setup(): it would reset the emulator the parent set up */
        snprintf(rest_endpoint, sizeof rest_endpoint, "%s", getenv("AZURE_OPENAI_ENDPOINT"));
        return run_child_job();
    }
    rest_setup();
    long pid = (long)getpid();
    snprintf(long_wav, sizeof long_wav, "/tmp/azaudio_longaudio_resume_%ld.wav", pid);
    snprintf(journal_dir, sizeof journal_dir, "/tmp/azaudio_longaudio_resume_journal_%ld", pid);
    la_short_phrases(phrases);
    azaudio_client *c = rest_client();
    sample_count = la_make_samples(c, phrases, PHRASES, phrases[PHRASES - 1].at + 6.0, &samples);
    azaudio_client_destroy(c);
    la_write_wav(long_wav, samples, sample_count);
    RUN(a_job_killed_with_sigkill_and_started_again_sends_no_finished_piece_twice);
    RUN(a_whole_job_timeout_stops_every_piece_and_keeps_the_finished_ones_as_a_partial_result);
    RUN(headerless_pcm_in_memory_is_decoded_cut_and_sent_as_flac);
    RUN(audio_from_a_read_callback_over_the_limit_is_cut_instead_of_refused);
    remove(long_wav);
    free(samples);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", journal_dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup of %s failed\n", journal_dir);
    rest_teardown();
    return check_summary();
}

/* test-cost: long (scripts/run-c-tests.sh starts it first) */
