import Foundation
import SecondDeployment

/// `second config check FILE` and `second config schema`.
enum ConfigCommand {
    static func run(_ args: [String], environment: [String: String]) throws -> Int32 {
        guard let sub = args.first else { throw Arguments.UsageError(message: "missing subcommand (valid: check, schema)") }
        let rest = Array(args.dropFirst())
        switch sub {
        case "check": return try check(rest, environment: environment)
        case "schema":
            _ = try Arguments(rest, options: [], flags: [])
            Output.out(Deployment.schemaJSON)
            return ExitCode.ok
        default: throw Arguments.UsageError(message: "unknown subcommand \"\(sub)\" (valid: check, schema)")
        }
    }

    /// Exit 0 valid, 1 invalid, 2 usage. No component is created or started.
    static func check(_ args: [String], environment: [String: String]) throws -> Int32 {
        let a = try Arguments(args, options: [], flags: ["quiet"])
        guard a.positionals.count == 1 else {
            throw Arguments.UsageError(message: a.positionals.isEmpty ? "missing FILE" : "expected one FILE, got \(a.positionals.count)")
        }
        let file = a.positionals[0]
        guard FileManager.default.isReadableFile(atPath: file) else {
            Output.err("\(file): error: cannot read the file")
            return ExitCode.failure
        }
        let deployment = Deployment.load(file: file, environment: environment)
        var diagnostics = deployment.diagnostics
        if diagnostics.isEmpty { diagnostics += deployment.validateComponents() }
        guard diagnostics.isEmpty else {
            SecondCLI.report(diagnostics)
            return ExitCode.failure
        }
        if !a.flags.contains("quiet") { Output.out(deployment.redactedEffectiveJSON()) }
        Output.err("\(file): ok (\(deployment.catalog.plugins.count) plugin(s), \(deployment.components.count) component instance(s))")
        return ExitCode.ok
    }
}
