import Foundation
import SecondCLI

// A parent may hand us blocked signals (test runners, some supervisors): unblock the ones
// `serve` waits for before any thread exists, so every thread inherits the clean mask.
var unblock = sigset_t()
sigemptyset(&unblock)
sigaddset(&unblock, SIGINT)
sigaddset(&unblock, SIGTERM)
sigprocmask(SIG_UNBLOCK, &unblock, nil)
signal(SIGPIPE, SIG_IGN)
exit(SecondCLI.main(CommandLine.arguments))
