import Foundation
import SecondConfig
import SecondPluginHost

/// `second plugins check FILE [--config ID=JSON ...]`: the conformance kit for plugin authors.
/// Loads the library through every loader check, then for each component: schema defaults,
/// the plugin's validate, create → start → stop → destroy, and create → stop (without start) →
/// destroy. Prints one line per step; exit 0 when every step passed.
enum PluginCheckCommand {
    static func run(_ args: [String]) throws -> Int32 {
        var configs: [String: String] = [:]
        var files: [String] = []
        var i = 0
        while i < args.count {
            if args[i] == "--config" || args[i].hasPrefix("--config=") {
                let value: String
                if args[i] == "--config" {
                    guard i + 1 < args.count else { throw Arguments.UsageError(message: "--config needs ID=JSON") }
                    value = args[i + 1]; i += 1
                } else { value = String(args[i].dropFirst("--config=".count)) }
                guard let eq = value.firstIndex(of: "=") else { throw Arguments.UsageError(message: "--config takes ID=JSON, e.g. auth.static_tokens='{\"tokens_file\":\"t.json\"}'") }
                configs[String(value[..<eq])] = String(value[value.index(after: eq)...])
            } else if args[i].hasPrefix("-") {
                throw Arguments.UsageError(message: "unknown option \(args[i]) (valid: --config ID=JSON)")
            } else { files.append(args[i]) }
            i += 1
        }
        guard files.count == 1 else { throw Arguments.UsageError(message: "expected one plugin file") }
        var failures = 0
        func step(_ ok: Bool, _ text: String) { Output.out("\(ok ? "ok  " : "FAIL") \(text)"); if !ok { failures += 1 } }

        let plugin: LoadedPlugin
        do { plugin = try PluginLoader.load(path: files[0]) } catch {
            step(false, "load: \(error.message)")
            return ExitCode.failure
        }
        step(true, "load: \(plugin.name) \(plugin.version), ABI \(plugin.abi), \(plugin.magic.sdkVersion), \(plugin.components.count) component(s)")
        for c in plugin.components {
            let given = configs[c.id] ?? "{}"
            guard let raw = try? ConfigNode.parseJSON(given) else { step(false, "\(c.id): --config is not valid JSON"); continue }
            var config = raw
            if let schemaText = c.configSchema, let schema = try? JSONSchema(json: schemaText) {
                let (normalized, errors) = schema.validate(raw)
                if !errors.isEmpty {
                    step(false, "\(c.id): example config does not match the schema (\(errors.map(\.description).joined(separator: "; "))); pass --config \(c.id)=JSON")
                    continue
                }
                config = normalized
            }
            let json = config.toJSONString(sortedKeys: true)
            if let e = ComponentInstance.validate(component: c, name: "check", configJSON: json) { step(false, "\(c.id): validate: \(e.message)"); continue }
            step(true, "\(c.id): validate")
            let a = ComponentInstance(component: c, name: "check-a", configJSON: json)
            do {
                try a.create(); try a.start()
                step(true, "\(c.id): create, start")
            } catch { step(false, "\(c.id): \(error.description)") }
            a.shutdown()
            step(a.state == .destroyed || a.state == .failed, "\(c.id): stop, destroy")
            let b = ComponentInstance(component: c, name: "check-b", configJSON: json)
            do { try b.create(); b.shutdown(); step(b.state == .destroyed, "\(c.id): stop without start, destroy") }
            catch { step(false, "\(c.id): second create: \(error.description)") }
        }
        Output.out(failures == 0 ? "all checks passed" : "\(failures) check(s) failed")
        return failures == 0 ? ExitCode.ok : ExitCode.failure
    }
}
