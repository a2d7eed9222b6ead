/// Cuts a buffer of audio into frames of one `FrameLayout`, and says when each frame is due.
///
/// Every frame it gives is exactly `layout.bytesPerFrame` long: a partial last frame is copied into the cursor's
/// own buffer and padded with silence in the buffer's format. Frame `k` starts `k * layout.milliseconds` after
/// the first; a sender paces by waiting until `start + timestamp` (an absolute deadline, so waits do not drift).
/// The cursor borrows the audio: it must stay valid and unchanged while the cursor is used.
public final class FrameCursor {
    public let layout: FrameLayout
    private let audio: UnsafeRawBufferPointer
    private let padded: UnsafeMutableRawBufferPointer
    /// Byte offset of the next frame.
    public private(set) var position = 0
    /// Index of the next frame.
    public private(set) var index = 0

    public init(layout: FrameLayout, audio: UnsafeRawBufferPointer) {
        self.layout = layout
        self.audio = audio
        padded = .allocate(byteCount: layout.bytesPerFrame, alignment: 8)
    }

    deinit { padded.deallocate() }

    /// Frames in the audio, counting a partial last one.
    public var frameCount: Int { (audio.count + layout.bytesPerFrame - 1) / layout.bytesPerFrame }

    /// The next frame and its start time in microseconds from the first frame, or nil at the end. The bytes are
    /// valid until the next call or until the cursor is released.
    public func next() -> (frame: UnsafeRawBufferPointer, timestampMicroseconds: Int)? {
        guard position < audio.count, let base = audio.baseAddress else { return nil }
        let size = layout.bytesPerFrame
        let timestamp = index * layout.milliseconds * 1000
        let frame: UnsafeRawBufferPointer
        if audio.count - position >= size {
            frame = UnsafeRawBufferPointer(start: base + position, count: size)
        } else {
            let tail = audio.count - position
            padded.baseAddress!.copyMemory(from: base + position, byteCount: tail)
            padded.baseAddress!.advanced(by: tail).initializeMemory(
                as: UInt8.self, repeating: layout.format.silenceByte, count: size - tail)
            frame = UnsafeRawBufferPointer(padded)
        }
        position = min(position + size, audio.count)
        index += 1
        return (frame, timestamp)
    }

    /// Starts again from the first frame.
    public func rewind() {
        position = 0
        index = 0
    }
}
