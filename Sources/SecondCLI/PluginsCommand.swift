import Foundation
import SecondConfig
import SecondDeployment
import SecondPluginHost

/// `second plugins list` and `second plugins inspect`.
enum PluginsCommand {
    static func run(_ args: [String], environment: [String: String]) throws -> Int32 {
        guard let sub = args.first else { throw Arguments.UsageError(message: "missing subcommand (valid: list, inspect, check)") }
        if sub == "check" { return try PluginCheckCommand.run(Array(args.dropFirst())) }
        let a = try Arguments(Array(args.dropFirst()), options: ["config"], flags: ["json"])
        switch sub {
        case "list":
            guard a.positionals.isEmpty else { throw Arguments.UsageError(message: "unexpected argument \"\(a.positionals[0])\"") }
            return list(a, environment: environment)
        case "inspect":
            guard a.positionals.count == 1 else { throw Arguments.UsageError(message: "expected one plugin name or component id (kind.type)") }
            return inspect(a.positionals[0], a, environment: environment)
        default: throw Arguments.UsageError(message: "unknown subcommand \"\(sub)\" (valid: list, inspect, check)")
        }
    }

    /// With --config (or SECOND_CONFIG): the plugins that deployment loads. Otherwise every plugin on
    /// the search path. Refused files are reported on stderr and make the exit code 1.
    static func catalog(_ a: Arguments, environment: [String: String]) -> (PluginCatalog, [String])? {
        if let file = a.options["config"] ?? environment["SECOND_CONFIG"] {
            let d = Deployment.load(file: file, environment: environment)
            return (d.catalog, d.diagnostics.map(\.description))
        }
        var catalog = PluginCatalog()
        let path = PluginSearchPath.resolve(environment: environment, configured: [], configDir: nil, executableDir: PluginSearchPath.executableDir)
        let errors = catalog.discover(searchPath: path)
        return (catalog, errors.map(\.description))
    }

    static func list(_ a: Arguments, environment: [String: String]) -> Int32 {
        guard let (catalog, errors) = catalog(a, environment: environment) else { return ExitCode.failure }
        if a.flags.contains("json") {
            Output.out(ConfigNode(.array(catalog.plugins.map(pluginNode))).toJSONString(sortedKeys: false, pretty: true))
        } else {
            for p in catalog.plugins {
                Output.out("\(p.name) \(p.version)  ABI \(p.abi)  \(p.magic.sdkVersion)  \(p.path)")
                for c in p.components { Output.out("  \(c.id)  [\(c.stability.name)]  \(c.summary)") }
            }
            if catalog.plugins.isEmpty { Output.err("no plugins found") }
        }
        for e in errors { Output.err(e) }
        return errors.isEmpty ? ExitCode.ok : ExitCode.failure
    }

    static func inspect(_ id: String, _ a: Arguments, environment: [String: String]) -> Int32 {
        guard let (catalog, errors) = catalog(a, environment: environment) else { return ExitCode.failure }
        for e in errors { Output.err(e) }
        let node: ConfigNode
        if let p = catalog.plugin(named: id) {
            node = pluginNode(p, schemas: true)
        } else if let c = catalog.component(id: id) {
            node = componentNode(c, schemas: true)
        } else {
            let ids = (catalog.plugins.map(\.name) + catalog.components.map(\.id)).sorted()
            Output.err("second plugins inspect: no plugin or component \"\(id)\" (valid: \(ids.joined(separator: ", ")))")
            return ExitCode.failure
        }
        if a.flags.contains("json") {
            Output.out(node.toJSONString(sortedKeys: false, pretty: true))
        } else {
            Output.out(text(node))
        }
        return ExitCode.ok
    }

    static func pluginNode(_ p: LoadedPlugin) -> ConfigNode { pluginNode(p, schemas: false) }

    static func pluginNode(_ p: LoadedPlugin, schemas: Bool) -> ConfigNode {
        .object([
            "name": .init(.string(p.name)), "version": .init(.string(p.version)), "path": .init(.string(p.path)),
            "abi": .init(.string(p.abi)), "sdk": .init(.string(p.magic.sdkVersion)),
            "swift": .init(.string(p.magic.swiftCompiler)), "description": .init(.string(p.summary)),
            "components": .init(.array(p.components.map { componentNode($0, schemas: schemas) })),
        ])
    }

    static func componentNode(_ c: ComponentInfo, schemas: Bool) -> ConfigNode {
        var entries: [ConfigEntry] = [
            ConfigEntry(key: "id", value: .init(.string(c.id))),
            ConfigEntry(key: "kind", value: .init(.string(c.kind.prefix))),
            ConfigEntry(key: "type", value: .init(.string(c.type))),
            ConfigEntry(key: "stability", value: .init(.string(c.stability.name))),
            ConfigEntry(key: "description", value: .init(.string(c.summary))),
            ConfigEntry(key: "plugin", value: .init(.string(c.pluginName))),
            ConfigEntry(key: "threadsafe", value: .init(.bool(c.isThreadSafe))),
            ConfigEntry(key: "needs_spawn", value: .init(.bool(c.needsSpawn))),
            ConfigEntry(key: "needs_network", value: .init(.bool(c.needsNetwork))),
        ]
        if schemas {
            let schema = c.configSchema.flatMap { try? ConfigNode.parseJSON($0) } ?? ConfigNode(.null)
            entries.append(ConfigEntry(key: "config_schema", value: schema))
        }
        return ConfigNode(.object(entries))
    }

    static func text(_ node: ConfigNode) -> String {
        var lines: [String] = []
        for e in node.objectEntries ?? [] {
            switch e.value.value {
            case .array(let items) where e.key == "components":
                for item in items { lines.append("component:"); lines += text(item).split(separator: "\n").map { "  " + $0 } }
            case .object, .array: lines.append("\(e.key): \(e.value.toJSONString(sortedKeys: false, pretty: true))")
            default: lines.append("\(e.key): \(e.value.stringValue ?? e.value.toJSONString())")
            }
        }
        return lines.joined(separator: "\n")
    }
}
