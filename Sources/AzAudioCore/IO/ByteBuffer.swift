import Glibc

/// A growable byte buffer with a read and a write index, reused across I/O operations so the steady state
/// allocates nothing: writers reserve space and commit what they wrote, readers consume from the front.
///
/// Not thread-safe; owners guard it.
///
/// Its four stored properties opt out of the runtime exclusivity check (`@exclusivity(unchecked)`): every access to
/// them is an instantaneous read or write inside this file's short methods, none held across a call to other code,
/// so two accesses can never overlap on one thread, and owners serialise threads. The check cost a runtime call on
/// each access (the class is public, so the compiler cannot prove it away), a dozen times per realtime frame.
public final class ByteBuffer {
    @exclusivity(unchecked) private var storage: UnsafeMutableRawPointer
    /// Bytes allocated.
    @exclusivity(unchecked) public private(set) var capacity: Int
    /// Offset of the first unread byte.
    @exclusivity(unchecked) public private(set) var readerIndex = 0
    /// Offset one past the last written byte.
    @exclusivity(unchecked) public private(set) var writerIndex = 0

    public init(capacity: Int = 4096) {
        self.capacity = max(capacity, 16)
        storage = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    /// Bytes written and not yet consumed.
    @inline(__always)
    public var readableCount: Int { writerIndex - readerIndex }

    @inline(__always)
    public var isEmpty: Bool { writerIndex == readerIndex }

    /// The unread bytes; valid until the next mutating call.
    @inline(__always)
    public var readableBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage + readerIndex, count: writerIndex - readerIndex)
    }

    /// Space for at least `count` more bytes at the write index; valid until the next mutating call. Moves unread
    /// bytes to the front or grows (doubling) when needed.
    @inline(__always)
    public func reserveWritable(_ count: Int) -> UnsafeMutableRawPointer {
        if capacity - writerIndex < count { makeRoom(count) }
        return storage + writerIndex
    }

    /// Marks `count` bytes after the write index as written.
    @inline(__always)
    public func commit(_ count: Int) {
        precondition(count >= 0 && writerIndex + count <= capacity)
        writerIndex += count
    }

    /// Appends a copy of `bytes`.
    public func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        let dst = reserveWritable(bytes.count)
        dst.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        writerIndex += bytes.count
    }

    /// Drops `count` bytes from the front; resets both indices when everything was read.
    @inline(__always)
    public func consume(_ count: Int) {
        precondition(count >= 0 && count <= readableCount)
        readerIndex += count
        if readerIndex == writerIndex {
            readerIndex = 0
            writerIndex = 0
        }
    }

    /// Forgets all content, keeping the allocation.
    public func clear() {
        readerIndex = 0
        writerIndex = 0
    }

    /// Gives the allocation back down to `capacity` when it grew beyond `threshold` and is empty.
    public func shrinkIfIdle(above threshold: Int, to newCapacity: Int) {
        guard isEmpty, capacity > threshold else { return }
        storage.deallocate()
        capacity = max(newCapacity, 16)
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    private func makeRoom(_ count: Int) {
        let unread = readableCount
        if readerIndex > 0 && capacity - unread >= count && unread <= capacity / 2 {
            // Compact: cheaper than growing when most of the buffer is consumed space.
            if unread > 0 { memmove(storage, storage + readerIndex, unread) }
        } else {
            var newCapacity = capacity
            while newCapacity - unread < count { newCapacity *= 2 }
            let newStorage = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
            if unread > 0 { newStorage.copyMemory(from: storage + readerIndex, byteCount: unread) }
            storage.deallocate()
            storage = newStorage
            capacity = newCapacity
        }
        readerIndex = 0
        writerIndex = unread
    }
}
