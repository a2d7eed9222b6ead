import AzAudioCore
import Glibc
import XCTest

/// Any WAV in: decoding every PCM and float width, averaging channels, and whole buffers to mono PCM16 at a rate.
final class AudioDownmixTests: XCTestCase {
    static func mono(_ bytes: [UInt8], _ format: AudioFormat, channels: Int = 1) -> [Int16] {
        let frames = Downmix.frames(inBytes: bytes.count, format: format, channels: channels)
        var out = [Int16](repeating: 0, count: frames)
        bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer {
                Downmix.toMonoPCM16(raw, format: format, channels: channels, into: $0)
            }
        }
        return out
    }

    static func le<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { v in (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    }

    func testMonoPCM16IsCopiedUnchanged() {
        let samples: [Int16] = [0, 1, -1, 32767, -32768, 1234]
        XCTAssertEqual(Self.mono(Self.le(samples), .pcm16), samples)
    }

    func testEveryWidthDecodesToTheSameLevels() {
        XCTAssertEqual(Self.mono([0x80, 0xFF, 0x00, 0xC0], .pcm8), [0, 32512, -32768, 16384])
        let pcm24: [UInt8] = [0x00, 0x00, 0x00, 0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x80, 0x80, 0x00, 0x00, 0x7F, 0x00, 0x00]
        XCTAssertEqual(Self.mono(pcm24, .pcm24), [0, 32767, -32768, 1, 0])  // 0x000080 rounds up, 0x00007F down
        XCTAssertEqual(
            Self.mono(Self.le([Int32(0), Int32.max, Int32.min, 0x0001_8000]), .pcm32), [0, 32767, -32768, 2])
        let floats: [Float] = [0, 1, -1, 0.5, 2, -7, .nan, .infinity]
        XCTAssertEqual(
            Self.mono(Self.le(floats.map { $0.bitPattern }), .float32),
            [0, 32767, -32768, 16384, 32767, -32768, 0, 32767])
        XCTAssertEqual(Self.mono(Self.le([0.25, -0.25].map { (x: Double) in x.bitPattern }), .float64), [8192, -8192])
        XCTAssertEqual(Self.mono([0xFF, 0x00], .ulaw), [ULaw.decodeTable[0xFF], ULaw.decodeTable[0]])
        XCTAssertEqual(Self.mono([0xD5], .alaw), [ALaw.decodeTable[0xD5]])
    }

    func testChannelsAreAveraged() {
        let stereo: [Int16] = [1000, 3000, -32768, -32768, 32767, -32767, 5, 6]
        XCTAssertEqual(Self.mono(Self.le(stereo), .pcm16, channels: 2), [2000, -32768, 0, 6])  // 5.5 rounds up
        let floats: [Float] = [0.5, 0.5, 0.5, 1, -1, 1]  // three channels
        XCTAssertEqual(Self.mono(Self.le(floats.map { $0.bitPattern }), .float32, channels: 3), [16384, 10923])
    }

    func testAPartialLastFrameIsNotAFrame() {
        XCTAssertEqual(Downmix.frames(inBytes: 11, format: .pcm24, channels: 2), 1)
        XCTAssertEqual(Downmix.frames(inBytes: 0, format: .float64, channels: 6), 0)
    }

    /// A WAV image of `frames` frames: a sine on every channel, in `format`.
    static func wav(_ format: AudioFormat, rate: Int, channels: Int, frames: Int, frequency: Double = 1000) -> [UInt8] {
        var samples: [UInt8] = []
        for i in 0..<frames {
            let x = 0.5 * sin(2 * Double.pi * frequency * Double(i) / Double(rate))
            for _ in 0..<channels {
                switch format {
                case .float32: samples += le([Float(x).bitPattern])
                case .float64: samples += le([x.bitPattern])
                case .pcm24: samples += Array(le([Int32((x * 8_388_607).rounded())]).prefix(3))
                default: samples += le([Int16((x * 32767).rounded())])
                }
            }
        }
        let info = WAVInfo(format: format, sampleRate: rate, channels: channels)
        var header = [UInt8](repeating: 0, count: WAVHeader.size)
        header.withUnsafeMutableBytes { try! WAVHeader.write(info, dataSize: samples.count, into: $0) }
        return header + samples
    }

    static func buffer(_ image: [UInt8]) throws -> AudioBuffer {
        try image.withUnsafeBytes { raw in try AudioBuffer(wav: MemoryByteSource(raw)) }
    }

    func testA44100HzStereoFloatWAVBecomes24KHzMonoPCM16() throws {
        let source = try Self.buffer(Self.wav(.float32, rate: 44100, channels: 2, frames: 44100))
        XCTAssertEqual(source.info.format, .float32)
        let mono = try source.monoPCM16(sampleRate: 24000)
        XCTAssertEqual(
            mono.info, WAVInfo(format: .pcm16, sampleRate: 24000, channels: 1, dataOffset: 0, dataSize: 48000))
        let pcm = mono.bytes.bindMemory(to: Int16.self)
        // The 1 kHz sine at half scale, away from the edges.
        var error = 0.0
        var signal = 0.0
        for i in 2400..<21600 {
            let ideal = 0.5 * 32768 * sin(2 * Double.pi * 1000 * Double(i) / 24000)
            signal += ideal * ideal
            error += (Double(pcm[i]) - ideal) * (Double(pcm[i]) - ideal)
        }
        XCTAssertGreaterThan(10 * log10(signal / error), 80)
    }

    func testRateZeroKeepsTheRateAndOnlyDownmixes() throws {
        let source = try Self.buffer(Self.wav(.pcm24, rate: 7000, channels: 3, frames: 700))
        let mono = try source.monoPCM16(sampleRate: 0)
        XCTAssertEqual(mono.info.sampleRate, 7000)
        XCTAssertEqual(mono.info.frameCount, 700)
    }

    func testAnUnsupportedRateIsAnErrorNotATrap() throws {
        let source = try Self.buffer(Self.wav(.pcm16, rate: 7000, channels: 1, frames: 70))
        XCTAssertThrowsError(try source.monoPCM16(sampleRate: 24000)) { error in
            XCTAssertEqual((error as? AzError)?.kind, .unsupported)
            XCTAssertTrue((error as? AzError)?.message.contains("7000 Hz") == true)
        }
        XCTAssertThrowsError(try source.monoPCM16(sampleRate: 500_000))
    }
}
