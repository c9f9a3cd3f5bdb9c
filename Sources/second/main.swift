import Foundation
import SecondCLI

signal(SIGPIPE, SIG_IGN)
exit(SecondCLI.main(CommandLine.arguments))
