import CLinux
import Glibc

/// Starts a joinable pthread running a Swift closure (the engine has no Foundation `Thread`).
struct PosixThread {
    let handle: pthread_t

    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    static func start(name: String, _ body: @escaping () -> Void) -> PosixThread? {
        let box = Unmanaged.passRetained(
            Box({
                // Name the thread for debuggers and top (15 characters at most).
                clinux_set_thread_name(name)
                body()
            })
        ).toOpaque()
        var handle = pthread_t()
        let rc = pthread_create(
            &handle, nil,
            { raw in
                let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
                box.body()
                return nil
            }, box)
        guard rc == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            return nil
        }
        return PosixThread(handle: handle)
    }

    func join() { pthread_join(handle, nil) }

    static var currentID: pthread_t { pthread_self() }
}
