// libFuzzer target for the WAV parser. Compiled together with the engine's audio sources (no module import):
//
//   swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name WAVFuzz \
//       fuzz/wav/main.swift Sources/AzAudioCore/Audio/*.swift Sources/AzAudioCore/Errors/AzError.swift \
//       -o .build/fuzz-wav
//   .build/fuzz-wav -max_total_time=30 fuzz/wav/corpus
//
// Every input must either parse to an info that stays inside the input, or throw; a crash, a sanitizer report,
// a leak or a timeout is a bug.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWAV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: size == 0 ? nil : data, count: size)
    let source = MemoryByteSource(bytes)
    guard let info = try? WAVParser.parse(source) else { return 0 }
    // What the parser promises about an accepted file.
    precondition(info.channels > 0 && info.sampleRate > 0, "accepted a zero channel count or rate")
    precondition(info.dataOffset >= 12 && info.dataOffset + info.dataSize <= size, "data outside the input")
    precondition(info.dataSize % info.blockAlign == 0, "data is not whole frames")
    // Copying the samples reads exactly the data range (ASan checks the bounds).
    guard let buffer = try? AudioBuffer(wav: source) else { preconditionFailure("parsed, then failed to copy") }
    precondition(buffer.info == info)
    // A header written for the info parses back to the same format.
    let header = UnsafeMutableRawBufferPointer.allocate(byteCount: WAVHeader.size + info.dataSize, alignment: 8)
    defer { header.deallocate() }
    if info.dataSize <= WAVHeader.maxDataSize,
        (try? WAVHeader.write(info, dataSize: info.dataSize, into: header)) != nil
    {
        header.baseAddress!.advanced(by: WAVHeader.size).copyMemory(from: buffer.storage, byteCount: info.dataSize)
        let again = try? WAVParser.parse(MemoryByteSource(UnsafeRawBufferPointer(header)))
        precondition(
            again?.format == info.format && again?.channels == info.channels
                && again?.sampleRate == info.sampleRate && again?.dataSize == info.dataSize, "header round trip differs"
        )
    }
    // Down-mixed and resampled to 24 kHz mono, the audio gives ceil(N * 24000 / rate) samples, or the rate is
    // refused with an error (never a trap). Short files only: each new rate designs a filter.
    if info.frameCount <= 4096 {
        if let mono = try? buffer.monoPCM16(sampleRate: 24000) {
            precondition(mono.info.format == .pcm16 && mono.info.channels == 1 && mono.info.sampleRate == 24000)
            precondition(
                mono.info.frameCount == (info.frameCount * 24000 + info.sampleRate - 1) / info.sampleRate,
                "wrong sample count after resampling")
        } else {
            precondition(!Resampler.supports(info.sampleRate), "a supported rate was refused")
        }
    }
    return 0
}
