import Foundation
import Testing
@testable import SecondPluginHost

/// Locations of the package and its build products, and helpers shared by the host tests.
enum TestPaths {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    /// The debug build folder that holds the first-party plugin libraries.
    static let buildDir: String = URL(fileURLWithPath: root + "/.build/debug").resolvingSymlinksInPath().path
    static func firstParty(_ product: String) -> String { "\(buildDir)/lib\(product).so" }
    static let vendorPlugin = root + "/samples/vendor-plugin/.build/debug/libacme-auth.so"
    static let cPlugin = root + "/samples/c-plugin/build/libsecond-c-api-key.so"
    static let header = root + "/plugin-api/include/second_plugin.h"
    static let fixtureSource = root + "/Tests/SecondPluginHostTests/Fixtures/fixture_plugin.c"
}

enum Shell {
    struct Result { var status: Int32; var output: String }
    /// Runs a command and returns its exit status and combined output.
    @discardableResult
    static func run(_ argv: [String], cwd: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}

/// Builds variants of Tests/.../Fixtures/fixture_plugin.c with -D flags (one .so per variant).
enum Fixture {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var built: [String: String] = [:]
    static let dir: String = {
        let d = NSTemporaryDirectory() + "second-fixtures-\(getpid())"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    /// `defines` such as ["FIXTURE_NAME=\"x\"", "FIXTURE_START_FAILS"]. `file` names the output.
    static func build(_ file: String, _ defines: [String] = []) throws -> String {
        lock.lock(); defer { lock.unlock() }
        if let p = built[file] { return p }
        let out = "\(dir)/\(file).so"
        let r = try Shell.run(["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-fvisibility=hidden",
                               "-I", TestPaths.root + "/plugin-api/include"] + defines.map { "-D" + $0 } + ["-o", out, TestPaths.fixtureSource])
        guard r.status == 0 else { throw FixtureError(message: "cc failed for \(file): \(r.output)") }
        built[file] = out
        return out
    }
    struct FixtureError: Error, CustomStringConvertible { let message: String; var description: String { message } }
}

/// Captures host log lines (the Logger is process-wide, so tests filter by their own instance names).
final class LogCapture: @unchecked Sendable {
    static let shared: LogCapture = {
        let c = LogCapture()
        Logger.shared.level = .info
        Logger.shared.setWriter { line in c.append(line) }
        return c
    }()
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ l: String) { lock.lock(); lines.append(l); lock.unlock() }
    func matching(_ needle: String) -> [String] { lock.lock(); defer { lock.unlock() }; return lines.filter { $0.contains(needle) } }
    /// The fixture's lifecycle calls for one instance name, in order ("create", "start", ...).
    func lifecycle(_ instance: String) -> [String] {
        matching("fixture lifecycle: ").compactMap { line -> String? in
            guard let r = line.range(of: "fixture lifecycle: ") else { return nil }
            let rest = line[r.upperBound...].prefix { $0 != "\"" }
            let parts = rest.split(separator: " ")
            return parts.count == 2 && parts[1] == instance ? String(parts[0]) : nil
        }
    }
}

/// A component info for instance tests.
func component(_ plugin: LoadedPlugin, _ id: String) throws -> ComponentInfo {
    try #require(plugin.components.first { $0.id == id }, "plugin \(plugin.name) has no component \(id)")
}
