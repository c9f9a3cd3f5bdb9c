import Foundation

/// A self-pipe that interrupts `poll` in a listener thread: once `wake()` is called the read end stays readable,
/// so every later poll (including backoff sleeps) returns at once.
final class WakePipe: @unchecked Sendable {
    private let fds: (read: Int32, write: Int32)

    init() {
        var p: [Int32] = [-1, -1]
        if pipe(&p) == 0 {
            for fd in p { _ = fcntl(fd, F_SETFD, FD_CLOEXEC); _ = fcntl(fd, F_SETFL, O_NONBLOCK) }
        } else {
            p = [-1, -1]
        }
        fds = (p[0], p[1])
    }
    deinit { if fds.read >= 0 { close(fds.read) }; if fds.write >= 0 { close(fds.write) } }

    var readFD: Int32 { fds.read }

    func wake() { var b: UInt8 = 1; _ = write(fds.write, &b, 1) }

    /// Sleeps up to `ms`; true when woken.
    func sleep(ms: UInt64) -> Bool {
        var pfd = pollfd(fd: fds.read, events: Int16(POLLIN), revents: 0)
        let deadline = BusClock.nowMs() + ms
        while true {
            let left = deadline > BusClock.nowMs() ? deadline - BusClock.nowMs() : 0
            let n = poll(&pfd, 1, Int32(min(left, UInt64(Int32.max))))
            if n > 0 { return true }
            if n == 0 || (n < 0 && errno != EINTR) || left == 0 { return false }
        }
    }
}
