import CSndFile
import Glibc

/// How the pieces of a long recording are encoded for upload.
public enum PieceEncoding: Sendable, Equatable {
    /// Lossless FLAC, 16-bit (about half the size of PCM for speech).
    case flac
    /// Uncompressed 16-bit PCM in a WAV file.
    case wav

    public var fileExtension: String { self == .flac ? "flac" : "wav" }
}

/// Writes mono 16-bit audio to a FLAC or WAV file with libsndfile.
public final class SoundFileWriter {
    private var handle: OpaquePointer?
    public let path: String

    public init(path: String, sampleRate: Int, encoding: PieceEncoding) throws(AzError) {
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = 1
        let container = encoding == .flac ? SF_FORMAT_FLAC : SF_FORMAT_WAV
        info.format = Int32(container | SF_FORMAT_PCM_16)
        guard sf_format_check(&info) != 0 else {
            throw AzError(.unsupported, "libsndfile cannot write \(encoding.fileExtension) at \(sampleRate) Hz")
        }
        self.path = path
        handle = sf_open(path, Int32(SFM_WRITE), &info)
        guard handle != nil else {
            throw AzError(.io, "cannot create the piece file '\(path)': " + SoundFileReader.lastError(nil))
        }
    }

    deinit { if let handle { sf_close(handle) } }

    /// Writes mono samples from -1 to 1 (libsndfile clips and converts to 16-bit).
    public func write(_ samples: UnsafeBufferPointer<Float>) throws(AzError) {
        guard !samples.isEmpty else { return }
        let n = sf_writef_float(handle, samples.baseAddress, sf_count_t(samples.count))
        guard n == samples.count else {
            throw AzError(.io, "writing the piece file '\(path)' failed: " + SoundFileReader.lastError(handle))
        }
    }

    /// Finishes the file (writes the headers and trailers).
    public func close() throws(AzError) {
        guard let h = handle else { return }
        handle = nil
        guard sf_close(h) == 0 else { throw AzError(.io, "finishing the piece file '\(path)' failed") }
    }
}
