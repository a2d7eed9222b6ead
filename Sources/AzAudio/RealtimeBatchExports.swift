import AzAudioCore
import CAzAudio
import Glibc

/// azaudio_realtime_take_events: pull mode in batches, each event with its type, audio and JSON filled in.

/// The record size this library writes, and the most a caller may declare (a bigger one is a bug, not a newer
/// header).
private let knownRecordSize = MemoryLayout<azaudio_realtime_event_record>.size
private let largestRecordSize = 4096

/// Checks the caller's array description; returns the capacity. Sizes arrive as Int (size_t): a negative one was
/// over Int.max as size_t.
private func checkedCapacity(
    _ records: UnsafeMutableRawPointer?, _ recordSize: Int, _ capacity: Int, _ timeoutMs: Int32
) throws(AzError) -> Int {
    guard records != nil else { throw .invalidArgument("records is NULL") }
    let alignment = MemoryLayout<azaudio_realtime_event_record>.alignment
    guard recordSize >= knownRecordSize && recordSize <= largestRecordSize && recordSize % alignment == 0 else {
        throw .invalidArgument(
            "record_size is \(UInt(bitPattern: recordSize)); use sizeof(azaudio_realtime_event_record) "
                + "(\(knownRecordSize) to \(largestRecordSize) bytes, a multiple of \(alignment))")
    }
    guard capacity != 0 else { throw .invalidArgument("capacity is 0; give room for at least one record") }
    guard capacity > 0, !capacity.multipliedReportingOverflow(by: recordSize).overflow else {
        throw .invalidArgument("capacity is \(UInt(bitPattern: capacity)): records of that many cannot exist")
    }
    guard timeoutMs >= -1 else { throw .invalidArgument("timeout_ms is \(timeoutMs); use -1, 0 or a positive value") }
    return capacity
}

/// Writes the record of a taken event (now the caller's) into `slot`: zeroes record_size bytes, then sets the
/// fields (padding and fields a newer header appended stay zero).
private func fill(_ slot: UnsafeMutableRawPointer, _ recordSize: Int, with event: RealtimeEvent) {
    slot.initializeMemory(as: UInt8.self, repeating: 0, count: recordSize)
    let box = RealtimeEventBox(event)
    let json = box.jsonSpan
    let audio = event.audio
    let record = slot.assumingMemoryBound(to: azaudio_realtime_event_record.self)
    record.pointee.event = OpaquePointer(Unmanaged.passRetained(box).toOpaque())
    record.pointee.type = event.kind.rawValue
    if audio.count > 0, let bytes = audio.pointer {
        record.pointee.audio = UnsafePointer(bytes.assumingMemoryBound(to: UInt8.self))
        record.pointee.audio_size = audio.count
    }
    record.pointee.json = json.pointer
    record.pointee.json_size = json.count
}

@c @implementation
public func azaudio_realtime_take_events(
    _ session: OpaquePointer!, _ records: UnsafeMutablePointer<azaudio_realtime_event_record>!, _ recordSize: Int,
    _ capacity: Int, _ outCount: UnsafeMutablePointer<Int>!, _ timeoutMs: Int32
) -> azaudio_result {
    outCount?.pointee = 0
    return withSession(session, "azaudio_realtime_take_events") { s throws(AzError) in
        guard let outCount else { throw .invalidArgument("out_count is NULL") }
        let base = UnsafeMutableRawPointer(records)
        let limit = try checkedCapacity(base, recordSize, capacity, timeoutMs)
        let events = try s.takeEvents(upTo: limit, timeoutMs: Int(timeoutMs))
        guard let base else { return }
        for (index, event) in events.enumerated() { fill(base + index * recordSize, recordSize, with: event) }
        outCount.pointee = events.count
    }
}
