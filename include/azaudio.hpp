/*
 * azaudio.hpp - a header-only C++17 wrapper of libazaudio's C interface (azaudio.h).
 *
 * Every operation is a call into the C API; this header adds only what C++ needs around it:
 *
 *  - RAII: Client, CancelToken, Transcript, ChatConversation, ChatReply, Resampler, WavBuffer, FrameCursor,
 *    RealtimeSession and RealtimeEvent own one C object each, are move-only, and release it in their destructor
 *    (which never throws). get() gives the C handle for calls this header does not wrap.
 *  - Errors: a failed call throws azaudio::error (a std::runtime_error) or one of its subclasses, carrying the
 *    result code, the HTTP status, the service's error code, the apim-request-id and the service's raw error body
 *    (from azaudio_client_last_error() for calls made through a client, else azaudio_last_error()).
 *  - Inputs: std::string_view for text, byte_view (any contiguous range, or pointer and size) for audio bytes,
 *    span_view<int16_t> for samples. Outputs: std::string, std::vector<uint8_t>, std::vector<int16_t>, except the
 *    views that realtime events hand out (valid as long as the event).
 *  - Options: plain structs with defaults and std::optional fields (unset: the C default), converted to the C
 *    structs through AZAUDIO_INIT() so that new C fields keep their defaults.
 *  - Callbacks: std::function, with the C API's thread rules: REST callbacks run on the calling thread during the
 *    call; realtime event callbacks on the client's I/O thread; log callbacks on whichever thread does the work.
 *    An exception thrown by a callback never unwinds through C: it is caught, the call is stopped (a REST call
 *    returns at once; a realtime session is closed), and the exception is rethrown on the caller's thread when
 *    the call returns (for a realtime session: from its next send_*, next_event() or close() call). An exception
 *    from a log callback is dropped; one from a token provider fails the request and is rethrown by the call
 *    when the provider ran on the calling thread.
 *  - Threads: as in C. Client, CancelToken, ChatConversation, the result objects and RealtimeSession's send
 *    functions are thread-safe; Resampler and FrameCursor are for one thread at a time. Moving or destroying an
 *    object while another thread uses it is the caller's to avoid.
 *
 * Realtime sessions (RealtimeSession, RealtimeEvent) are declared when azaudio.h has its realtime section.
 *
 * Compile with -std=c++17 or later and link libazaudio (find_package(azaudio) / pkg-config azaudio).
 */
#ifndef AZAUDIO_HPP
#define AZAUDIO_HPP

#include <azaudio.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace azaudio {

// ================================================================================================================
// Versions
// ================================================================================================================

/// The version of the loaded library, e.g. "0.1.0" (compare with AZAUDIO_VERSION_STRING, the header's).
inline std::string_view version() noexcept { return azaudio_version_string(); }
/// The loaded library's version as MAJOR * 1000000 + MINOR * 1000 + PATCH (compare with AZAUDIO_VERSION_NUMBER).
inline std::uint32_t version_number() noexcept { return azaudio_version_number(); }

// ================================================================================================================
// Views: what the wrapper takes as input
// ================================================================================================================

namespace detail {
template <class C, class = void>
struct is_contiguous_range : std::false_type {};
template <class C>
struct is_contiguous_range<
    C, std::void_t<decltype(std::data(std::declval<C &>())), decltype(std::size(std::declval<C &>()))>>
    : std::is_pointer<decltype(std::data(std::declval<C &>()))> {};

template <class C>
using range_element_t = std::remove_pointer_t<decltype(std::data(std::declval<C &>()))>;
}  // namespace detail

/// A read-only view of `size()` elements of type T: constructed from a pointer and a count, or from any contiguous
/// range of T (std::vector, std::array, a C array, ...). It borrows: the elements must outlive the view.
template <class T>
class span_view {
public:
    constexpr span_view() noexcept = default;
    constexpr span_view(const T *data, std::size_t size) noexcept : data_(data), size_(size) {}
    template <class C, std::enable_if_t<detail::is_contiguous_range<const C>::value &&
                                            std::is_same_v<std::remove_cv_t<detail::range_element_t<const C>>, T>,
                                        int> = 0>
    constexpr span_view(const C &range) noexcept : data_(std::data(range)), size_(std::size(range)) {}

    constexpr const T *data() const noexcept { return data_; }
    constexpr std::size_t size() const noexcept { return size_; }
    constexpr bool empty() const noexcept { return size_ == 0; }
    constexpr const T *begin() const noexcept { return data_; }
    constexpr const T *end() const noexcept { return data_ + size_; }
    constexpr const T &operator[](std::size_t i) const noexcept { return data_[i]; }

private:
    const T *data_ = nullptr;
    std::size_t size_ = 0;
};

/// A writable view of `size()` elements of type T, for the audio kit's no-allocation functions.
template <class T>
class mutable_span {
public:
    constexpr mutable_span() noexcept = default;
    constexpr mutable_span(T *data, std::size_t size) noexcept : data_(data), size_(size) {}
    template <class C, std::enable_if_t<detail::is_contiguous_range<C>::value && !std::is_const_v<C> &&
                                            std::is_same_v<detail::range_element_t<C>, T>,
                                        int> = 0>
    constexpr mutable_span(C &range) noexcept : data_(std::data(range)), size_(std::size(range)) {}

    constexpr T *data() const noexcept { return data_; }
    constexpr std::size_t size() const noexcept { return size_; }
    constexpr T *begin() const noexcept { return data_; }
    constexpr T *end() const noexcept { return data_ + size_; }
    constexpr T &operator[](std::size_t i) const noexcept { return data_[i]; }

private:
    T *data_ = nullptr;
    std::size_t size_ = 0;
};

/// A read-only view of bytes: from a pointer and a byte count, or from any contiguous range of trivially copyable
/// elements, whose bytes it covers (a std::vector<uint8_t>, a std::string, a std::vector<int16_t> of PCM16
/// samples, ...). It borrows: the bytes must outlive the view.
class byte_view {
public:
    constexpr byte_view() noexcept = default;
    byte_view(const void *data, std::size_t size) noexcept
        : data_(static_cast<const std::uint8_t *>(data)), size_(size) {}
    template <class C, std::enable_if_t<detail::is_contiguous_range<const C>::value &&
                                            std::is_trivially_copyable_v<detail::range_element_t<const C>>,
                                        int> = 0>
    byte_view(const C &range) noexcept
        : data_(reinterpret_cast<const std::uint8_t *>(std::data(range))),
          size_(std::size(range) * sizeof(detail::range_element_t<const C>)) {}

    constexpr const std::uint8_t *data() const noexcept { return data_; }
    constexpr std::size_t size() const noexcept { return size_; }
    constexpr bool empty() const noexcept { return size_ == 0; }
    constexpr const std::uint8_t *begin() const noexcept { return data_; }
    constexpr const std::uint8_t *end() const noexcept { return data_ + size_; }
    constexpr std::uint8_t operator[](std::size_t i) const noexcept { return data_[i]; }
    /// A copy of the bytes.
    std::vector<std::uint8_t> to_vector() const { return std::vector<std::uint8_t>(begin(), end()); }

private:
    const std::uint8_t *data_ = nullptr;
    std::size_t size_ = 0;
};

// ================================================================================================================
// Errors
// ================================================================================================================

/// The C result codes (AZAUDIO_OK, AZAUDIO_ERR_*), same numbers.
enum class errc : std::int32_t {
    ok = AZAUDIO_OK,
    invalid_argument = AZAUDIO_ERR_INVALID_ARGUMENT,
    out_of_memory = AZAUDIO_ERR_OUT_OF_MEMORY,
    network = AZAUDIO_ERR_NETWORK,
    tls = AZAUDIO_ERR_TLS,
    timeout = AZAUDIO_ERR_TIMEOUT,
    cancelled = AZAUDIO_ERR_CANCELLED,
    http = AZAUDIO_ERR_HTTP,
    auth = AZAUDIO_ERR_AUTH,
    rate_limited = AZAUDIO_ERR_RATE_LIMITED,
    not_found = AZAUDIO_ERR_NOT_FOUND,
    payload_too_large = AZAUDIO_ERR_PAYLOAD_TOO_LARGE,
    unsupported = AZAUDIO_ERR_UNSUPPORTED,
    protocol = AZAUDIO_ERR_PROTOCOL,
    closed = AZAUDIO_ERR_CLOSED,
    busy = AZAUDIO_ERR_BUSY,
    bad_request = AZAUDIO_ERR_BAD_REQUEST,
    server = AZAUDIO_ERR_SERVER,
    content_filter = AZAUDIO_ERR_CONTENT_FILTER,
    io = AZAUDIO_ERR_IO,
    invalid_state = AZAUDIO_ERR_INVALID_STATE,
    internal = AZAUDIO_ERR_INTERNAL,
};

/// Static English text for a result code, e.g. "rate limited".
inline std::string_view result_string(errc code) noexcept {
    return azaudio_result_string(static_cast<azaudio_result>(code));
}

/// What the library knows about a failed call (azaudio_error_details, copied).
struct error_details {
    errc code = errc::ok;
    int http_status = 0;             ///< the service's HTTP status, 0 if none was received
    std::string message;             ///< the full message
    std::string service_code;        ///< the service's error code, e.g. "DeploymentNotFound"; "" if none
    std::string request_id;          ///< the apim-request-id (or x-request-id); "" if none
    std::string raw_body;            ///< the service's error body as received; "" if none
    double retry_after_seconds = 0;  ///< the wait the service asked for, or 0
};

/// A failed call. what() is the library's full message; the accessors give its parts. Subclasses below exist for
/// the codes a program typically handles apart; every other code throws `error` itself. Catch by reference.
class error : public std::runtime_error {
public:
    explicit error(error_details details)
        : std::runtime_error(details.message.empty() ? std::string(result_string(details.code)) : details.message),
          details_(std::make_shared<const error_details>(std::move(details))) {}

    errc code() const noexcept { return details_->code; }
    int http_status() const noexcept { return details_->http_status; }
    const std::string &service_code() const noexcept { return details_->service_code; }
    const std::string &request_id() const noexcept { return details_->request_id; }
    const std::string &raw_body() const noexcept { return details_->raw_body; }
    double retry_after_seconds() const noexcept { return details_->retry_after_seconds; }
    const error_details &details() const noexcept { return *details_; }

private:
    std::shared_ptr<const error_details> details_;  // shared: exceptions must copy without throwing
};

#define AZAUDIO_HPP_ERROR_CLASS(name)                                                                                  \
    class name : public error {                                                                                        \
    public:                                                                                                            \
        explicit name(error_details details) : error(std::move(details)) {}                                            \
    };
AZAUDIO_HPP_ERROR_CLASS(invalid_argument_error)   ///< errc::invalid_argument: bad input to a call
AZAUDIO_HPP_ERROR_CLASS(network_error)            ///< errc::network and errc::tls
AZAUDIO_HPP_ERROR_CLASS(timeout_error)            ///< errc::timeout
AZAUDIO_HPP_ERROR_CLASS(cancelled_error)          ///< errc::cancelled: a CancelToken stopped the call
AZAUDIO_HPP_ERROR_CLASS(auth_error)               ///< errc::auth: 401/403
AZAUDIO_HPP_ERROR_CLASS(rate_limit_error)         ///< errc::rate_limited: 429 (see retry_after_seconds())
AZAUDIO_HPP_ERROR_CLASS(not_found_error)          ///< errc::not_found: 404, or a missing local file
AZAUDIO_HPP_ERROR_CLASS(payload_too_large_error)  ///< errc::payload_too_large
AZAUDIO_HPP_ERROR_CLASS(unsupported_error)        ///< errc::unsupported
AZAUDIO_HPP_ERROR_CLASS(bad_request_error)        ///< errc::bad_request: 400
AZAUDIO_HPP_ERROR_CLASS(server_error)             ///< errc::server: 5xx
AZAUDIO_HPP_ERROR_CLASS(closed_error)             ///< errc::closed
AZAUDIO_HPP_ERROR_CLASS(busy_error)               ///< errc::busy: a bounded queue is full
AZAUDIO_HPP_ERROR_CLASS(io_error)                 ///< errc::io: a local file could not be read or written
#undef AZAUDIO_HPP_ERROR_CLASS

namespace detail {

[[noreturn]] inline void throw_details(error_details d) {
    switch (d.code) {
    case errc::invalid_argument: throw invalid_argument_error(std::move(d));
    case errc::network:
    case errc::tls: throw network_error(std::move(d));
    case errc::timeout: throw timeout_error(std::move(d));
    case errc::cancelled: throw cancelled_error(std::move(d));
    case errc::auth: throw auth_error(std::move(d));
    case errc::rate_limited: throw rate_limit_error(std::move(d));
    case errc::not_found: throw not_found_error(std::move(d));
    case errc::payload_too_large: throw payload_too_large_error(std::move(d));
    case errc::unsupported: throw unsupported_error(std::move(d));
    case errc::bad_request: throw bad_request_error(std::move(d));
    case errc::server: throw server_error(std::move(d));
    case errc::closed: throw closed_error(std::move(d));
    case errc::busy: throw busy_error(std::move(d));
    case errc::io: throw io_error(std::move(d));
    default: throw error(std::move(d));
    }
}

inline std::string copy_string(const char *s) { return s ? std::string(s) : std::string(); }

/// The details of the last failure of a call made with `client` on this thread (or of the thread's last failure).
inline error_details last_error_details(const azaudio_client *client) {
    error_details d;
    std::string thread_message = copy_string(azaudio_last_error());
    if (client) {
        azaudio_error_details c{};
        c.struct_size = sizeof c;
        if (azaudio_client_last_error(client, &c) == AZAUDIO_OK) {
            d.code = static_cast<errc>(c.result);
            d.http_status = c.http_status;
            d.message = copy_string(c.message);
            d.service_code = copy_string(c.service_code);
            d.request_id = copy_string(c.request_id);
            d.raw_body = copy_string(c.raw_body);
            d.retry_after_seconds = c.retry_after_seconds;
            return d;
        }
    }
    d.message = std::move(thread_message);
    return d;
}

/// Throws for a failed result `rc`, with the details of the client's (or the thread's) last error.
[[noreturn]] inline void throw_result(azaudio_result rc, const azaudio_client *client = nullptr) {
    // Read the thread's message first: it is valid only until the next azaudio call on this thread.
    std::string thread_message = copy_string(azaudio_last_error());
    error_details d = client ? last_error_details(client) : error_details{};
    if (!client || d.code != static_cast<errc>(rc)) {
        // No client, or its record is of another call: the thread's message describes the latest failure.
        d = error_details{};
        d.message = std::move(thread_message);
    }
    d.code = static_cast<errc>(rc);
    throw_details(std::move(d));
}

inline void check(azaudio_result rc, const azaudio_client *client = nullptr) {
    if (rc != AZAUDIO_OK) throw_result(rc, client);
}

/// An error made by the wrapper itself (a C++-side precondition), as the library would report it.
[[noreturn]] inline void throw_local(errc code, std::string message) {
    error_details d;
    d.code = code;
    d.message = std::move(message);
    throw_details(std::move(d));
}

/// Exceptions raised by callbacks during a C call, kept until the call returns. The first one wins.
struct call_state {
    std::exception_ptr exception;
    void capture() noexcept {
        if (!exception) exception = std::current_exception();
    }
    /// After the C call: rethrows a callback's exception, else throws for a failed result.
    void finish(azaudio_result rc, const azaudio_client *client) const {
        if (exception) std::rethrow_exception(exception);
        check(rc, client);
    }
};

/// A null-terminated copy of a string_view, for the C API.
inline std::string z(std::string_view s) { return std::string(s); }
inline const char *opt_c_str(const std::optional<std::string> &s) noexcept { return s ? s->c_str() : nullptr; }
inline const char *nonempty_c_str(const std::string &s) noexcept { return s.empty() ? nullptr : s.c_str(); }

template <class Handle, void (*Release)(Handle *)>
struct releaser {
    void operator()(Handle *h) const noexcept { Release(h); }
};

}  // namespace detail

/// The details of the last failed call made on this thread (without a client): the message only.
inline error_details last_error() { return detail::last_error_details(nullptr); }

// ================================================================================================================
// Audio kit: G.711, resampling, WAV, frames (no client needed)
// ================================================================================================================

/// Sample formats (AZAUDIO_FORMAT_*).
enum class sample_format : std::int32_t {
    pcm16 = AZAUDIO_FORMAT_PCM16,  ///< signed 16-bit linear PCM
    ulaw = AZAUDIO_FORMAT_ULAW,    ///< G.711 mu-law, 1 byte per sample
    alaw = AZAUDIO_FORMAT_ALAW,    ///< G.711 A-law, 1 byte per sample
    // The other encodings of ordinary WAV files (read, written, framed and down-mixed; not resampled or streamed).
    pcm8 = AZAUDIO_FORMAT_PCM8,        ///< unsigned 8-bit PCM (128 is silence)
    pcm24 = AZAUDIO_FORMAT_PCM24,      ///< signed 24-bit PCM, 3 bytes little-endian
    pcm32 = AZAUDIO_FORMAT_PCM32,      ///< signed 32-bit PCM
    float32 = AZAUDIO_FORMAT_FLOAT32,  ///< IEEE float, -1.0 to 1.0
    float64 = AZAUDIO_FORMAT_FLOAT64,  ///< IEEE double, -1.0 to 1.0
};

namespace detail {
template <class In, class Out>
inline void g711(azaudio_result (*fn)(const In *, std::size_t, Out *), span_view<In> in, mutable_span<Out> out) {
    if (out.size() < in.size())
        throw_local(errc::invalid_argument, "G.711: the output holds " + std::to_string(out.size()) +
                                                " samples, the input has " + std::to_string(in.size()));
    check(fn(in.data(), in.size(), out.data()));
}
template <class In, class Out>
inline std::vector<Out> g711(azaudio_result (*fn)(const In *, std::size_t, Out *), span_view<In> in) {
    std::vector<Out> out(in.size());
    g711<In, Out>(fn, in, mutable_span<Out>(out.data(), out.size()));
    return out;
}
}  // namespace detail

/// G.711 (bit-exact with ITU-T G.191): one code per sample. The vector forms allocate; the forms with an output
/// span do not (it must hold at least as many elements as the input) and suit real-time threads.
inline std::vector<std::uint8_t> ulaw_encode(span_view<std::int16_t> pcm) {
    return detail::g711(&azaudio_g711_ulaw_encode, pcm);
}
inline std::vector<std::int16_t> ulaw_decode(span_view<std::uint8_t> codes) {
    return detail::g711(&azaudio_g711_ulaw_decode, codes);
}
inline std::vector<std::uint8_t> alaw_encode(span_view<std::int16_t> pcm) {
    return detail::g711(&azaudio_g711_alaw_encode, pcm);
}
inline std::vector<std::int16_t> alaw_decode(span_view<std::uint8_t> codes) {
    return detail::g711(&azaudio_g711_alaw_decode, codes);
}
inline void ulaw_encode(span_view<std::int16_t> pcm, mutable_span<std::uint8_t> out) {
    detail::g711(&azaudio_g711_ulaw_encode, pcm, out);
}
inline void ulaw_decode(span_view<std::uint8_t> codes, mutable_span<std::int16_t> out) {
    detail::g711(&azaudio_g711_ulaw_decode, codes, out);
}
inline void alaw_encode(span_view<std::int16_t> pcm, mutable_span<std::uint8_t> out) {
    detail::g711(&azaudio_g711_alaw_encode, pcm, out);
}
inline void alaw_decode(span_view<std::uint8_t> codes, mutable_span<std::int16_t> out) {
    detail::g711(&azaudio_g711_alaw_decode, codes, out);
}

/// A streaming mono PCM16 sample-rate converter between any two rates from 8000 to 192000 Hz (azaudio_resampler:
/// see azaudio.h for its filter). Chunking does not change the output. Not thread-safe: one thread at a time.
class Resampler {
public:
    /// Throws unsupported_error for a rate below 8000 or above 192000 (invalid_argument_error for 0).
    Resampler(std::uint32_t in_rate, std::uint32_t out_rate) {
        azaudio_resampler *r = nullptr;
        detail::check(azaudio_resampler_create(in_rate, out_rate, &r));
        handle_.reset(r);
    }

    /// Output capacity always enough for process() of in_samples samples (0: for flush()).
    std::size_t max_output(std::size_t in_samples) const noexcept {
        return azaudio_resampler_max_output(handle_.get(), in_samples);
    }
    /// Latency in output samples.
    std::uint32_t latency_samples() const noexcept { return azaudio_resampler_latency_samples(handle_.get()); }

    /// Consumes `in` and writes the output it completes into `out` (no allocation); returns how many samples were
    /// written. max_output(in.size()) samples of `out` are always enough.
    std::size_t process(span_view<std::int16_t> in, mutable_span<std::int16_t> out) {
        std::size_t written = 0;
        detail::check(azaudio_resampler_process(handle_.get(), in.data(), in.size(), out.data(), out.size(), &written));
        return written;
    }
    /// As above, into a new vector.
    std::vector<std::int16_t> process(span_view<std::int16_t> in) {
        std::vector<std::int16_t> out(max_output(in.size()));
        out.resize(process(in, mutable_span<std::int16_t>(out.data(), out.size())));
        return out;
    }
    /// Ends the stream: writes the held-back samples and resets for a new stream. Returns how many were written.
    std::size_t flush(mutable_span<std::int16_t> out) {
        std::size_t written = 0;
        detail::check(azaudio_resampler_flush(handle_.get(), out.data(), out.size(), &written));
        return written;
    }
    std::vector<std::int16_t> flush() {
        std::vector<std::int16_t> out(max_output(0));
        out.resize(flush(mutable_span<std::int16_t>(out.data(), out.size())));
        return out;
    }
    /// Drops held-back input and history: the next process() starts a new stream.
    void reset() { detail::check(azaudio_resampler_reset(handle_.get())); }

    azaudio_resampler *get() const noexcept { return handle_.get(); }

private:
    std::unique_ptr<azaudio_resampler, detail::releaser<azaudio_resampler, azaudio_resampler_destroy>> handle_;
};

/// A WAV format: what a writer needs.
struct wav_format {
    sample_format format = sample_format::pcm16;
    std::uint32_t sample_rate = 24000;
    std::uint32_t channels = 1;
};

/// A parsed WAV file's format and where its samples are (azaudio_wav_info).
struct wav_info : wav_format {
    std::uint32_t bits_per_sample = 0;
    std::uint32_t block_align = 0;
    std::uint64_t frame_count = 0;
    std::uint64_t data_offset = 0;  ///< byte offset of the first sample in the file or image
    std::uint64_t data_size = 0;    ///< bytes of samples
};

namespace detail {
inline wav_info from_c(const azaudio_wav_info &c) {
    wav_info w;
    w.format = static_cast<sample_format>(c.format);
    w.sample_rate = c.sample_rate;
    w.channels = c.channels;
    w.bits_per_sample = c.bits_per_sample;
    w.block_align = c.block_align;
    w.frame_count = c.frame_count;
    w.data_offset = c.data_offset;
    w.data_size = c.data_size;
    return w;
}
inline azaudio_wav_info to_c(const wav_format &f) {
    azaudio_wav_info c;
    AZAUDIO_INIT(wav_info, &c);
    c.format = static_cast<std::int32_t>(f.format);
    c.sample_rate = f.sample_rate;
    c.channels = f.channels;
    return c;
}
}  // namespace detail

/// Parses a WAV image in memory without copying: its samples are image[info.data_offset, +info.data_size).
/// Throws error (errc::protocol) for a malformed file, unsupported_error for another sample format.
inline wav_info wav_parse(byte_view image) {
    azaudio_wav_info c;
    AZAUDIO_INIT(wav_info, &c);
    detail::check(azaudio_wav_parse(image.data(), image.size(), &c));
    return detail::from_c(c);
}

/// The canonical 44-byte header for `format` and data_size bytes of samples (AZAUDIO_WAV_SIZE_UNKNOWN for a
/// stream whose size is not known).
inline std::array<std::uint8_t, AZAUDIO_WAV_HEADER_SIZE> wav_header(const wav_format &format, std::uint32_t data_size) {
    std::array<std::uint8_t, AZAUDIO_WAV_HEADER_SIZE> out{};
    azaudio_wav_info c = detail::to_c(format);
    detail::check(azaudio_wav_header(&c, data_size, out.data(), out.size()));
    return out;
}

/// Creates or replaces the WAV file at `path` holding `samples` (interleaved; little-endian PCM16).
inline void wav_write_file(std::string_view path, const wav_format &format, byte_view samples) {
    azaudio_wav_info c = detail::to_c(format);
    detail::check(azaudio_wav_write_file(detail::z(path).c_str(), &c, samples.data(), samples.size()));
}

/// Samples read from a WAV file or image (azaudio_audio_buffer), owned by the library.
class WavBuffer {
public:
    /// Reads the WAV file at `path`. Throws not_found_error, io_error, error (errc::protocol), unsupported_error.
    static WavBuffer read_file(std::string_view path) {
        azaudio_audio_buffer *b = nullptr;
        detail::check(azaudio_wav_read_file(detail::z(path).c_str(), &b));
        return WavBuffer(b);
    }
    /// Reads a WAV image in memory (copied: the caller's bytes may go away after the call).
    static WavBuffer read_memory(byte_view image) {
        azaudio_audio_buffer *b = nullptr;
        detail::check(azaudio_wav_read_memory(image.data(), image.size(), &b));
        return WavBuffer(b);
    }

    wav_info info() const {
        azaudio_wav_info c;
        AZAUDIO_INIT(wav_info, &c);
        detail::check(azaudio_audio_buffer_info(handle_.get(), &c));
        return detail::from_c(c);
    }
    /// The sample bytes as stored (interleaved), valid as long as the buffer.
    byte_view bytes() const noexcept {
        return byte_view(azaudio_audio_buffer_data(handle_.get()), azaudio_audio_buffer_size(handle_.get()));
    }
    const void *data() const noexcept { return azaudio_audio_buffer_data(handle_.get()); }
    std::size_t size() const noexcept { return azaudio_audio_buffer_size(handle_.get()); }
    /// The samples of a PCM16 file (interleaved if several channels). Throws invalid_argument_error otherwise.
    span_view<std::int16_t> samples() const {
        if (info().format != sample_format::pcm16)
            detail::throw_local(errc::invalid_argument, "WavBuffer::samples(): the file is not PCM16");
        return span_view<std::int16_t>(static_cast<const std::int16_t *>(data()), size() / sizeof(std::int16_t));
    }

    /// This audio as a new mono PCM16 buffer at sample_rate (0: this buffer's rate): channels averaged, then
    /// resampled (azaudio_audio_buffer_to_mono_pcm16). Throws unsupported_error when resampling is needed and a
    /// rate is outside 8000..192000.
    WavBuffer to_mono_pcm16(std::uint32_t sample_rate = 0) const {
        azaudio_audio_buffer *b = nullptr;
        detail::check(azaudio_audio_buffer_to_mono_pcm16(handle_.get(), sample_rate, &b));
        return WavBuffer(b);
    }

    azaudio_audio_buffer *get() const noexcept { return handle_.get(); }

private:
    explicit WavBuffer(azaudio_audio_buffer *b) noexcept : handle_(b) {}
    std::unique_ptr<azaudio_audio_buffer, detail::releaser<azaudio_audio_buffer, azaudio_audio_buffer_destroy>> handle_;
};

/// The size in bytes of one frame_ms frame of `format` at sample_rate with `channels` channels.
inline std::size_t frame_bytes(sample_format format, std::uint32_t sample_rate, std::uint32_t channels,
                               std::uint32_t frame_ms) {
    std::size_t bytes = 0;
    detail::check(azaudio_frame_bytes(static_cast<std::int32_t>(format), sample_rate, channels, frame_ms, &bytes));
    return bytes;
}

/// Cuts audio into fixed frames (a partial last frame is completed with silence). It borrows the audio, which must
/// outlive it. Not thread-safe. Typical pacing:
///     auto start = azaudio::monotonic_us();
///     while (auto frame = cursor.next()) { azaudio::sleep_until_us(start + frame->timestamp_us); send(frame->data); }
class FrameCursor {
public:
    struct frame {
        byte_view data;              ///< valid until the next call on the cursor
        std::uint64_t timestamp_us;  ///< the frame's start from the first frame
    };

    FrameCursor(sample_format format, std::uint32_t sample_rate, std::uint32_t channels, std::uint32_t frame_ms,
                byte_view audio) {
        azaudio_frame_cursor *c = nullptr;
        detail::check(azaudio_frame_cursor_create(static_cast<std::int32_t>(format), sample_rate, channels, frame_ms,
                                                  audio.data(), audio.size(), &c));
        handle_.reset(c);
    }
    /// The next frame, or nullopt after the last.
    std::optional<frame> next() {
        const void *data = nullptr;
        std::size_t size = 0;
        std::uint64_t ts = 0;
        detail::check(azaudio_frame_cursor_next(handle_.get(), &data, &size, &ts));
        if (!data) return std::nullopt;
        return frame{byte_view(data, size), ts};
    }
    std::size_t count() const noexcept { return azaudio_frame_cursor_count(handle_.get()); }
    void rewind() { detail::check(azaudio_frame_cursor_rewind(handle_.get())); }
    azaudio_frame_cursor *get() const noexcept { return handle_.get(); }

private:
    std::unique_ptr<azaudio_frame_cursor, detail::releaser<azaudio_frame_cursor, azaudio_frame_cursor_destroy>> handle_;
};

/// Microseconds of CLOCK_MONOTONIC, the clock of sleep_until_us().
inline std::uint64_t monotonic_us() noexcept { return azaudio_monotonic_us(); }
/// Sleeps until monotonic_us() reaches deadline_us.
inline void sleep_until_us(std::uint64_t deadline_us) noexcept { (void)azaudio_sleep_until_us(deadline_us); }

// ================================================================================================================
// Cancellation
// ================================================================================================================

/// Stops blocking calls from any thread (azaudio_cancel_token). Put its address in a call's options
/// (cancel_token); cancel() from another thread, or from the call's own callback, makes the call throw
/// cancelled_error promptly. It stays cancelled until reset(). It must outlive the calls that use it.
class CancelToken {
public:
    CancelToken() {
        azaudio_cancel_token *t = nullptr;
        detail::check(azaudio_cancel_token_create(&t));
        handle_.reset(t);
    }
    void cancel() const noexcept { azaudio_cancel_token_cancel(handle_.get()); }
    void reset() const noexcept { azaudio_cancel_token_reset(handle_.get()); }
    bool is_cancelled() const noexcept { return azaudio_cancel_token_is_cancelled(handle_.get()) != 0; }
    azaudio_cancel_token *get() const noexcept { return handle_.get(); }

private:
    std::unique_ptr<azaudio_cancel_token, detail::releaser<azaudio_cancel_token, azaudio_cancel_token_destroy>> handle_;
};

// ================================================================================================================
// Shared types of the REST calls
// ================================================================================================================

/// Receives text deltas (transcription, chat text or transcript) on the calling thread during the call; the view
/// is valid only during the callback. To stop the call early, cancel its CancelToken (or throw).
using text_callback = std::function<void(std::string_view text)>;
/// Receives audio bytes as they arrive, on the calling thread; valid only during the callback.
using audio_callback = std::function<void(byte_view audio)>;
/// Supplies audio still being produced: write up to buffer.size() bytes and return how many, 0 at the end.
/// May block until data is available. Runs on the calling thread.
using read_callback = std::function<std::size_t(mutable_span<std::uint8_t> buffer)>;
/// Upload progress of a transcription, translation or chat call: request body bytes sent and the total (0 while
/// unknown), on the calling thread, about every 100 ms plus once at the end (see azaudio_progress_fn). To stop the
/// call, cancel its CancelToken (or throw: the call stops and the exception is rethrown).
using progress_callback = std::function<void(std::uint64_t bytes_sent, std::uint64_t bytes_total)>;
/// Progress of a recording cut into pieces (see "Audio of any length" in azaudio.h); throwing stops the call.
using pieces_progress_callback =
    std::function<void(int pieces_done, int pieces_total, double seconds_done, double seconds_total)>;

/// A segment of a verbose_json or diarized_json transcript, or a word (start, end, text) of a verbose_json one.
struct transcript_segment {
    double start = 0;
    double end = 0;
    std::string text;
    std::string speaker;  ///< diarized_json: a known speaker's name or "A", "B", ...; else ""
    std::string id;       ///< the service's segment id, e.g. "seg_001"
};
/// Receives each completed segment of a streamed diarized transcription, on the calling thread.
using segment_callback = std::function<void(const transcript_segment &segment)>;

/// A speaker the diarizing model should label by name, with a 2-10 s reference clip from a file (`path`) or from
/// memory (`data`, with a `filename` whose extension names the format). See azaudio_known_speaker.
struct known_speaker {
    std::string name;
    std::string path;
    std::vector<std::uint8_t> data;
    std::string filename;
};

/// What a call consumed, as the service reported it (azaudio_usage); unreported numbers are nullopt.
struct usage {
    std::string type;  ///< "tokens", "duration" or "" when the service reported none
    std::optional<std::int64_t> input_tokens;
    std::optional<std::int64_t> output_tokens;
    std::optional<std::int64_t> total_tokens;
    std::optional<double> seconds;
};

/// The per-call settings every REST options struct carries.
struct call_options {
    const CancelToken *cancel_token = nullptr;         ///< nullptr: the call cannot be cancelled
    std::optional<std::chrono::milliseconds> timeout;  ///< unset: the client's; 0: no limit
    std::optional<int> max_retries;                    ///< unset: the client's
};

namespace detail {
template <class C>
inline void apply_call(C &c, const call_options &o) {
    c.cancel_token = o.cancel_token ? o.cancel_token->get() : nullptr;
    if (o.timeout) c.timeout_ms = static_cast<std::int64_t>(o.timeout->count());
    if (o.max_retries) c.max_retries = static_cast<std::int32_t>(*o.max_retries);
}

inline usage from_c(const azaudio_usage &u) {
    usage r;
    r.type = copy_string(u.type);
    if (u.input_tokens >= 0) r.input_tokens = u.input_tokens;
    if (u.output_tokens >= 0) r.output_tokens = u.output_tokens;
    if (u.total_tokens >= 0) r.total_tokens = u.total_tokens;
    if (u.seconds >= 0) r.seconds = u.seconds;
    return r;
}

/// The user data of the REST callback trampolines: the std::function and the call's exception slot.
template <class F>
struct callback_context {
    const F *fn;
    call_state *state;
};

inline std::int32_t text_trampoline(const char *text, std::size_t length, void *user_data) noexcept {
    auto *ctx = static_cast<callback_context<text_callback> *>(user_data);
    if (ctx->state->exception) return 1;
    try {
        (*ctx->fn)(std::string_view(text, length));
        return 0;
    } catch (...) {
        ctx->state->capture();
        return 1;  // stops the call
    }
}

inline std::int32_t segment_trampoline(const azaudio_segment *s, void *user_data) noexcept {
    auto *ctx = static_cast<callback_context<segment_callback> *>(user_data);
    if (ctx->state->exception) return 1;
    try {
        (*ctx->fn)(
            transcript_segment{s->start, s->end, copy_string(s->text), copy_string(s->speaker), copy_string(s->id)});
        return 0;
    } catch (...) {
        ctx->state->capture();
        return 1;  // stops the call
    }
}

inline std::int32_t progress_trampoline(std::uint64_t sent, std::uint64_t total, void *user_data) noexcept {
    auto *ctx = static_cast<callback_context<progress_callback> *>(user_data);
    if (ctx->state->exception) return 1;
    try {
        (*ctx->fn)(sent, total);
        return 0;
    } catch (...) {
        ctx->state->capture();
        return 1;  // stops the call
    }
}

inline std::int32_t pieces_progress_trampoline(std::int32_t done, std::int32_t total, double seconds,
                                               double seconds_total, void *user_data) noexcept {
    auto *ctx = static_cast<callback_context<pieces_progress_callback> *>(user_data);
    if (ctx->state->exception) return 1;
    try {
        (*ctx->fn)(done, total, seconds, seconds_total);
        return 0;
    } catch (...) {
        ctx->state->capture();
        return 1;  // stops every piece
    }
}

inline std::int32_t audio_trampoline(const std::uint8_t *data, std::size_t size, void *user_data) noexcept {
    auto *ctx = static_cast<callback_context<audio_callback> *>(user_data);
    if (ctx->state->exception) return 1;
    try {
        (*ctx->fn)(byte_view(data, size));
        return 0;
    } catch (...) {
        ctx->state->capture();
        return 1;
    }
}

inline std::int64_t read_trampoline(std::uint8_t *buffer, std::size_t capacity, void *user_data) noexcept {
    auto *ctx = static_cast<callback_context<read_callback> *>(user_data);
    if (ctx->state->exception) return -1;
    try {
        std::size_t n = (*ctx->fn)(mutable_span<std::uint8_t>(buffer, capacity));
        if (n > capacity) throw std::length_error("azaudio read callback returned more bytes than asked for");
        return static_cast<std::int64_t>(n);
    } catch (...) {
        ctx->state->capture();
        return -1;  // aborts the call
    }
}
}  // namespace detail

// ================================================================================================================
// Results: Transcript, ChatReply
// ================================================================================================================

/// A transcription or translation result (azaudio_transcript). Thread-safe to read.
class Transcript {
public:
    using segment = transcript_segment;

    /// The text (the whole body for the text, srt and vtt formats).
    std::string text() const { return detail::copy_string(azaudio_transcript_text(get())); }
    /// The reply body as received (for a stream: its final event's data).
    std::string raw_body() const {
        std::size_t size = 0;
        const char *b = azaudio_transcript_raw_body(get(), &size);
        return b ? std::string(b, size) : std::string();
    }
    /// The language (verbose_json), or "".
    std::string language() const { return detail::copy_string(azaudio_transcript_language(get())); }
    /// The audio's duration in seconds (verbose_json), or nullopt.
    std::optional<double> duration() const {
        double d = azaudio_transcript_duration(get());
        return d < 0 ? std::nullopt : std::optional<double>(d);
    }
    /// Segments of a verbose_json or diarized_json reply, with their speaker (empty otherwise).
    std::vector<segment> segments() const {
        std::vector<segment> out(azaudio_transcript_segment_count(get()));
        for (std::size_t i = 0; i < out.size(); i++) {
            azaudio_segment s{};
            s.struct_size = sizeof s;
            detail::check(azaudio_transcript_segment_info(get(), i, &s));
            out[i] = segment{s.start, s.end, detail::copy_string(s.text), detail::copy_string(s.speaker),
                             detail::copy_string(s.id)};
        }
        return out;
    }
    /// Words of a verbose_json reply with word timestamps (empty otherwise).
    std::vector<segment> words() const {
        std::vector<segment> out(azaudio_transcript_word_count(get()));
        for (std::size_t i = 0; i < out.size(); i++) {
            const char *text = nullptr;
            detail::check(azaudio_transcript_word(get(), i, &out[i].start, &out[i].end, &text));
            out[i].text = detail::copy_string(text);
        }
        return out;
    }
    std::size_t logprob_count() const noexcept { return azaudio_transcript_logprob_count(get()); }
    azaudio::usage usage() const {
        azaudio_usage u{};
        u.struct_size = sizeof u;
        detail::check(azaudio_transcript_usage(get(), &u));
        return detail::from_c(u);
    }
    int http_status() const noexcept { return azaudio_transcript_http_status(get()); }
    std::string request_id() const { return detail::copy_string(azaudio_transcript_request_id(get())); }

    azaudio_transcript *get() const noexcept { return handle_.get(); }
    /// Takes ownership of a result made by the C API.
    explicit Transcript(azaudio_transcript *t) noexcept : handle_(t) {}

private:
    std::unique_ptr<azaudio_transcript, detail::releaser<azaudio_transcript, azaudio_transcript_free>> handle_;
};

/// An audio chat completion's reply (azaudio_chat_reply). Thread-safe to read.
class ChatReply {
public:
    /// The text content ("" when the reply was spoken: see transcript()).
    std::string text() const { return detail::copy_string(azaudio_chat_reply_text(get())); }
    /// The spoken reply's transcript, or "".
    std::string transcript() const { return detail::copy_string(azaudio_chat_reply_transcript(get())); }
    /// The spoken reply's audio in the requested format, without a copy: valid as long as the reply.
    byte_view audio_view() const noexcept {
        std::size_t size = 0;
        const std::uint8_t *a = azaudio_chat_reply_audio(get(), &size);
        return a ? byte_view(a, size) : byte_view();
    }
    /// The spoken reply's audio (a copy), empty when there is none.
    std::vector<std::uint8_t> audio() const { return audio_view().to_vector(); }
    /// The audio's id (for ChatConversation::add_assistant_audio()), or "".
    std::string audio_id() const { return detail::copy_string(azaudio_chat_reply_audio_id(get())); }
    /// Unix time after which the service forgets the audio id, or 0.
    std::int64_t audio_expires_at() const noexcept { return azaudio_chat_reply_audio_expires_at(get()); }
    std::string finish_reason() const { return detail::copy_string(azaudio_chat_reply_finish_reason(get())); }
    azaudio::usage usage() const {
        azaudio_usage u{};
        u.struct_size = sizeof u;
        detail::check(azaudio_chat_reply_usage(get(), &u));
        return detail::from_c(u);
    }
    /// The body as received ("" for a streamed reply).
    std::string raw_body() const {
        std::size_t size = 0;
        const char *b = azaudio_chat_reply_raw_body(get(), &size);
        return b ? std::string(b, size) : std::string();
    }
    int http_status() const noexcept { return azaudio_chat_reply_http_status(get()); }
    std::string request_id() const { return detail::copy_string(azaudio_chat_reply_request_id(get())); }

    azaudio_chat_reply *get() const noexcept { return handle_.get(); }
    /// Takes ownership of a reply made by the C API.
    explicit ChatReply(azaudio_chat_reply *r) noexcept : handle_(r) {}

private:
    std::unique_ptr<azaudio_chat_reply, detail::releaser<azaudio_chat_reply, azaudio_chat_reply_free>> handle_;
};

/// The message list sent to an audio chat model (azaudio_chat). Thread-safe. The add functions return *this.
class ChatConversation {
public:
    ChatConversation() {
        azaudio_chat *c = nullptr;
        detail::check(azaudio_chat_create(&c));
        handle_.reset(c);
    }
    /// Appends a message ("system", "developer", "user" or "assistant") with a text part.
    ChatConversation &add_message(std::string_view role, std::string_view text) {
        detail::check(azaudio_chat_add_message(get(), detail::z(role).c_str(), detail::z(text).c_str()));
        return *this;
    }
    /// Appends a message without text (add audio to it next).
    ChatConversation &add_message(std::string_view role) {
        detail::check(azaudio_chat_add_message(get(), detail::z(role).c_str(), nullptr));
        return *this;
    }
    /// Appends audio ("wav" or "mp3", copied) to the last message, which must be a user message.
    ChatConversation &add_audio(byte_view audio, std::string_view format) {
        detail::check(azaudio_chat_add_audio(get(), audio.data(), audio.size(), detail::z(format).c_str()));
        return *this;
    }
    /// Appends the contents of a .wav or .mp3 file (read now) to the last message, a user message.
    ChatConversation &add_audio_file(std::string_view path) {
        detail::check(azaudio_chat_add_audio_file(get(), detail::z(path).c_str()));
        return *this;
    }
    /// Appends an assistant message referring to an earlier reply's audio by its id.
    ChatConversation &add_assistant_audio(std::string_view audio_id) {
        detail::check(azaudio_chat_add_assistant_audio(get(), detail::z(audio_id).c_str()));
        return *this;
    }
    /// Appends a reply as the assistant's turn (by its audio id when it has one, else its text).
    ChatConversation &add_reply(const ChatReply &reply) {
        detail::check(azaudio_chat_add_reply(get(), reply.get()));
        return *this;
    }
    std::size_t size() const noexcept { return azaudio_chat_message_count(get()); }
    void clear() noexcept { azaudio_chat_clear(get()); }

    azaudio_chat *get() const noexcept { return handle_.get(); }

private:
    std::unique_ptr<azaudio_chat, detail::releaser<azaudio_chat, azaudio_chat_destroy>> handle_;
};

// ================================================================================================================
// Options of the REST calls (see azaudio.h for each field's meaning; unset optionals keep the C defaults)
// ================================================================================================================

/// Bits of transcription_options::timestamp_granularities (they need response_format "verbose_json").
enum timestamp_granularity : int {
    timestamp_segment = AZAUDIO_TIMESTAMP_SEGMENT,
    timestamp_word = AZAUDIO_TIMESTAMP_WORD
};

/// Audio of any length (see that section of azaudio.h): when and how a long recording is cut into pieces.
struct pieces_options {
    std::optional<std::int64_t> max_upload_bytes;  ///< unset: 26214400; 0: never cut
    std::optional<double> max_piece_seconds;       ///< unset: the model's ceiling
    std::optional<int> concurrency;                ///< 1..16; unset: 4
    bool wav = false;                              ///< true: pieces as 16-bit WAV instead of FLAC
    std::optional<std::string> journal_dir;        ///< answered pieces kept here for a resumed call
    pieces_progress_callback on_progress;
    std::optional<std::int64_t> job_timeout_ms;  ///< the whole call, every piece included; unset: no limit
    /// When the call throws after some pieces were answered, their merged result is stored here (left empty
    /// otherwise). Point it at a std::optional<Transcript> that outlives the call; nullptr: not kept.
    std::optional<Transcript> *partial = nullptr;
    int raw_format = 0;       ///< headerless PCM: an AZAUDIO_FORMAT_* value; 0: a file format
    int raw_sample_rate = 0;  ///< with raw_format
    int raw_channels = 1;     ///< with raw_format (interleaved)
};

struct transcription_options : call_options {
    std::string deployment;               ///< required
    std::optional<std::string> model;     ///< for the local checks; unset: the deployment's name
    std::optional<std::string> language;  ///< ISO-639-1; unset: detected
    std::optional<std::string> prompt;
    std::optional<std::string> response_format;  ///< "json" (default), "text", "srt", "vtt", "verbose_json",
                                                 ///< "diarized_json"
    std::optional<double> temperature;           ///< 0..1
    int timestamp_granularities = 0;             ///< timestamp_segment | timestamp_word
    bool include_logprobs = false;
    std::optional<std::string> chunking_strategy;  ///< "auto" or a server_vad JSON object
    bool stream = false;                           ///< gpt-4o-*-transcribe: deltas to on_delta
    text_callback on_delta;
    progress_callback on_progress;              ///< upload progress
    std::vector<known_speaker> known_speakers;  ///< diarized_json (gpt-4o-transcribe-diarize): up to 4
    segment_callback on_segment;                ///< with stream and diarized_json: each completed segment
    std::vector<std::string> languages;         ///< gpt-transcribe: candidate languages (ISO-639-1)
    std::vector<std::string> keywords;          ///< gpt-transcribe: words or phrases that guide recognition
    pieces_options pieces;                      ///< audio over the upload limit
};

struct translation_options : call_options {
    std::string deployment;  ///< required
    std::optional<std::string> model;
    std::optional<std::string> prompt;  ///< in English
    std::optional<std::string> response_format;
    std::optional<double> temperature;
    progress_callback on_progress;  ///< upload progress
    pieces_options pieces;          ///< audio over the upload limit
};

struct speech_options : call_options {
    std::string deployment;  ///< required
    std::optional<std::string> model;
    std::optional<std::string> voice;            ///< unset: alloy
    std::optional<std::string> response_format;  ///< "mp3", "opus", "aac", "flac", "wav", "pcm"
    std::optional<double> speed;                 ///< 0.25..4.0
    std::optional<std::string> instructions;     ///< gpt-4o-mini-tts
    std::optional<std::string> stream_format;    ///< "audio" or "sse"
};

struct chat_options : call_options {
    std::string deployment;  ///< required
    std::optional<std::string> model;
    bool audio_output = true;  ///< false: a text-only reply
    std::optional<std::string> voice;
    std::optional<std::string> audio_format;  ///< "wav", "aac", "mp3", "flac", "opus", "pcm16"
    std::optional<int> max_completion_tokens;
    std::optional<double> temperature;  ///< 0..2
    bool stream = false;                ///< stream the reply: the callbacks get its deltas
    text_callback on_text;              ///< text content deltas
    text_callback on_transcript;        ///< transcript deltas of the spoken reply
    progress_callback on_progress;      ///< upload progress of the request (its audio)
    audio_callback on_audio;            ///< decoded audio deltas
};

// ================================================================================================================
// The client
// ================================================================================================================

enum class log_level : std::int32_t {
    error = AZAUDIO_LOG_ERROR,
    warn = AZAUDIO_LOG_WARN,
    info = AZAUDIO_LOG_INFO,
    debug = AZAUDIO_LOG_DEBUG,
};

/// Supplies an Entra ID access token; `refresh` is true after the service rejected the last one (401).
/// Runs on the thread making the request. Cache tokens: it is called before each request.
using token_provider = std::function<std::string(bool refresh)>;
/// Receives log lines on whichever thread does the work; must not block. Exceptions it throws are dropped.
using log_callback = std::function<void(log_level level, std::string_view message)>;

/// How to reach and authenticate with an Azure OpenAI resource (azaudio_client_options).
struct client_options {
    std::string endpoint;                ///< required (not for Client::from_env)
    std::optional<std::string> api_key;  ///< exactly one credential
    std::optional<std::string> bearer_token;
    azaudio::token_provider token_provider;
    std::optional<std::string> api_version;  ///< unset: AZAUDIO_DEFAULT_API_VERSION; "v1"; ...
    std::optional<std::chrono::milliseconds> connect_timeout;
    std::optional<std::chrono::milliseconds> timeout;  ///< whole call; 0: no limit (the default)
    std::optional<int> max_retries;
    std::optional<std::chrono::milliseconds> max_retry_wait;
    std::optional<std::string> ca_file;
    std::optional<std::string> ca_path;
    bool insecure_skip_tls_verify = false;
    std::optional<std::string> proxy;          ///< "" disables proxies
    std::optional<std::string> proxy_ca_file;  ///< verifies an HTTPS proxy's own certificate; unset: the system's
    std::optional<std::string> user_agent_suffix;
    log_callback on_log;
    std::optional<log_level> min_log_level;  ///< unset: warn
};

namespace detail {
/// The client's callbacks: on the heap so that they keep their address when the Client moves.
struct client_callbacks {
    azaudio::token_provider token;
    log_callback log;
};

/// A token provider's exception, kept on the thread that ran it until the call that made the request returns.
inline std::exception_ptr &token_exception() noexcept {
    static thread_local std::exception_ptr e;
    return e;
}
/// A token that did not fit the library's buffer, for its second call.
struct pending_token {
    const client_callbacks *owner = nullptr;
    std::string token;
};
inline pending_token &token_pending() noexcept {
    static thread_local pending_token p;
    return p;
}

inline std::int64_t token_trampoline(std::int32_t reason, char *buffer, std::size_t size, void *user_data) noexcept {
    auto *cb = static_cast<client_callbacks *>(user_data);
    try {
        pending_token &p = token_pending();
        std::string token;
        if (p.owner == cb) {
            token = std::move(p.token);
            p = pending_token{};
        } else {
            token = cb->token(reason == AZAUDIO_TOKEN_REFRESH);
        }
        if (token.size() + 1 > size) {
            p.owner = cb;
            p.token = token;
            return static_cast<std::int64_t>(token.size());
        }
        std::memcpy(buffer, token.data(), token.size());
        buffer[token.size()] = '\0';
        return static_cast<std::int64_t>(token.size());
    } catch (...) {
        if (!token_exception()) token_exception() = std::current_exception();
        return -1;  // fails the request with AZAUDIO_ERR_AUTH
    }
}

inline void log_trampoline(std::int32_t level, const char *message, void *user_data) noexcept {
    auto *cb = static_cast<client_callbacks *>(user_data);
    try {
        cb->log(static_cast<log_level>(level), message ? std::string_view(message) : std::string_view());
    } catch (...) {
        // nowhere to report it: logging must not break the call
    }
}

/// Runs a C call made through a client: clears the thread's token-provider exception first, and afterwards
/// rethrows a callback's or the token provider's exception, else throws for a failure.
template <class F>
inline void run_call(const azaudio_client *client, call_state &state, F &&c_call) {
    token_exception() = nullptr;
    token_pending() = pending_token{};
    azaudio_result rc = c_call();
    if (!state.exception && token_exception()) state.exception = std::exchange(token_exception(), nullptr);
    state.finish(rc, client);
}
}  // namespace detail

/// A client (azaudio_client): an endpoint, credentials and connection settings, with the connections it keeps
/// open. Create one per endpoint and share it across threads; every call is thread-safe. Destroy it (let it go
/// out of scope) only once no call is running with it.
class Client {
public:
    /// Throws invalid_argument_error (bad endpoint, missing or conflicting credentials, bad option values).
    explicit Client(const client_options &options) { create(options, false); }

    Client(Client &&) noexcept = default;
    /// Destroys the client held before (no call may be running with it), then takes `other`'s.
    Client &operator=(Client &&other) noexcept {
        if (this == &other) return *this;
        Client old(std::move(*this));  // destroyed at the end, handle before callbacks
        callbacks_ = std::move(other.callbacks_);
        handle_ = std::move(other.handle_);
        return *this;
    }
    ~Client() = default;

    /// A client from AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN and OPENAI_API_VERSION;
    /// `options` gives the other settings (its endpoint and credentials must be unset).
    static Client from_env(const client_options &options = client_options()) {
        Client c;
        c.create(options, true);
        return c;
    }

    /// The normalised endpoint, e.g. "https://name.openai.azure.com".
    std::string endpoint() const { return detail::copy_string(azaudio_client_endpoint(get())); }
    /// The details of the last failed call made with this client on this thread.
    error_details last_error() const { return detail::last_error_details(get()); }

    // ---- SIP calls answered by the service (see verify_webhook() and IncomingCall) --------------------------

    /// How to accept a call: `deployment` answers (with optional instructions and voice, a name or a custom
    /// "voice_..." id), or `session_json` is the whole GA session object.
    struct call_accept_options : call_options {
        std::string deployment;
        std::optional<std::string> instructions;
        std::optional<std::string> voice;
        std::optional<std::string> session_json;
    };
    /// Accepts an incoming call with a realtime session.
    void accept_call(std::string_view call_id, const call_accept_options &options) const {
        azaudio_call_accept_options o;
        AZAUDIO_INIT(call_accept_options, &o);
        o.deployment = options.deployment.empty() ? nullptr : options.deployment.c_str();
        o.instructions = detail::opt_c_str(options.instructions);
        o.voice = detail::opt_c_str(options.voice);
        o.session_json = detail::opt_c_str(options.session_json);
        detail::apply_call(o, options);
        std::string id(call_id);
        detail::call_state state;
        detail::run_call(get(), state, [&] { return azaudio_call_accept(get(), id.c_str(), &o); });
    }
    /// Rejects a ringing call with a SIP status (400-699; 0: the service's 603 Decline).
    void reject_call(std::string_view call_id, int sip_status = 0) const {
        std::string id(call_id);
        detail::check(azaudio_call_reject(get(), id.c_str(), sip_status), get());
    }
    /// Transfers an accepted call (SIP REFER) to a tel:, sip: or sips: URI.
    void refer_call(std::string_view call_id, std::string_view target_uri) const {
        std::string id(call_id), target(target_uri);
        detail::check(azaudio_call_refer(get(), id.c_str(), target.c_str()), get());
    }
    /// Ends a call.
    void hangup_call(std::string_view call_id) const {
        std::string id(call_id);
        detail::check(azaudio_call_hangup(get(), id.c_str()), get());
    }

    // ---- Speech to text -------------------------------------------------------------------------------------

    /// Transcribes an audio file (streamed from disk; its extension gives the format).
    Transcript transcribe_file(std::string_view path, const transcription_options &options) const {
        return transcription(options, [&](const azaudio_transcription_options *o, azaudio_transcript **out) {
            return azaudio_transcribe_file(get(), detail::z(path).c_str(), o, out);
        });
    }
    /// Transcribes audio in memory; `filename` (e.g. "call.wav") gives the format.
    Transcript transcribe(byte_view audio, std::string_view filename, const transcription_options &options) const {
        return transcription(options, [&](const azaudio_transcription_options *o, azaudio_transcript **out) {
            return azaudio_transcribe_memory(get(), audio.data(), audio.size(), detail::z(filename).c_str(), o, out);
        });
    }
    /// Transcribes audio from `read` while it is produced (chunked upload; not retried once read has run).
    Transcript transcribe(const read_callback &read, std::string_view filename,
                          const transcription_options &options) const {
        return transcription(
            options, [&](const azaudio_transcription_options *o, azaudio_transcript **out, detail::call_state &state) {
                detail::callback_context<read_callback> ctx{&read, &state};
                return azaudio_transcribe_callback(get(), detail::z(filename).c_str(), o, out, &detail::read_trampoline,
                                                   &ctx);
            });
    }

    // ---- Translation ----------------------------------------------------------------------------------------

    Transcript translate_file(std::string_view path, const translation_options &options) const {
        return translation(options, [&](const azaudio_translation_options *o, azaudio_transcript **out) {
            return azaudio_translate_file(get(), detail::z(path).c_str(), o, out);
        });
    }
    Transcript translate(byte_view audio, std::string_view filename, const translation_options &options) const {
        return translation(options, [&](const azaudio_translation_options *o, azaudio_transcript **out) {
            return azaudio_translate_memory(get(), audio.data(), audio.size(), detail::z(filename).c_str(), o, out);
        });
    }
    Transcript translate(const read_callback &read, std::string_view filename,
                         const translation_options &options) const {
        return translation(
            options, [&](const azaudio_translation_options *o, azaudio_transcript **out, detail::call_state &state) {
                detail::callback_context<read_callback> ctx{&read, &state};
                return azaudio_translate_callback(get(), detail::z(filename).c_str(), o, out, &detail::read_trampoline,
                                                  &ctx);
            });
    }

    // ---- Text to speech -------------------------------------------------------------------------------------

    /// Speaks `text`, giving each chunk of audio to on_audio as it arrives (on this thread).
    void speak(std::string_view text, const speech_options &options, const audio_callback &on_audio) const {
        azaudio_speech_options o = speech_c(options);
        detail::call_state state;
        detail::callback_context<audio_callback> ctx{&on_audio, &state};
        std::string t(text);
        detail::run_call(get(), state,
                         [&] { return azaudio_speak(get(), t.c_str(), &o, &detail::audio_trampoline, &ctx); });
    }
    /// Speaks `text` into one buffer.
    std::vector<std::uint8_t> speak(std::string_view text, const speech_options &options) const {
        azaudio_speech_options o = speech_c(options);
        detail::call_state state;
        std::uint8_t *data = nullptr;
        std::size_t size = 0;
        std::string t(text);
        detail::run_call(get(), state, [&] { return azaudio_speak_to_buffer(get(), t.c_str(), &o, &data, &size); });
        std::unique_ptr<std::uint8_t, detail::releaser<void, azaudio_free>> owned(data);
        return std::vector<std::uint8_t>(data, data + size);
    }
    /// Speaks `text` into the file at `path`, written as the audio arrives (removed on failure).
    void speak_to_file(std::string_view text, std::string_view path, const speech_options &options) const {
        azaudio_speech_options o = speech_c(options);
        detail::call_state state;
        std::string t(text), p(path);
        detail::run_call(get(), state, [&] { return azaudio_speak_to_file(get(), t.c_str(), p.c_str(), &o); });
    }

    // ---- Audio chat completions -----------------------------------------------------------------------------

    /// Sends the conversation (unchanged: add the reply to continue it) and returns the reply. With
    /// options.stream the callbacks receive its deltas on this thread as they arrive.
    ChatReply chat(const ChatConversation &conversation, const chat_options &options) const {
        azaudio_chat_options o;
        AZAUDIO_INIT(chat_options, &o);
        o.deployment = options.deployment.c_str();
        o.model = detail::opt_c_str(options.model);
        o.audio_output = options.audio_output ? 1 : 0;
        o.voice = detail::opt_c_str(options.voice);
        o.audio_format = detail::opt_c_str(options.audio_format);
        if (options.max_completion_tokens) o.max_completion_tokens = *options.max_completion_tokens;
        if (options.temperature) o.temperature = *options.temperature;
        o.stream = options.stream ? 1 : 0;
        detail::call_state state;
        detail::callback_context<text_callback> text_ctx{&options.on_text, &state};
        detail::callback_context<text_callback> transcript_ctx{&options.on_transcript, &state};
        detail::callback_context<audio_callback> audio_ctx{&options.on_audio, &state};
        if (options.on_text) {
            o.on_text = &detail::text_trampoline;
            o.text_user_data = &text_ctx;
        }
        if (options.on_transcript) {
            o.on_transcript = &detail::text_trampoline;
            o.transcript_user_data = &transcript_ctx;
        }
        if (options.on_audio) {
            o.on_audio = &detail::audio_trampoline;
            o.audio_user_data = &audio_ctx;
        }
        detail::callback_context<progress_callback> progress_ctx{&options.on_progress, &state};
        if (options.on_progress) {
            o.on_progress = &detail::progress_trampoline;
            o.progress_user_data = &progress_ctx;
        }
        detail::apply_call(o, options);
        azaudio_chat_reply *reply = nullptr;
        detail::run_call(get(), state, [&] { return azaudio_chat_complete(get(), conversation.get(), &o, &reply); });
        return ChatReply(reply);
    }

    azaudio_client *get() const noexcept { return handle_.get(); }

private:
    Client() = default;

    void create(const client_options &options, bool from_env) {
        azaudio_client_options o;
        AZAUDIO_INIT(client_options, &o);
        auto callbacks = std::make_unique<detail::client_callbacks>();
        if (!from_env) {
            o.endpoint = options.endpoint.c_str();
            o.api_key = detail::opt_c_str(options.api_key);
            o.bearer_token = detail::opt_c_str(options.bearer_token);
        } else if (!options.endpoint.empty() || options.api_key || options.bearer_token || options.token_provider) {
            detail::throw_local(errc::invalid_argument,
                                "Client::from_env: the endpoint and credentials come from the environment; leave "
                                "them unset in the options");
        }
        if (options.token_provider) {
            callbacks->token = options.token_provider;
            o.token_provider = &detail::token_trampoline;
            o.token_provider_user_data = callbacks.get();
        }
        o.api_version = detail::opt_c_str(options.api_version);
        if (options.connect_timeout)
            o.connect_timeout_ms = static_cast<std::uint32_t>(options.connect_timeout->count());
        if (options.timeout) o.timeout_ms = static_cast<std::uint32_t>(options.timeout->count());
        if (options.max_retries) o.max_retries = *options.max_retries;
        if (options.max_retry_wait) o.max_retry_wait_ms = static_cast<std::uint32_t>(options.max_retry_wait->count());
        o.ca_file = detail::opt_c_str(options.ca_file);
        o.ca_path = detail::opt_c_str(options.ca_path);
        o.insecure_skip_tls_verify = options.insecure_skip_tls_verify ? 1 : 0;
        o.proxy = detail::opt_c_str(options.proxy);
        o.proxy_ca_file = detail::opt_c_str(options.proxy_ca_file);
        o.user_agent_suffix = detail::opt_c_str(options.user_agent_suffix);
        if (options.on_log) {
            callbacks->log = options.on_log;
            o.log_callback = &detail::log_trampoline;
            o.log_user_data = callbacks.get();
        }
        if (options.min_log_level) o.log_level = static_cast<std::int32_t>(*options.min_log_level);
        azaudio_client *c = nullptr;
        detail::check(from_env ? azaudio_client_create_from_env(&o, &c) : azaudio_client_create(&o, &c));
        callbacks_ = std::move(callbacks);
        handle_.reset(c);
    }

    static azaudio_speech_options speech_c(const speech_options &options) {
        azaudio_speech_options o;
        AZAUDIO_INIT(speech_options, &o);
        o.deployment = options.deployment.c_str();
        o.model = detail::opt_c_str(options.model);
        o.voice = detail::opt_c_str(options.voice);
        o.response_format = detail::opt_c_str(options.response_format);
        if (options.speed) o.speed = *options.speed;
        o.instructions = detail::opt_c_str(options.instructions);
        o.stream_format = detail::opt_c_str(options.stream_format);
        detail::apply_call(o, options);
        return o;
    }

    template <class F>
    Transcript transcription(const transcription_options &options, F &&c_call) const {
        azaudio_transcription_options o;
        AZAUDIO_INIT(transcription_options, &o);
        o.deployment = options.deployment.c_str();
        o.model = detail::opt_c_str(options.model);
        o.language = detail::opt_c_str(options.language);
        o.prompt = detail::opt_c_str(options.prompt);
        o.response_format = detail::opt_c_str(options.response_format);
        if (options.temperature) o.temperature = *options.temperature;
        o.timestamp_granularities = options.timestamp_granularities;
        o.include_logprobs = options.include_logprobs ? 1 : 0;
        o.chunking_strategy = detail::opt_c_str(options.chunking_strategy);
        o.stream = options.stream ? 1 : 0;
        detail::call_state state;
        detail::callback_context<text_callback> ctx{&options.on_delta, &state};
        if (options.on_delta) {
            o.on_delta = &detail::text_trampoline;
            o.delta_user_data = &ctx;
        }
        detail::callback_context<progress_callback> progress_ctx{&options.on_progress, &state};
        if (options.on_progress) {
            o.on_progress = &detail::progress_trampoline;
            o.progress_user_data = &progress_ctx;
        }
        std::vector<azaudio_known_speaker> speakers;
        for (const auto &k : options.known_speakers) {
            azaudio_known_speaker c{};
            c.name = k.name.c_str();
            c.path = k.path.empty() ? nullptr : k.path.c_str();
            c.data = k.path.empty() ? k.data.data() : nullptr;
            c.size = k.data.size();
            c.filename = k.filename.empty() ? nullptr : k.filename.c_str();
            speakers.push_back(c);
        }
        o.known_speakers = speakers.empty() ? nullptr : speakers.data();
        o.known_speaker_count = speakers.size();
        detail::callback_context<segment_callback> segment_ctx{&options.on_segment, &state};
        if (options.on_segment) {
            o.on_segment = &detail::segment_trampoline;
            o.segment_user_data = &segment_ctx;
        }
        std::vector<const char *> languages, keywords;
        for (const auto &l : options.languages) languages.push_back(l.c_str());
        for (const auto &k : options.keywords) keywords.push_back(k.c_str());
        o.languages = languages.empty() ? nullptr : languages.data();
        o.language_count = languages.size();
        o.keywords = keywords.empty() ? nullptr : keywords.data();
        o.keyword_count = keywords.size();
        detail::callback_context<pieces_progress_callback> pieces_ctx{&options.pieces.on_progress, &state};
        apply_pieces(o, options.pieces, pieces_ctx);
        detail::apply_call(o, options);
        azaudio_transcript *out = nullptr;
        run_pieces_call(o, options.pieces, state, [&] { return invoke_c(c_call, &o, &out, state); });
        return Transcript(out);
    }

    template <class F>
    Transcript translation(const translation_options &options, F &&c_call) const {
        azaudio_translation_options o;
        AZAUDIO_INIT(translation_options, &o);
        o.deployment = options.deployment.c_str();
        o.model = detail::opt_c_str(options.model);
        o.prompt = detail::opt_c_str(options.prompt);
        o.response_format = detail::opt_c_str(options.response_format);
        if (options.temperature) o.temperature = *options.temperature;
        detail::apply_call(o, options);
        detail::call_state state;
        detail::callback_context<progress_callback> progress_ctx{&options.on_progress, &state};
        if (options.on_progress) {
            o.on_progress = &detail::progress_trampoline;
            o.progress_user_data = &progress_ctx;
        }
        detail::callback_context<pieces_progress_callback> pieces_ctx{&options.pieces.on_progress, &state};
        apply_pieces(o, options.pieces, pieces_ctx);
        azaudio_transcript *out = nullptr;
        run_pieces_call(o, options.pieces, state, [&] { return invoke_c(c_call, &o, &out, state); });
        return Transcript(out);
    }

    template <class O>
    static void apply_pieces(O &o, const pieces_options &p, detail::callback_context<pieces_progress_callback> &ctx) {
        if (p.max_upload_bytes) o.max_upload_bytes = *p.max_upload_bytes;
        if (p.max_piece_seconds) o.max_piece_seconds = *p.max_piece_seconds;
        if (p.concurrency) o.max_concurrent_pieces = *p.concurrency;
        o.piece_encoding = p.wav ? AZAUDIO_PIECE_WAV : AZAUDIO_PIECE_FLAC;
        o.journal_dir = detail::opt_c_str(p.journal_dir);
        if (p.job_timeout_ms) o.job_timeout_ms = *p.job_timeout_ms;
        o.raw_format = p.raw_format;
        o.raw_sample_rate = p.raw_sample_rate;
        o.raw_channels = p.raw_channels;
        if (p.partial) p.partial->reset();
        if (p.on_progress) {
            o.on_pieces_progress = &detail::pieces_progress_trampoline;
            o.pieces_progress_user_data = &ctx;
        }
    }

    /// Runs a transcription or translation call, keeping a failed call's partial result where pieces_options asks.
    template <class O, class F>
    void run_pieces_call(O &o, const pieces_options &p, detail::call_state &state, F &&call) const {
        azaudio_transcript *partial = nullptr;
        o.out_partial = &partial;
        detail::run_call(get(), state, [&] {
            azaudio_result rc = call();
            if (partial && p.partial)
                p.partial->emplace(partial);
            else if (partial)
                azaudio_transcript_free(partial);
            return rc;
        });
    }

    /// Calls c_call(options, out) or, for the callback forms, c_call(options, out, state).
    template <class F, class O>
    static azaudio_result invoke_c(F &c_call, const O *o, azaudio_transcript **out, detail::call_state &state) {
        if constexpr (std::is_invocable_v<F &, const O *, azaudio_transcript **, detail::call_state &>)
            return c_call(o, out, state);
        else
            return c_call(o, out);
    }

    // callbacks_ before handle_: members are destroyed in reverse order, so the C client (which may still log
    // while it shuts down) goes first.
    std::unique_ptr<detail::client_callbacks> callbacks_;
    std::unique_ptr<azaudio_client, detail::releaser<azaudio_client, azaudio_client_destroy>> handle_;
};

// ================================================================================================================
// Realtime sessions (declared when azaudio.h has its realtime section)
// ================================================================================================================

#ifdef AZAUDIO_EVENT_CLOSED

/// azaudio_realtime_options.protocol.
enum class realtime_protocol : std::int32_t {
    ga = AZAUDIO_REALTIME_GA,            ///< {endpoint}/openai/v1/realtime?model=DEPLOYMENT (default)
    preview = AZAUDIO_REALTIME_PREVIEW,  ///< {endpoint}/openai/realtime?api-version=V&deployment=D
};

/// azaudio_realtime_options.turn_detection.
enum class turn_detection_mode : std::int32_t {
    server_vad = AZAUDIO_TURN_SERVER_VAD,
    semantic_vad = AZAUDIO_TURN_SEMANTIC_VAD,
    none = AZAUDIO_TURN_NONE,  ///< the caller commits and asks for responses
};

/// Event types (AZAUDIO_EVENT_*), same numbers.
enum class event_type : std::int32_t {
    other = AZAUDIO_EVENT_OTHER,
    session_created = AZAUDIO_EVENT_SESSION_CREATED,
    session_updated = AZAUDIO_EVENT_SESSION_UPDATED,
    audio_delta = AZAUDIO_EVENT_AUDIO_DELTA,
    audio_done = AZAUDIO_EVENT_AUDIO_DONE,
    audio_transcript_delta = AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DELTA,
    audio_transcript_done = AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DONE,
    text_delta = AZAUDIO_EVENT_TEXT_DELTA,
    text_done = AZAUDIO_EVENT_TEXT_DONE,
    input_transcription_delta = AZAUDIO_EVENT_INPUT_TRANSCRIPTION_DELTA,
    input_transcription_completed = AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED,
    input_transcription_failed = AZAUDIO_EVENT_INPUT_TRANSCRIPTION_FAILED,
    speech_started = AZAUDIO_EVENT_SPEECH_STARTED,
    speech_stopped = AZAUDIO_EVENT_SPEECH_STOPPED,
    input_committed = AZAUDIO_EVENT_INPUT_COMMITTED,
    input_cleared = AZAUDIO_EVENT_INPUT_CLEARED,
    response_created = AZAUDIO_EVENT_RESPONSE_CREATED,
    response_done = AZAUDIO_EVENT_RESPONSE_DONE,
    function_call = AZAUDIO_EVENT_FUNCTION_CALL,
    function_call_arguments_delta = AZAUDIO_EVENT_FUNCTION_CALL_ARGUMENTS_DELTA,
    item_created = AZAUDIO_EVENT_ITEM_CREATED,
    item_done = AZAUDIO_EVENT_ITEM_DONE,
    item_truncated = AZAUDIO_EVENT_ITEM_TRUNCATED,
    item_deleted = AZAUDIO_EVENT_ITEM_DELETED,
    item_retrieved = AZAUDIO_EVENT_ITEM_RETRIEVED,
    output_item_added = AZAUDIO_EVENT_OUTPUT_ITEM_ADDED,
    output_item_done = AZAUDIO_EVENT_OUTPUT_ITEM_DONE,
    content_part_added = AZAUDIO_EVENT_CONTENT_PART_ADDED,
    content_part_done = AZAUDIO_EVENT_CONTENT_PART_DONE,
    rate_limits_updated = AZAUDIO_EVENT_RATE_LIMITS_UPDATED,
    error = AZAUDIO_EVENT_ERROR,
    conversation_created = AZAUDIO_EVENT_CONVERSATION_CREATED,
    closed = AZAUDIO_EVENT_CLOSED,  ///< always the last event
    playback_flush = AZAUDIO_EVENT_PLAYBACK_FLUSH,
    reconnecting = AZAUDIO_EVENT_RECONNECTING,                  ///< the connection was lost; a new session opens
    reconnected = AZAUDIO_EVENT_RECONNECTED,                    ///< a new session continues the call
    response_interrupted = AZAUDIO_EVENT_RESPONSE_INTERRUPTED,  ///< a lost connection cut this response off
    renewing = AZAUDIO_EVENT_RENEWING,                          ///< moving to a new session before the time limit
    renewed = AZAUDIO_EVENT_RENEWED,                            ///< the new session took over
    turn_latency = AZAUDIO_EVENT_TURN_LATENCY,                  ///< a response's latency figures (JSON)
    input_transcription_segment = AZAUDIO_EVENT_INPUT_TRANSCRIPTION_SEGMENT,  ///< speaker(), segment_times()
    translation_input_transcript_delta = AZAUDIO_EVENT_TRANSLATION_INPUT_TRANSCRIPT_DELTA,
    translation_output_transcript_delta = AZAUDIO_EVENT_TRANSLATION_OUTPUT_TRANSCRIPT_DELTA,
    translation_audio_delta = AZAUDIO_EVENT_TRANSLATION_AUDIO_DELTA,  ///< audio(), audio_format(), audio_ms()
    session_closed = AZAUDIO_EVENT_SESSION_CLOSED,
    input_timeout_triggered = AZAUDIO_EVENT_INPUT_TIMEOUT_TRIGGERED,  ///< item_id(), silent_range()
    output_audio_started = AZAUDIO_EVENT_OUTPUT_AUDIO_STARTED,        ///< sideband: response_id()
    output_audio_stopped = AZAUDIO_EVENT_OUTPUT_AUDIO_STOPPED,
    output_audio_cleared = AZAUDIO_EVENT_OUTPUT_AUDIO_CLEARED,
    dtmf = AZAUDIO_EVENT_DTMF,  ///< text(): the key; received_at()
    mcp_list_tools_in_progress = AZAUDIO_EVENT_MCP_LIST_TOOLS_IN_PROGRESS,
    mcp_list_tools_completed = AZAUDIO_EVENT_MCP_LIST_TOOLS_COMPLETED,
    mcp_list_tools_failed = AZAUDIO_EVENT_MCP_LIST_TOOLS_FAILED,
    mcp_call_arguments_delta = AZAUDIO_EVENT_MCP_CALL_ARGUMENTS_DELTA,
    mcp_call_arguments_done = AZAUDIO_EVENT_MCP_CALL_ARGUMENTS_DONE,
    mcp_call_in_progress = AZAUDIO_EVENT_MCP_CALL_IN_PROGRESS,
    mcp_call_completed = AZAUDIO_EVENT_MCP_CALL_COMPLETED,
    mcp_call_failed = AZAUDIO_EVENT_MCP_CALL_FAILED,
    connected = AZAUDIO_EVENT_CONNECTED,            ///< connect_async: the session is ready
    connect_failed = AZAUDIO_EVENT_CONNECT_FAILED,  ///< connect_async: failed or cancelled (result()); closed follows
};

/// azaudio_realtime_options.truncation.
enum class truncation_mode : std::int32_t {
    service_default = AZAUDIO_TRUNCATION_DEFAULT,
    automatic = AZAUDIO_TRUNCATION_AUTO,
    disabled = AZAUDIO_TRUNCATION_DISABLED,
    retention_ratio = AZAUDIO_TRUNCATION_RETENTION_RATIO,  ///< with truncation_retention_ratio
};

/// One budget of a rate_limits_updated event.
struct rate_limit {
    std::int64_t limit;
    std::int64_t remaining;
    double reset_seconds;
};

/// input_timeout_triggered: the silent stretch, in ms of input audio.
struct audio_range {
    std::int64_t start_ms;
    std::int64_t end_ms;
};

/// A response.create with its own settings (azaudio_realtime_response_options).
struct response_options {
    bool out_of_band = false;  ///< "conversation":"none": its events are marked out_of_band()
    std::optional<std::string> instructions;
    std::optional<bool> text_only;             ///< unset: the session's modality
    std::optional<int> max_output_tokens;      ///< 1..4096, or AZAUDIO_MAX_OUTPUT_TOKENS_INF
    std::optional<std::string> metadata_json;  ///< up to 16 string values
    std::optional<std::string> input_json;     ///< a JSON array of items: the response's input
};

/// A session's latency so far over its responses (azaudio_realtime_latency_summary,
/// azaudio_realtime_audible_latency_summary): how many responses, their median and 95th percentile in ms (-1 for
/// both when there are none).
struct latency_summary {
    std::uint32_t count = 0;
    std::int32_t median_ms = -1;
    std::int32_t p95_ms = -1;
};

/// azaudio_realtime_options.session_kind.
enum class session_kind : std::int32_t {
    conversation = AZAUDIO_SESSION_CONVERSATION,
    transcription = AZAUDIO_SESSION_TRANSCRIPTION,  ///< /openai/v1/realtime?intent=transcription
    translation = AZAUDIO_SESSION_TRANSLATION,      ///< translation_path?model=DEPLOYMENT
};

/// azaudio_realtime_options.noise_reduction.
enum class noise_reduction : std::int32_t {
    service_default = AZAUDIO_NOISE_REDUCTION_DEFAULT,
    near_field = AZAUDIO_NOISE_REDUCTION_NEAR_FIELD,
    far_field = AZAUDIO_NOISE_REDUCTION_FAR_FIELD,
    off = AZAUDIO_NOISE_REDUCTION_OFF,
};

/// A transcription segment's place in the input, in seconds.
struct segment_times {
    double start;
    double end;
};

/// Translated audio's PCM16 layout.
struct translated_audio_format {
    std::int32_t sample_rate;
    std::int32_t channels;
};

class RealtimeSessionRef;

namespace detail {
inline std::string_view sv(const char *s) noexcept { return s ? std::string_view(s) : std::string_view(); }

/// The accessors shared by RealtimeEventView and RealtimeEvent; Derived gives event_ptr() and session_ptr().
template <class Derived>
class realtime_event_accessors {
public:
    /// The event's type (preview and GA names map to the same type).
    event_type type() const noexcept { return static_cast<event_type>(azaudio_realtime_event_type(e())); }
    /// The wire type, e.g. "response.output_audio.delta" ("closed" for event_type::closed).
    std::string_view name() const noexcept { return sv(azaudio_realtime_event_name(e())); }
    /// The event's JSON text as received: the received bytes themselves, no copy (azaudio_realtime_event_json_data).
    std::string_view json() const noexcept {
        std::size_t size = 0;
        const char *j = azaudio_realtime_event_json_data(e(), &size);
        return j ? std::string_view(j, size) : std::string_view();
    }
    /// A delta, transcript, text, function arguments, or an error / close / cancel message.
    std::string_view text() const noexcept { return sv(azaudio_realtime_event_text(e())); }
    /// audio_delta: the decoded audio in the session's output format; empty for other events.
    byte_view audio() const noexcept {
        std::size_t size = 0;
        const std::uint8_t *a = azaudio_realtime_event_audio(e(), &size);
        return a ? byte_view(a, size) : byte_view();
    }
    std::string_view item_id() const noexcept { return sv(azaudio_realtime_event_item_id(e())); }
    std::string_view response_id() const noexcept { return sv(azaudio_realtime_event_response_id(e())); }
    std::string_view call_id() const noexcept { return sv(azaudio_realtime_event_call_id(e())); }
    std::string_view function_name() const noexcept { return sv(azaudio_realtime_event_function_name(e())); }
    /// response_done: completed, cancelled, failed or incomplete.
    std::string_view status() const noexcept { return sv(azaudio_realtime_event_status(e())); }
    /// response_done: the usage object as JSON.
    std::string_view usage_json() const noexcept { return sv(azaudio_realtime_event_usage_json(e())); }
    /// error, input_transcription_failed: the service's error code (e.g. "session_expired").
    std::string_view error_code() const noexcept { return sv(azaudio_realtime_event_error_code(e())); }
    /// speech_started / speech_stopped / item_truncated: the position in ms.
    std::optional<std::int64_t> audio_ms() const noexcept {
        std::int64_t ms = azaudio_realtime_event_audio_ms(e());
        return ms < 0 ? std::nullopt : std::optional<std::int64_t>(ms);
    }
    /// closed: the WebSocket close code (1000 normal, 1001 going away, 1006 connection lost, ...).
    std::int32_t close_code() const noexcept { return azaudio_realtime_event_close_code(e()); }
    /// connect_failed: why (errc::timeout, errc::auth, errc::cancelled...); errc::ok for every other event.
    errc result() const noexcept { return static_cast<errc>(azaudio_realtime_event_result(e())); }
    /// input_transcription_segment: the speaker label ("" when none).
    std::string_view speaker() const noexcept { return sv(azaudio_realtime_event_speaker(e())); }
    /// input_transcription_segment: start and end in seconds of the input; nullopt for other events.
    std::optional<segment_times> times() const noexcept {
        segment_times t{};
        if (!azaudio_realtime_event_segment_times(e(), &t.start, &t.end)) return std::nullopt;
        return t;
    }
    /// translation_audio_delta: the audio's sample rate and channels; nullopt for other events.
    std::optional<translated_audio_format> audio_format() const noexcept {
        translated_audio_format f{};
        if (!azaudio_realtime_event_audio_format(e(), &f.sample_rate, &f.channels)) return std::nullopt;
        return f;
    }
    /// rate_limits_updated: the budget called `name` ("requests", "tokens"); nullopt when absent.
    std::optional<rate_limit> rate_limit_of(std::string_view name) const {
        rate_limit r{};
        std::string n(name);
        if (!azaudio_realtime_event_rate_limit(e(), n.c_str(), &r.limit, &r.remaining, &r.reset_seconds))
            return std::nullopt;
        return r;
    }
    /// input_timeout_triggered: the silent stretch; nullopt for other events.
    std::optional<audio_range> silent_range() const noexcept {
        audio_range r{};
        if (!azaudio_realtime_event_audio_range(e(), &r.start_ms, &r.end_ms)) return std::nullopt;
        return r;
    }
    /// dtmf: when the service received the key (unix seconds); nullopt for other events.
    std::optional<std::int64_t> received_at() const noexcept {
        std::int64_t t = azaudio_realtime_event_received_at(e());
        return t < 0 ? std::nullopt : std::optional<std::int64_t>(t);
    }
    /// True for the events of an out-of-band response ("conversation":"none").
    bool out_of_band() const noexcept { return azaudio_realtime_event_out_of_band(e()) != 0; }
    /// The session the event came from, to answer it (e.g. close it from the callback). Valid while the session
    /// is.
    RealtimeSessionRef session() const noexcept;

private:
    const azaudio_realtime_event *e() const noexcept { return static_cast<const Derived *>(this)->event_ptr(); }
};
}  // namespace detail

/// A received event that the wrapper does not own: what an event callback gets. Its strings and audio are valid
/// only during the callback (copy what you keep).
class RealtimeEventView : public detail::realtime_event_accessors<RealtimeEventView> {
public:
    RealtimeEventView(const azaudio_realtime_event *event, azaudio_realtime_session *session) noexcept
        : event_(event), session_(session) {}
    const azaudio_realtime_event *event_ptr() const noexcept { return event_; }
    azaudio_realtime_session *session_ptr() const noexcept { return session_; }

private:
    const azaudio_realtime_event *event_;
    azaudio_realtime_session *session_;
};

/// A received event taken with RealtimeSession::next_event(): owned, move-only, freed by its destructor. Its
/// strings and audio live as long as it does (also after the session is destroyed).
class RealtimeEvent : public detail::realtime_event_accessors<RealtimeEvent> {
public:
    /// Takes ownership of an event from azaudio_realtime_next_event().
    RealtimeEvent(azaudio_realtime_event *event, azaudio_realtime_session *session) noexcept
        : handle_(event), session_(session) {}
    operator RealtimeEventView() const noexcept { return RealtimeEventView(handle_.get(), session_); }
    const azaudio_realtime_event *event_ptr() const noexcept { return handle_.get(); }
    azaudio_realtime_session *session_ptr() const noexcept { return session_; }
    azaudio_realtime_event *get() const noexcept { return handle_.get(); }

private:
    std::unique_ptr<azaudio_realtime_event, detail::releaser<azaudio_realtime_event, azaudio_realtime_event_free>>
        handle_;
    azaudio_realtime_session *session_;
};

/// Receives every event on the client's I/O thread, in order. Must return quickly (it holds up every session on
/// that thread). If it throws, the exception is kept, the session is closed, no further event reaches the
/// callback but the closed one, and the owning RealtimeSession rethrows it from its next call.
using realtime_event_callback = std::function<void(const RealtimeEventView &event)>;

/// How to open a session (azaudio_realtime_options; unset optionals keep the service's defaults).
struct realtime_options {
    std::string deployment;  ///< required
    realtime_protocol protocol = realtime_protocol::ga;
    std::optional<std::string> api_version;  ///< preview protocol only
    std::optional<std::string> instructions;
    std::optional<std::string> voice;
    sample_format input_audio_format = sample_format::pcm16;  ///< pcm16: 24 kHz mono; ulaw/alaw: 8 kHz
    sample_format output_audio_format = sample_format::pcm16;
    std::optional<std::string> input_transcription_deployment;  ///< enables input_transcription_* events
    std::optional<std::string> input_transcription_language;
    turn_detection_mode turn_detection = turn_detection_mode::server_vad;
    std::optional<double> vad_threshold;  ///< 0..1
    std::optional<int> vad_prefix_padding_ms;
    std::optional<int> vad_silence_duration_ms;
    std::optional<bool> vad_create_response;            ///< unset: true
    std::optional<bool> vad_interrupt_response;         ///< unset: true
    std::optional<std::string> semantic_vad_eagerness;  ///< "low", "medium", "high", "auto"
    std::optional<std::string> tools_json;              ///< a JSON array of function definitions
    std::optional<std::string> tool_choice;
    std::optional<double> temperature;     ///< preview protocol: 0.6..1.2
    std::optional<int> max_output_tokens;  ///< 1..4096
    bool text_only = false;
    /// Set: events go to this callback on the I/O thread. Unset: they queue for next_event().
    realtime_event_callback on_event;
    std::optional<std::uint32_t> max_send_queue_bytes;
    std::optional<std::uint32_t> max_event_queue;
    std::optional<std::chrono::milliseconds> connect_timeout;
    /// The audio your side sends / wants back when it differs from the session's (converted by the library;
    /// 8 kHz mu-law into a ulaw session passes straight through). Unset: the session's own format. Rates: 8000
    /// to 192000 (e.g. 44100); unset: 24000 for pcm16, 8000 for G.711.
    std::optional<sample_format> caller_input_format;
    std::optional<std::uint32_t> caller_input_rate;
    std::optional<sample_format> caller_output_format;
    std::optional<std::uint32_t> caller_output_rate;
    /// Interleaved channels of the caller's audio (0 or 1: mono, up to 32; see
    /// azaudio_realtime_options.caller_input_channels): input averaged to mono, the reply copied to each channel.
    std::uint32_t caller_input_channels = 0;
    std::uint32_t caller_output_channels = 0;
    /// Barge-in at the played position (see azaudio_realtime_options.barge_in and
    /// RealtimeSession::audio_played()).
    bool barge_in = true;
    /// Input coalescing, 0..1000 ms (see azaudio_realtime_options.input_audio_coalesce_ms): 0 sends every
    /// send_audio() at once; N > 0 holds input audio until at least N ms wait, then sends them as one append.
    /// Values above 1000 make connect() throw invalid_argument_error.
    std::uint32_t input_audio_coalesce_ms = 0;
    /// Calls that last (see azaudio_realtime_options in azaudio.h; unset: the library's default): liveness pings
    /// and timeout, reconnect attempts / total time / first backoff, the conversation kept for the replay.
    std::optional<std::uint32_t> keepalive_ms;
    std::optional<std::uint32_t> liveness_timeout_ms;
    std::optional<std::uint32_t> reconnect_max_attempts;
    std::optional<std::uint32_t> reconnect_max_total_ms;
    std::optional<std::uint32_t> reconnect_backoff_ms;
    std::optional<std::uint32_t> history_max_items;
    std::optional<std::uint32_t> history_max_chars;
    /// Renewal before the session's time limit (see azaudio_realtime_options.renewal_margin_ms, session_max_ms).
    std::optional<std::uint32_t> renewal_margin_ms;
    std::optional<std::uint32_t> session_max_ms;
    /// Conversation (default), transcription-only or translation (see azaudio_realtime_options.session_kind):
    /// for transcription `deployment` transcribes and input_transcription_language is its language; for
    /// translation `deployment` is gpt-realtime-translate and translation_language is required.
    session_kind kind = session_kind::conversation;
    std::optional<std::string> transcription_prompt;
    std::optional<std::string> transcription_delay;  ///< "minimal" ... "xhigh" (gpt-realtime-whisper)
    noise_reduction input_noise_reduction = noise_reduction::service_default;
    bool transcription_logprobs = false;
    std::optional<std::string> translation_language;  ///< e.g. "es"
    std::optional<std::string> translation_path;      ///< unset: /openai/v1/realtime/translations
    /// After a reconnect or renewal that cut a response off, ask the new session for it again
    /// (see azaudio_realtime_options.reask_interrupted_response).
    bool reask_interrupted_response = false;
    /// Typed GA settings of conversation sessions (see azaudio_realtime_options; unset: not sent).
    /// input_noise_reduction and transcription_logprobs above apply to conversation sessions too.
    std::optional<std::int32_t> idle_timeout_ms;  ///< 5000..30000, server VAD only
    std::optional<std::string> reasoning_effort;  ///< "minimal" ... "xhigh"
    truncation_mode truncation = truncation_mode::service_default;
    std::optional<double> truncation_retention_ratio;  ///< 0..1 with truncation_mode::retention_ratio
    std::optional<std::int32_t> truncation_post_instructions_tokens;
    std::optional<double> output_speed;  ///< 0.25..1.5
    std::optional<bool> parallel_tool_calls;
    /// A sideband session of a SIP call (azaudio_realtime_options.call_id); `deployment` may then be empty.
    std::optional<std::string> call_id;
};

namespace detail {
/// What a session's C callback needs; shared so that it outlives a destroy made from inside the callback.
struct realtime_state {
    realtime_event_callback on_event;
    std::weak_ptr<realtime_state> self;
    std::mutex mutex;
    std::exception_ptr exception;  // guarded by mutex
    std::atomic<bool> failed{false};
    std::atomic<bool> closed{false};

    void capture() noexcept {
        std::lock_guard<std::mutex> lock(mutex);
        if (!exception) exception = std::current_exception();
        failed = true;
    }
    void rethrow_pending() {
        if (!failed) return;
        std::exception_ptr e;
        {
            std::lock_guard<std::mutex> lock(mutex);
            e = std::exchange(exception, nullptr);
        }
        if (e) std::rethrow_exception(e);
    }
};

inline void realtime_trampoline(azaudio_realtime_session *session, const azaudio_realtime_event *event,
                                void *user_data) noexcept {
    std::shared_ptr<realtime_state> keep = static_cast<realtime_state *>(user_data)->self.lock();
    if (!keep) return;
    bool closed = azaudio_realtime_event_type(event) == AZAUDIO_EVENT_CLOSED;
    if (closed) keep->closed = true;
    if (keep->failed && !closed) return;  // after a callback threw, only the closed event is delivered
    try {
        keep->on_event(RealtimeEventView(event, session));
    } catch (...) {
        keep->capture();
        azaudio_realtime_close(session);
    }
}

/// The send functions shared by RealtimeSession and RealtimeSessionRef. Derived gives session_ptr() and
/// before_call() (which rethrows a callback's exception for the owning session).
template <class Derived>
class realtime_operations {
public:
    /// Queues caller audio in the session's input format (PCM16: whole samples). Non-blocking. Throws
    /// busy_error when the send queue is full (nothing was queued), closed_error after the session ended.
    void send_audio(byte_view audio) { call(azaudio_realtime_send_audio(s(), audio.data(), audio.size())); }
    /// As send_audio(), but returns false instead of throwing when the send queue is full (for media threads
    /// that drop audio rather than handle exceptions).
    bool try_send_audio(byte_view audio) {
        before();
        azaudio_result rc = azaudio_realtime_send_audio(s(), audio.data(), audio.size());
        if (rc == AZAUDIO_ERR_BUSY) return false;
        check(rc);
        return true;
    }
    /// input_audio_buffer.commit: ends the caller's turn (needed with turn_detection_mode::none).
    void commit() { call(azaudio_realtime_commit(s())); }
    /// input_audio_buffer.clear: drops uncommitted caller audio.
    void clear() { call(azaudio_realtime_clear(s())); }
    /// response.create, with a JSON object of per-response settings when response_json is not empty.
    void create_response(std::string_view response_json = {}) {
        std::string j(response_json);
        call(azaudio_realtime_create_response(s(), j.empty() ? nullptr : j.c_str()));
    }
    /// response.cancel of the response in progress.
    void cancel_response() { call(azaudio_realtime_cancel_response(s())); }
    /// session.update with a JSON object of session settings in the session's protocol shape.
    void update_session(std::string_view session_json) {
        call(azaudio_realtime_update_session(s(), z(session_json).c_str()));
    }
    /// conversation.item.create with a text message ("user", "assistant" or "system").
    void create_text_item(std::string_view role, std::string_view text) {
        call(azaudio_realtime_create_text_item(s(), z(role).c_str(), z(text).c_str()));
    }
    /// conversation.item.create with a function call's output; follow with create_response().
    void send_function_output(std::string_view call_id, std::string_view output) {
        call(azaudio_realtime_send_function_output(s(), z(call_id).c_str(), z(output).c_str()));
    }
    /// Reports that played_ms of the reply item's audio has really been played (azaudio_realtime_audio_played);
    /// barge-in truncates there when the caller interrupts.
    void audio_played(std::string_view item_id, std::uint32_t played_ms) {
        call(azaudio_realtime_audio_played(s(), z(item_id).c_str(), played_ms));
    }
    /// Speech end (else the response's start) to the first reply audio, over the session's responses so far
    /// (azaudio_realtime_latency_summary).
    latency_summary first_audio_latency() {
        latency_summary l;
        call(azaudio_realtime_latency_summary(s(), &l.count, &l.median_ms, &l.p95_ms));
        return l;
    }
    /// The same to the first reply audio above the level gate (azaudio_realtime_audible_latency_summary).
    latency_summary first_audible_latency() {
        latency_summary l;
        call(azaudio_realtime_audible_latency_summary(s(), &l.count, &l.median_ms, &l.p95_ms));
        return l;
    }
    /// conversation.item.truncate: cuts an assistant audio item at audio_end_ms (what the caller really heard).
    void truncate(std::string_view item_id, std::int32_t content_index, std::uint32_t audio_end_ms) {
        call(azaudio_realtime_truncate(s(), z(item_id).c_str(), content_index, audio_end_ms));
    }
    /// conversation.item.delete.
    void delete_item(std::string_view item_id) { call(azaudio_realtime_delete_item(s(), z(item_id).c_str())); }
    /// Sends any client event, given as a JSON object with a "type".
    void send_event_json(std::string_view event_json) {
        call(azaudio_realtime_send_event_json(s(), z(event_json).c_str()));
    }
    /// response.create with typed settings (azaudio_realtime_create_response_with_options).
    void create_response(const response_options &options) {
        azaudio_realtime_response_options o;
        AZAUDIO_INIT(realtime_response_options, &o);
        o.out_of_band = options.out_of_band ? 1 : 0;
        o.instructions = detail::opt_c_str(options.instructions);
        if (options.text_only)
            o.modality = *options.text_only ? AZAUDIO_RESPONSE_MODALITY_TEXT : AZAUDIO_RESPONSE_MODALITY_AUDIO;
        if (options.max_output_tokens) o.max_output_tokens = *options.max_output_tokens;
        o.metadata_json = detail::opt_c_str(options.metadata_json);
        o.input_json = detail::opt_c_str(options.input_json);
        call(azaudio_realtime_create_response_with_options(s(), &o));
    }
    /// A user message with an image (a data URL made from the bytes) and optional text before it.
    void send_image(byte_view image, std::string_view mime_type, const std::optional<std::string> &text = {},
                    const std::optional<std::string> &image_detail = {}) {
        call(azaudio_realtime_send_image(s(), image.data(), image.size(), z(mime_type).c_str(), detail::opt_c_str(text),
                                         detail::opt_c_str(image_detail)));
    }
    /// Sideband sessions: output_audio_buffer.clear (after cancel_response()).
    void clear_output_audio() { call(azaudio_realtime_clear_output_audio(s())); }

private:
    azaudio_realtime_session *s() const noexcept { return static_cast<const Derived *>(this)->session_ptr(); }
    void before() { static_cast<Derived *>(this)->before_call(); }
    void call(azaudio_result rc) {
        before();
        check(rc);
    }
};
}  // namespace detail

/// A non-owning handle of a session: what RealtimeEventView::session() gives a callback, to send or close from
/// it. Valid while the session is.
class RealtimeSessionRef : public detail::realtime_operations<RealtimeSessionRef> {
public:
    explicit RealtimeSessionRef(azaudio_realtime_session *session) noexcept : session_(session) {}
    /// Starts closing (WebSocket close 1000); the closed event follows. Safe from the session's callback.
    void close() { detail::check(azaudio_realtime_close(session_)); }
    azaudio_realtime_session *session_ptr() const noexcept { return session_; }
    azaudio_realtime_session *get() const noexcept { return session_; }
    void before_call() noexcept {}

private:
    azaudio_realtime_session *session_;
};

template <class Derived>
inline RealtimeSessionRef detail::realtime_event_accessors<Derived>::session() const noexcept {
    return RealtimeSessionRef(static_cast<const Derived *>(this)->session_ptr());
}

/// A realtime speech-in/speech-out session over one WebSocket (azaudio_realtime_session). Send functions are
/// thread-safe and non-blocking. Events arrive either through realtime_options::on_event (on the client's I/O
/// thread) or by pulling them with next_event() from any one thread. The destructor closes the session if needed
/// and frees it; once it returns no callback runs. Do not destroy it from its own callback (use close()), and
/// keep the Client alive longer than its sessions.
class RealtimeSession : public detail::realtime_operations<RealtimeSession> {
public:
    /// Opens a session and blocks until it is ready (session.created, session.update, session.updated).
    /// Throws invalid_argument_error (bad options), auth_error, not_found_error, rate_limit_error, error (HTTP),
    /// bad_request_error (settings rejected), network_error, timeout_error, error (protocol).
    static RealtimeSession connect(const Client &client, const realtime_options &options) {
        return open(client, options, false);
    }

    /// Starts opening a session and returns it at once (azaudio_realtime_connect_async): an event_type::connected
    /// or event_type::connect_failed event (see RealtimeEvent::result()) reports the outcome, in either delivery
    /// mode. close() before connected cancels. Throws invalid_argument_error (bad options) now.
    static RealtimeSession connect_async(const Client &client, const realtime_options &options) {
        return open(client, options, true);
    }

private:
    static RealtimeSession open(const Client &client, const realtime_options &options, bool async) {
        azaudio_realtime_options o;
        AZAUDIO_INIT(realtime_options, &o);
        o.deployment = options.call_id && options.deployment.empty() ? nullptr : options.deployment.c_str();
        o.protocol = static_cast<std::int32_t>(options.protocol);
        o.api_version = detail::opt_c_str(options.api_version);
        o.instructions = detail::opt_c_str(options.instructions);
        o.voice = detail::opt_c_str(options.voice);
        o.input_audio_format = static_cast<std::int32_t>(options.input_audio_format);
        o.output_audio_format = static_cast<std::int32_t>(options.output_audio_format);
        o.input_transcription_deployment = detail::opt_c_str(options.input_transcription_deployment);
        o.input_transcription_language = detail::opt_c_str(options.input_transcription_language);
        o.turn_detection = static_cast<std::int32_t>(options.turn_detection);
        if (options.vad_threshold) o.vad_threshold = *options.vad_threshold;
        if (options.vad_prefix_padding_ms) o.vad_prefix_padding_ms = *options.vad_prefix_padding_ms;
        if (options.vad_silence_duration_ms) o.vad_silence_duration_ms = *options.vad_silence_duration_ms;
        if (options.vad_create_response) o.vad_create_response = *options.vad_create_response ? 1 : 0;
        if (options.vad_interrupt_response) o.vad_interrupt_response = *options.vad_interrupt_response ? 1 : 0;
        o.semantic_vad_eagerness = detail::opt_c_str(options.semantic_vad_eagerness);
        o.tools_json = detail::opt_c_str(options.tools_json);
        o.tool_choice = detail::opt_c_str(options.tool_choice);
        if (options.temperature) o.temperature = *options.temperature;
        if (options.max_output_tokens) o.max_output_tokens = *options.max_output_tokens;
        o.text_only = options.text_only ? 1 : 0;
        if (options.max_send_queue_bytes) o.max_send_queue_bytes = *options.max_send_queue_bytes;
        if (options.max_event_queue) o.max_event_queue = *options.max_event_queue;
        if (options.connect_timeout)
            o.connect_timeout_ms = static_cast<std::uint32_t>(options.connect_timeout->count());
        if (options.caller_input_format)
            o.caller_input_format = static_cast<std::int32_t>(*options.caller_input_format);
        if (options.caller_input_rate) o.caller_input_rate = *options.caller_input_rate;
        if (options.caller_output_format)
            o.caller_output_format = static_cast<std::int32_t>(*options.caller_output_format);
        if (options.caller_output_rate) o.caller_output_rate = *options.caller_output_rate;
        o.barge_in = options.barge_in ? 1 : 0;
        o.input_audio_coalesce_ms = options.input_audio_coalesce_ms;
        o.caller_input_channels = options.caller_input_channels;
        o.caller_output_channels = options.caller_output_channels;
        if (options.keepalive_ms) o.keepalive_ms = *options.keepalive_ms;
        if (options.liveness_timeout_ms) o.liveness_timeout_ms = *options.liveness_timeout_ms;
        if (options.reconnect_max_attempts) o.reconnect_max_attempts = *options.reconnect_max_attempts;
        if (options.reconnect_max_total_ms) o.reconnect_max_total_ms = *options.reconnect_max_total_ms;
        if (options.reconnect_backoff_ms) o.reconnect_backoff_ms = *options.reconnect_backoff_ms;
        if (options.history_max_items) o.history_max_items = *options.history_max_items;
        if (options.history_max_chars) o.history_max_chars = *options.history_max_chars;
        if (options.renewal_margin_ms) o.renewal_margin_ms = *options.renewal_margin_ms;
        if (options.session_max_ms) o.session_max_ms = *options.session_max_ms;
        o.session_kind = static_cast<std::int32_t>(options.kind);
        o.transcription_prompt = detail::opt_c_str(options.transcription_prompt);
        o.transcription_delay = detail::opt_c_str(options.transcription_delay);
        o.noise_reduction = static_cast<std::int32_t>(options.input_noise_reduction);
        o.transcription_logprobs = options.transcription_logprobs ? 1 : 0;
        o.translation_language = detail::opt_c_str(options.translation_language);
        o.translation_path = detail::opt_c_str(options.translation_path);
        o.reask_interrupted_response = options.reask_interrupted_response ? 1 : 0;
        if (options.kind != session_kind::conversation) o.barge_in = 0;
        if (options.idle_timeout_ms) o.idle_timeout_ms = *options.idle_timeout_ms;
        o.reasoning_effort = detail::opt_c_str(options.reasoning_effort);
        o.truncation = static_cast<std::int32_t>(options.truncation);
        if (options.truncation_retention_ratio) o.truncation_retention_ratio = *options.truncation_retention_ratio;
        if (options.truncation_post_instructions_tokens)
            o.truncation_post_instructions_tokens = *options.truncation_post_instructions_tokens;
        if (options.output_speed) o.output_speed = *options.output_speed;
        if (options.parallel_tool_calls) o.parallel_tool_calls = *options.parallel_tool_calls ? 1 : 0;
        o.call_id = detail::opt_c_str(options.call_id);
        if (options.call_id) o.barge_in = 0;

        auto state = std::make_shared<detail::realtime_state>();
        state->self = state;
        if (options.on_event) {
            state->on_event = options.on_event;
            o.event_callback = &detail::realtime_trampoline;
            o.event_user_data = state.get();
        }
        azaudio_realtime_session *session = nullptr;
        detail::call_state call;
        detail::run_call(client.get(), call, [&] {
            return async ? azaudio_realtime_connect_async(client.get(), &o, &session)
                         : azaudio_realtime_connect(client.get(), &o, &session);
        });
        return RealtimeSession(session, std::move(state), options.on_event != nullptr);
    }

public:
    RealtimeSession(RealtimeSession &&) noexcept = default;
    /// Destroys the session held before, then takes `other`'s.
    RealtimeSession &operator=(RealtimeSession &&other) noexcept {
        if (this == &other) return *this;
        RealtimeSession old(std::move(*this));  // destroyed at the end: session first, then its state
        state_ = std::move(other.state_);
        handle_ = std::move(other.handle_);
        callback_mode_ = other.callback_mode_;
        return *this;
    }
    ~RealtimeSession() = default;

    /// Pull mode: waits up to `timeout` (0: do not wait; negative: forever) for the next event. nullopt when none
    /// came in time, or once the closed event (always the last) was taken: see closed(). Throws
    /// error (errc::invalid_state) if the session delivers events to a callback. An empty wait is a normal
    /// outcome (azaudio_realtime_poll_event): it records no error and costs nothing, so polling every frame is fine.
    std::optional<RealtimeEvent> next_event(std::chrono::milliseconds timeout) {
        before_call();
        std::int64_t ms = timeout.count();
        std::int32_t c_timeout = ms < 0 ? -1 : ms > INT32_MAX ? INT32_MAX : static_cast<std::int32_t>(ms);
        azaudio_realtime_event *event = nullptr;
        azaudio_result rc = azaudio_realtime_poll_event(handle_.get(), &event, c_timeout);
        if (rc == AZAUDIO_OK && event == nullptr) return std::nullopt;
        if (rc == AZAUDIO_ERR_CLOSED && !callback_mode_) {
            state_->closed = true;
            return std::nullopt;
        }
        detail::check(rc);
        RealtimeEvent e(event, handle_.get());
        if (e.type() == event_type::closed) state_->closed = true;
        return std::optional<RealtimeEvent>(std::move(e));
    }
    /// Pull mode: waits for the next event as long as it takes; nullopt only once the session is closed.
    std::optional<RealtimeEvent> next_event() { return next_event(std::chrono::milliseconds(-1)); }

    /// true once the closed event was delivered (taken with next_event() or passed to the callback).
    bool closed() const noexcept { return state_ && state_->closed; }

    /// Pull mode from an event loop (epoll, poll, libuv, asio, GLib): the session's readiness descriptor, a Linux
    /// eventfd readable exactly while at least one event waits (azaudio_realtime_event_fd). Watch it, and when it
    /// is readable take events with next_event(std::chrono::milliseconds(0)) until that gives nullopt; it is
    /// level-triggered, so a loop that stops taking events must stop watching it to sleep again. The descriptor
    /// belongs to the session: never read, write or close it, and stop watching it before the session is
    /// destroyed (which closes it). Made on the first call; later calls give the same one. Never readable again
    /// once the closed event was taken. Throws error (errc::invalid_state) if the session delivers events to a
    /// callback, io_error if no descriptor could be made (e.g. the process has no file descriptors left).
    int event_fd() const {
        std::int32_t fd = -1;
        detail::check(azaudio_realtime_event_fd(handle_.get(), &fd));
        return static_cast<int>(fd);
    }

    /// Pull mode in batches (azaudio_realtime_take_events): waits up to `timeout` (0, the default: not at all;
    /// negative: forever) for an event, then appends it and the events already waiting behind it, up to `max`, to
    /// `out` in order, with one library call. Returns how many it appended: 0 when none came in time, or once the
    /// closed event (always the last of its batch) was taken: see closed(). Events past `max` stay queued for the
    /// next call. Throws error (errc::invalid_state) if the session delivers events to a callback,
    /// errc::invalid_argument for a `max` of 0.
    std::size_t take_events(std::vector<RealtimeEvent> &out, std::size_t max = 64,
                            std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) {
        before_call();
        std::int64_t ms = timeout.count();
        std::int32_t c_timeout = ms < 0 ? -1 : ms > INT32_MAX ? INT32_MAX : static_cast<std::int32_t>(ms);
        std::vector<azaudio_realtime_event_record> records(max);
        out.reserve(out.size() + max);  // before the call: appending the taken events then cannot fail
        std::size_t count = 0;
        azaudio_result rc =
            azaudio_realtime_take_events(handle_.get(), records.data(), sizeof(records[0]), max, &count, c_timeout);
        if (rc == AZAUDIO_ERR_CLOSED && !callback_mode_) {
            state_->closed = true;
            return 0;
        }
        detail::check(rc);
        for (std::size_t i = 0; i < count; i++) {
            out.emplace_back(records[i].event, handle_.get());
            if (records[i].type == AZAUDIO_EVENT_CLOSED) state_->closed = true;
        }
        return count;
    }

    /// Starts closing (WebSocket close 1000) and returns at once; the closed event follows. Rethrows an exception
    /// that the event callback threw.
    void close() {
        azaudio_result rc = azaudio_realtime_close(handle_.get());
        before_call();
        detail::check(rc);
    }

    /// A non-owning handle, e.g. for another thread or object that sends on this session.
    RealtimeSessionRef ref() const noexcept { return RealtimeSessionRef(handle_.get()); }
    azaudio_realtime_session *get() const noexcept { return handle_.get(); }
    azaudio_realtime_session *session_ptr() const noexcept { return handle_.get(); }
    /// Rethrows, once, an exception that the event callback threw (every send function and close() do this).
    void before_call() {
        if (state_) state_->rethrow_pending();
    }

private:
    RealtimeSession(azaudio_realtime_session *session, std::shared_ptr<detail::realtime_state> state,
                    bool callback_mode) noexcept
        : state_(std::move(state)), handle_(session), callback_mode_(callback_mode) {}

    // state_ before handle_: the C session is destroyed first (no callback runs after that), then its state.
    std::shared_ptr<detail::realtime_state> state_;
    std::unique_ptr<azaudio_realtime_session, detail::releaser<azaudio_realtime_session, azaudio_realtime_destroy>>
        handle_;
    bool callback_mode_ = false;
};

#endif  // AZAUDIO_EVENT_CLOSED

// ================================================================================================================
// SIP calls answered by the service: the incoming-call webhook
// ================================================================================================================

/// Verifies a webhook delivery (Standard Webhooks: HMAC-SHA256 over "{id}.{timestamp}.{body}" with the whsec_
/// secret, timestamps within `tolerance_seconds`, 0: 300). Throws auth_error for a forged, tampered or replayed
/// delivery, invalid_argument_error for malformed headers or secret. `now_unix` 0: the system clock.
inline void verify_webhook(std::string_view secret, std::string_view webhook_id, std::string_view webhook_timestamp,
                           std::string_view webhook_signature, byte_view body, std::int64_t now_unix = 0,
                           std::int64_t tolerance_seconds = 0) {
    detail::check(azaudio_webhook_verify(detail::z(secret).c_str(), detail::z(webhook_id).c_str(),
                                         detail::z(webhook_timestamp).c_str(), detail::z(webhook_signature).c_str(),
                                         body.data(), body.size(), now_unix, tolerance_seconds));
}

/// A realtime.call.incoming webhook, read (azaudio_incoming_call).
class IncomingCall {
public:
    /// Reads a (verified) webhook body; throws error (errc::protocol) when it is not such an event.
    static IncomingCall parse(byte_view body) {
        azaudio_incoming_call *call = nullptr;
        detail::check(azaudio_incoming_call_parse(body.data(), body.size(), &call));
        return IncomingCall(call);
    }
    /// The call id to answer.
    std::string id() const { return detail::copy_string(azaudio_incoming_call_id(handle_.get())); }
    /// The SIP INVITE's headers, in order.
    std::vector<std::pair<std::string, std::string>> sip_headers() const {
        std::vector<std::pair<std::string, std::string>> out;
        for (std::size_t i = 0; i < azaudio_incoming_call_sip_header_count(handle_.get()); i++) {
            const char *name = nullptr, *value = nullptr;
            detail::check(azaudio_incoming_call_sip_header(handle_.get(), i, &name, &value));
            out.emplace_back(detail::copy_string(name), detail::copy_string(value));
        }
        return out;
    }
    /// The first SIP header called `name` (case-insensitive), or nullopt.
    std::optional<std::string> sip_header(std::string_view name) const {
        const char *v = azaudio_incoming_call_sip_header_value(handle_.get(), detail::z(name).c_str());
        return v ? std::optional<std::string>(v) : std::nullopt;
    }

private:
    explicit IncomingCall(azaudio_incoming_call *call) noexcept : handle_(call) {}
    std::unique_ptr<azaudio_incoming_call, detail::releaser<azaudio_incoming_call, azaudio_incoming_call_free>> handle_;
};

}  // namespace azaudio

#endif  // AZAUDIO_HPP
