import Glibc

/// Cuts a buffer of audio into frames of one `FrameLayout`, and says when each frame is due.
///
/// Every frame it gives is exactly `layout.bytesPerFrame` long: a partial last frame is copied into the cursor's
/// own buffer and padded with silence in the buffer's format. Frame `k` starts `k * layout.milliseconds` after
/// the first; a sender paces by waiting until `start + timestamp` (an absolute deadline, so waits do not drift).
/// The cursor borrows the audio: it must stay valid and unchanged while the cursor is used. The padding buffer
/// (one frame) is allocated only when the audio ends in a partial frame, and a failed allocation is an error,
/// not a trap: a frame the caller sized at gigabytes over a few bytes of audio must not kill the process.
public final class FrameCursor {
    public let layout: FrameLayout
    private let audio: UnsafeRawBufferPointer
    private let padded: UnsafeMutableRawBufferPointer?
    /// Byte offset of the next frame.
    public private(set) var position = 0
    /// Index of the next frame.
    public private(set) var index = 0

    /// Errors: `.outOfMemory` when the audio ends in a partial frame and one frame cannot be allocated to pad it.
    public init(layout: FrameLayout, audio: UnsafeRawBufferPointer) throws(AzError) {
        self.layout = layout
        self.audio = audio
        if audio.count % layout.bytesPerFrame == 0 {
            padded = nil
        } else if let memory = malloc(layout.bytesPerFrame) {
            padded = UnsafeMutableRawBufferPointer(start: memory, count: layout.bytesPerFrame)
        } else {
            throw AzError(
                .outOfMemory,
                "cannot allocate one \(layout.bytesPerFrame)-byte frame to pad the last partial frame")
        }
    }

    deinit { free(padded?.baseAddress) }

    /// Frames in the audio, counting a partial last one (written so that no sum can overflow).
    public var frameCount: Int {
        audio.count / layout.bytesPerFrame + (audio.count % layout.bytesPerFrame == 0 ? 0 : 1)
    }

    /// The next frame and its start time in microseconds from the first frame, or nil at the end. The bytes are
    /// valid until the next call or until the cursor is released.
    public func next() -> (frame: UnsafeRawBufferPointer, timestampMicroseconds: Int)? {
        guard position < audio.count, let base = audio.baseAddress else { return nil }
        let size = layout.bytesPerFrame
        let timestamp = index * layout.milliseconds * 1000
        let frame: UnsafeRawBufferPointer
        if audio.count - position >= size {
            frame = UnsafeRawBufferPointer(start: base + position, count: size)
        } else if let padded {
            let tail = audio.count - position
            padded.baseAddress!.copyMemory(from: base + position, byteCount: tail)
            padded.baseAddress!.advanced(by: tail).initializeMemory(
                as: UInt8.self, repeating: layout.format.silenceByte, count: size - tail)
            frame = UnsafeRawBufferPointer(padded)
        } else {
            return nil  // unreachable: a partial frame means init allocated `padded`
        }
        position = audio.count - position > size ? position + size : audio.count
        index += 1
        return (frame, timestamp)
    }

    /// Starts again from the first frame.
    public func rewind() {
        position = 0
        index = 0
    }
}
