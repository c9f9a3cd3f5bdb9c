import Foundation
@testable import SecondDeployment

enum Paths {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let buildDir = URL(fileURLWithPath: root + "/.build/debug").resolvingSymlinksInPath().path
    static let second = buildDir + "/second"
}

/// Writes `yaml` to a fresh temp file and returns its path.
func writeYAML(_ yaml: String, name: String = "deploy.yaml") -> String {
    let dir = NSTemporaryDirectory() + "second-deploy-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/" + name
    _ = FileManager.default.createFile(atPath: path, contents: Data(yaml.utf8))
    return path
}

func load(_ yaml: String, env: [String: String] = [:]) -> Deployment {
    Deployment.load(file: writeYAML(yaml), environment: env, executableDir: Paths.buildDir)
}

/// Runs the built `second` binary.
func runSecond(_ args: [String], env: [String: String] = [:], stdinNull: Bool = true) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: Paths.second)
    p.arguments = args
    var environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
    for (k, v) in env { environment[k] = v }
    p.environment = environment
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}
