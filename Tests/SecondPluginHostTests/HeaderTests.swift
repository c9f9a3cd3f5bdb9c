import Foundation
import Testing

/// The ABI header is C11 and C++ clean, and changes to it come with a version bump.
@Suite struct HeaderTests {
    @Test func compilesAsC11() throws {
        let r = try Shell.run(["cc", "-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-fsyntax-only",
                               "-I", TestPaths.root + "/plugin-api/include", TestPaths.root + "/Tests/SecondPluginHostTests/Fixtures/header_check.c"])
        #expect(r.status == 0, "\(r.output)")
    }

    @Test func compilesAsCxx() throws {
        let r = try Shell.run(["c++", "-std=c++17", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-fsyntax-only",
                               "-I", TestPaths.root + "/plugin-api/include", TestPaths.root + "/Tests/SecondPluginHostTests/Fixtures/header_check.cpp"])
        #expect(r.status == 0, "\(r.output)")
    }

    /// CI guard (not a runtime gate): the header's sha256 is recorded with its ABI version in
    /// plugin-api/ABI.lock. Changing the header without bumping the version (and the lock) fails here.
    @Test func headerChangesComeWithAVersionBump() throws {
        let lock = try String(contentsOfFile: TestPaths.root + "/plugin-api/ABI.lock", encoding: .utf8)
        let r = try Shell.run(["sha256sum", TestPaths.header])
        let digest = String(r.output.prefix(64))
        let header = try String(contentsOfFile: TestPaths.header, encoding: .utf8)
        func define(_ name: String) -> String? {
            header.split(separator: "\n").first { $0.hasPrefix("#define \(name) ") }.map { String($0.split(separator: " ").last!) }
        }
        let version = "\(define("SECOND_PLUGIN_ABI_MAJOR") ?? "?").\(define("SECOND_PLUGIN_ABI_MINOR") ?? "?")"
        #expect(lock.contains("\(version) \(digest)"), "second_plugin.h changed: bump SECOND_PLUGIN_ABI_MINOR (or MAJOR) and add the line \"\(version) \(digest)\" to plugin-api/ABI.lock")
    }
}
