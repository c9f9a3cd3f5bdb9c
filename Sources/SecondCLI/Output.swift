import Foundation

/// stdout carries command results (JSON, tables); stderr carries diagnostics and logs.
enum Output {
    static func out(_ s: String) { FileHandle.standardOutput.write(Data((s.hasSuffix("\n") ? s : s + "\n").utf8)) }
    static func err(_ s: String) { FileHandle.standardError.write(Data((s.hasSuffix("\n") ? s : s + "\n").utf8)) }
}

/// Exit codes shared by every command.
public enum ExitCode {
    public static let ok: Int32 = 0
    /// Invalid config, a refused plugin, a failed start.
    public static let failure: Int32 = 1
    /// Wrong command-line usage.
    public static let usage: Int32 = 2
}

/// A tiny argument parser: positionals plus `--flag` / `--option value` / `--option=value`.
struct Arguments {
    var positionals: [String] = []
    var options: [String: String] = [:]
    var flags: Set<String> = []

    struct UsageError: Error { let message: String }

    init(_ args: [String], options known: Set<String>, flags knownFlags: Set<String>) throws {
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--" { positionals += args[(i + 1)...]; break }
            if a.hasPrefix("--") {
                let body = String(a.dropFirst(2))
                let parts = body.split(separator: "=", maxSplits: 1).map(String.init)
                let name = parts[0]
                if knownFlags.contains(name) {
                    guard parts.count == 1 else { throw UsageError(message: "--\(name) takes no value") }
                    flags.insert(name)
                } else if known.contains(name) {
                    if parts.count == 2 { options[name] = parts[1] }
                    else {
                        guard i + 1 < args.count, !args[i + 1].hasPrefix("--") else { throw UsageError(message: "--\(name) needs a value") }
                        options[name] = args[i + 1]; i += 1
                    }
                } else {
                    let valid = (known.union(knownFlags)).sorted().map { "--\($0)" }
                    throw UsageError(message: "unknown option --\(name)" + (valid.isEmpty ? " (this command takes no options)" : " (valid: \(valid.joined(separator: ", ")))"))
                }
            } else if a.hasPrefix("-") && a.count > 1 {
                throw UsageError(message: "unknown option \(a) (options are spelled --name)")
            } else {
                positionals.append(a)
            }
            i += 1
        }
    }
}
