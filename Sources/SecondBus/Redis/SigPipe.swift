import Foundation

/// hiredis 0.14 writes with plain write(), so a write to a peer that went away (Redis killed mid-command) raises
/// SIGPIPE, whose default action kills the process. Linux has no per-socket opt-out, so the process ignores it
/// (the write then fails with EPIPE and the command with `.unavailable`). A handler someone else installed is kept.
enum SigPipe {
    static let ignore: Void = {
        var current = sigaction()
        // A nil handler is SIG_DFL.
        guard sigaction(SIGPIPE, nil, &current) == 0, current.__sigaction_handler.sa_handler == nil else { return }
        _ = signal(SIGPIPE, SIG_IGN)
    }()
}
