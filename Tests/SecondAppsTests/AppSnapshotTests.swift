import Testing
import SecondCore
@testable import SecondApps

@Suite struct AppSnapshotTests {
    @Test func basics() throws {
        let s = try AppSnapshot(files: ["index.html": "<html>", "src/main.tsx": "é", "agents.json": specAgentsJSON])
        #expect(s.fileCount == 3)
        #expect(s.sizeBytes == 6 + 2 + specAgentsJSON.utf8.count)
        #expect(s.agentsJSON == specAgentsJSON && s.integrationSetupJSON == nil)
        #expect(s.hash.count == 64)
        let same = try AppSnapshot(files: ["agents.json": specAgentsJSON, "src/main.tsx": "é", "index.html": "<html>"])
        #expect(same.hash == s.hash)
        #expect(try AppSnapshot(files: ["index.html": "<html> "]).hash != s.hash)
        #expect(try AppSnapshot(files: ["sub/agents.json": "{}"]).agentsJSON == nil, "only the root file counts")
        #expect(try AppSnapshot(files: [:]).fileCount == 0)
    }

    @Test(arguments: ["/etc/passwd", "../x", "a/../../b", "a//b", "./a", "a/./b", "", "a\\b", "C:/x", "~/x", "a\u{0}b", "src/"])
    func badPaths(_ path: String) {
        #expect(throws: SnapshotError.self) { try AppSnapshot(files: [path: "x"]) }
        do { _ = try AppSnapshot(files: [path: "x", "ok.txt": "y"]) } catch {
            #expect(error.problems.map(\.path) == [path])
        }
    }

    @Test(arguments: ["a", "src/main.tsx", ".env", "a..b/c", "dir/.hidden/x.json"])
    func goodPaths(_ path: String) throws { _ = try AppSnapshot(files: [path: "x"]) }

    @Test func limits() throws {
        let mib = 1 << 20
        _ = try AppSnapshot(files: ["big.txt": String(repeating: "a", count: mib)])
        do { _ = try AppSnapshot(files: ["big.txt": String(repeating: "a", count: mib + 1)]); Issue.record("accepted") } catch {
            #expect(error.problems.count == 1 && error.problems[0].path == "big.txt" && error.problems[0].message.contains("1 MiB"))
        }
        let chunk = String(repeating: "b", count: mib)
        var files: [String: String] = [:]
        for i in 0..<12 { files["f\(i)"] = chunk }
        _ = try AppSnapshot(files: files)
        files["f12"] = "x"
        do { _ = try AppSnapshot(files: files); Issue.record("accepted") } catch {
            #expect(error.problems.map(\.path) == [nil] && error.description.contains("12 MiB"))
        }
        var many: [String: String] = [:]
        for i in 0..<2000 { many["f\(i)"] = "" }
        _ = try AppSnapshot(files: many)
        many["one-more"] = ""
        #expect(throws: SnapshotError.self) { try AppSnapshot(files: many) }
        do { _ = try AppSnapshot(files: ["bin.dat": "a\u{0}b"]); Issue.record("accepted") } catch {
            #expect(error.problems.map(\.path) == ["bin.dat"] && error.description.contains("NUL"))
        }
    }
}
