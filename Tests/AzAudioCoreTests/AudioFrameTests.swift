import AzAudioCore
import XCTest

/// Frame sizes and the frame cursor.
final class AudioFrameTests: XCTestCase {
    func testTwentyMillisecondFrameSizes() throws {
        XCTAssertEqual(try FrameLayout(format: .ulaw, sampleRate: 8000, milliseconds: 20).bytesPerFrame, 160)
        XCTAssertEqual(try FrameLayout(format: .pcm16, sampleRate: 24000, milliseconds: 20).bytesPerFrame, 960)
        XCTAssertEqual(
            try FrameLayout(format: .pcm16, sampleRate: 48000, channels: 2, milliseconds: 10).bytesPerFrame, 1920)
        XCTAssertEqual(try FrameLayout(format: .alaw, sampleRate: 16000, milliseconds: 30).samplesPerFrame, 480)
    }

    func testImpossibleLayoutsAreRejected() {
        XCTAssertThrowsError(try FrameLayout(format: .pcm16, sampleRate: 11025, milliseconds: 20))
        XCTAssertThrowsError(try FrameLayout(format: .pcm16, sampleRate: 0, milliseconds: 20))
        XCTAssertThrowsError(try FrameLayout(format: .pcm16, sampleRate: 8000, channels: 0, milliseconds: 20))
        XCTAssertThrowsError(try FrameLayout(format: .pcm16, sampleRate: 8000, milliseconds: 0))
    }

    func testCursorGivesWholeFramesWithTimestampsAndPadsTheLastWithSilence() throws {
        let layout = try FrameLayout(format: .ulaw, sampleRate: 8000, milliseconds: 20)
        let audio: [UInt8] = (0..<400).map { UInt8($0 % 200) }
        try audio.withUnsafeBytes { raw in
            let cursor = try FrameCursor(layout: layout, audio: raw)
            XCTAssertEqual(cursor.frameCount, 3)
            var frames: [([UInt8], Int)] = []
            while let (frame, timestamp) = cursor.next() { frames.append((Array(frame), timestamp)) }
            XCTAssertEqual(frames.map(\.1), [0, 20000, 40000])
            XCTAssertTrue(frames.allSatisfy { $0.0.count == 160 })
            XCTAssertEqual(frames[0].0, Array(audio[0..<160]))
            XCTAssertEqual(Array(frames[2].0[0..<80]), Array(audio[320..<400]))
            XCTAssertEqual(Array(frames[2].0[80...]), [UInt8](repeating: 0xFF, count: 80))
            XCTAssertNil(cursor.next())
            cursor.rewind()
            XCTAssertEqual(try XCTUnwrap(cursor.next()).timestampMicroseconds, 0)
        }
    }

    func testEmptyAudioHasNoFrames() throws {
        let cursor = try FrameCursor(
            layout: try FrameLayout(format: .pcm16, sampleRate: 8000, milliseconds: 20),
            audio: UnsafeRawBufferPointer(start: nil, count: 0))
        XCTAssertEqual(cursor.frameCount, 0)
        XCTAssertNil(cursor.next())
    }
}
