import Foundation
import SecondConfig
import SecondDeployment
import SecondPluginHost

/// The `second` command line. Each command returns an exit code (0 ok, 1 failure, 2 usage).
public enum SecondCLI {
    public static let version = "0.1.0"

    static let usage = """
    usage: second <command> [options]

    commands:
      serve [--config FILE]            web + worker in one process (the local default), until SIGINT/SIGTERM
      web [--config FILE]              the web role alone; reaches the worker at WORKER_URL with INTERNAL_API_TOKEN
      worker [--config FILE]           the worker role alone (listens on WORKER_HOST:WORKER_PORT)
      plugins list [--json] [--config FILE]
                                       plugins on the search path (or those the config loads)
      plugins inspect ID [--json] [--config FILE]
                                       a plugin (by name) or component (kind.type): versions, kinds, schema
      plugins check FILE [--config ID=JSON]
                                       conformance kit: load checks, schema, validate, lifecycle rules
      config check FILE [--quiet]      validate FILE (all errors as FILE:LINE:COL), run each component's
                                       validate, print the effective config with secrets redacted
      config schema                    print the JSON Schema of the deployment file
      version [--json]                 server version, plugin ABI, Swift compiler
      help                             this text

    The config file can also be given as SECOND_CONFIG. Environment variables of the self-hosting
    guide (SECOND_AUTH_MODE, MONGODB_URI, REDIS_URL, INTERNAL_API_TOKEN, ...) override the file.
    Plugins are searched in SECOND_PLUGIN_PATH, plugins.search_path, the executable's directory
    (and its plugins/), /usr/local/lib/second/plugins and /usr/lib/second/plugins.
    exit codes: 0 ok, 1 invalid config or failure, 2 usage error
    """

    public static func main(_ argv: [String], environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32 {
        var args = Array(argv.dropFirst())
        guard let command = args.first else { Output.err(usage); return ExitCode.usage }
        args.removeFirst()
        if let level = environment["SECOND_LOG_LEVEL"].flatMap(LogLevel.init(name:)) { Logger.shared.level = level }
        do {
            switch command {
            case "serve": return try ServeCommand.run(args, environment: environment)
            case "plugins": return try PluginsCommand.run(args, environment: environment)
            case "config": return try ConfigCommand.run(args, environment: environment)
            case "version", "--version": return try versionCommand(args)
            case "help", "--help", "-h": Output.out(usage); return ExitCode.ok
            case "web": return try ServeCommand.run(args, environment: environment, role: .web)
            case "worker": return try ServeCommand.run(args, environment: environment, role: .worker)
            default:
                Output.err("second: unknown command \"\(command)\" (valid: serve, plugins, config, version, help)\n\n\(usage)")
                return ExitCode.usage
            }
        } catch let e as Arguments.UsageError {
            Output.err("second \(command): \(e.message)")
            return ExitCode.usage
        } catch {
            Output.err("second \(command): \(error)")
            return ExitCode.failure
        }
    }

    static func versionCommand(_ args: [String]) throws -> Int32 {
        let a = try Arguments(args, options: [], flags: ["json"])
        guard a.positionals.isEmpty else { throw Arguments.UsageError(message: "unexpected argument \"\(a.positionals[0])\"") }
        let abi = HostABI.current
        if a.flags.contains("json") {
            Output.out(ConfigNode.object(["version": .init(.string(version)), "abi": .init(.string(abi.abi)),
                                          "swift": .init(.string(abi.swiftCompiler))]).toJSONString(sortedKeys: true))
        } else {
            Output.out("second \(version) (plugin ABI \(abi.abi), Swift \(abi.swiftCompiler))")
        }
        return ExitCode.ok
    }

    /// Prints diagnostics one per line as FILE:LINE:COL: error: MESSAGE.
    static func report(_ diagnostics: [ConfigDiagnostic]) {
        for d in diagnostics { Output.err(d.description) }
        if diagnostics.count > 1 { Output.err("\(diagnostics.count) errors") }
    }
}
