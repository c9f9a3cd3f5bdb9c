import Foundation
import SecondConfig
import SecondPluginHost

/// One configured component instance before it is created.
public struct ConfiguredComponent: Sendable {
    public let info: ComponentInfo
    public let name: String
    public let config: ConfigNode
    public let mark: SourceMark?
    public var id: String { "\(info.id)/\(name)" }
}

/// A deployment: YAML file (optional) + environment → validated config → the plugins it loads and the
/// component instances it configures. Loading never throws: every problem found is collected in
/// `diagnostics` so one run reports all of them.
public final class Deployment: @unchecked Sendable {
    public let file: String?
    public private(set) var config: DeploymentConfig
    public private(set) var effective: ConfigNode
    public private(set) var catalog = PluginCatalog()
    public private(set) var components: [ConfiguredComponent] = []
    public private(set) var diagnostics: [ConfigDiagnostic] = []
    public let searchPath: [String]
    private var envOrigins: [String: String] = [:]

    public var isValid: Bool { diagnostics.isEmpty }

    public static func load(file: String?, environment: [String: String],
                            executableDir: String? = PluginSearchPath.executableDir) -> Deployment {
        Deployment(file: file, environment: environment, executableDir: executableDir)
    }

    private init(file: String?, environment: [String: String], executableDir: String?) {
        self.file = file
        var diags: [ConfigDiagnostic] = []
        var root = ConfigNode(.object([]))
        if let file {
            let (loaded, d) = YAMLLoader.load(file: file, environment: environment)
            diags += d
            if let loaded {
                if loaded.isNull { root = ConfigNode(.object([]), mark: loaded.mark) }
                else if loaded.objectEntries == nil {
                    diags.append(ConfigDiagnostic(mark: loaded.mark, message: "the deployment file must be a mapping of keys (version, server, auth, plugins, components, ...), got \(loaded.typeName)"))
                } else { root = loaded }
            }
        }
        let (withEnv, origins, envErrors) = EnvironmentOverrides.apply(to: root, environment: environment)
        envOrigins = origins
        diags += envErrors
        // `null` sections (e.g. "components:" with nothing under it) mean "empty".
        let schema = try! JSONSchema(json: DeploymentSchema.json)   // a constant of ours; covered by tests
        let (normalized, violations) = schema.validate(withEnv.replacingNullSections())
        for v in violations { diags.append(Self.diagnostic(v, origins: origins, prefix: "")) }
        effective = normalized
        config = DeploymentConfig(normalized)
        for p in config.semanticProblems() {
            let node = normalized.at(p.path.split(separator: "/").map(String.init))
            diags.append(Self.diagnostic(SchemaViolation(pointer: p.path, message: p.message, mark: node?.mark), origins: origins, prefix: ""))
        }
        let configDir = file.map { (($0 as NSString).deletingLastPathComponent as String).isEmpty ? "." : ($0 as NSString).deletingLastPathComponent }
        searchPath = PluginSearchPath.resolve(environment: environment, configured: config.searchPath, configDir: configDir, executableDir: executableDir)
        diagnostics = diags
        loadPlugins(configDir: configDir)
        resolveComponents()
    }

    static func diagnostic(_ v: SchemaViolation, origins: [String: String], prefix: String) -> ConfigDiagnostic {
        if let variable = origins.first(where: { v.pointer == $0.key || v.pointer.hasPrefix($0.key + "/") })?.value {
            return ConfigDiagnostic(mark: nil, message: "environment variable \(variable) (\(v.pointer)): \(v.message)")
        }
        let where_ = v.pointer.isEmpty ? "" : "\(v.pointer): "
        return ConfigDiagnostic(mark: v.mark, message: "\(prefix)\(where_)\(v.message)")
    }

    // MARK: plugins

    private func loadPlugins(configDir: String?) {
        let loadNodes = effective.at(["plugins", "load"])?.arrayValue ?? []
        for node in loadNodes {
            guard let entry = node.stringValue else { continue }
            var path = PluginCatalog.resolve(entry, searchPath: searchPath)
            if let p = path, !p.hasPrefix("/"), p.contains("/"), let dir = configDir, file != nil {
                path = (dir as NSString).appendingPathComponent(p)
            }
            if path == nil { path = findByDeclaredName(entry) }
            guard let path else {
                diagnostics.append(ConfigDiagnostic(mark: node.mark, message: "plugin \"\(entry)\" not found on the plugin search path (\(searchPath.joined(separator: ":"))); give a path or set SECOND_PLUGIN_PATH"))
                continue
            }
            do { _ = try catalog.load(path: path) } catch {
                diagnostics.append(ConfigDiagnostic(mark: node.mark, message: error.description))
            }
        }
    }

    /// Finds a plugin whose declared name is `name` among the libraries on the search path.
    private func findByDeclaredName(_ name: String) -> String? {
        for candidate in PluginCatalog.candidateFiles(searchPath: searchPath) {
            if let p = try? PluginLoader.load(path: candidate), p.name == name { return candidate }
        }
        return nil
    }

    // MARK: components

    private func resolveComponents() {
        let sections = effective["components"]?.objectEntries ?? []
        var resolved: [ConfiguredComponent] = []
        var normalizedSections: [ConfigEntry] = []
        for section in sections {
            guard let kind = ComponentKind(prefix: section.key) else { continue }   // the schema already reported it
            var normalizedEntries: [ConfigEntry] = []
            for entry in section.value.objectEntries ?? [] {
                let label = "components.\(kind.prefix).\"\(entry.key)\""
                let parts = entry.key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2, PluginLoader.isValidType(parts[0]), PluginLoader.isValidInstanceName(parts[1]) else {
                    diagnostics.append(ConfigDiagnostic(mark: entry.keyMark ?? entry.value.mark,
                        message: "\(label): instance keys are \"type/name\" (type [a-z][a-z0-9_]*, name [a-z0-9][a-z0-9_-]*), e.g. \"static_tokens/main\""))
                    continue
                }
                let id = "\(kind.prefix).\(parts[0])"
                guard let info = catalog.component(id: id) else {
                    let available = catalog.components.filter { $0.kind == kind }.map(\.type).sorted()
                    let hint = available.isEmpty ? "no loaded plugin provides a \(kind.prefix) component; add its plugin to plugins.load"
                        : "valid: \(available.joined(separator: ", "))"
                    diagnostics.append(ConfigDiagnostic(mark: entry.keyMark ?? entry.value.mark,
                        message: "\(label): unknown \(kind.prefix) component type \"\(parts[0])\" (\(hint))"))
                    continue
                }
                var value = entry.value.isNull ? ConfigNode(.object([]), mark: entry.value.mark) : entry.value
                if let schemaText = info.configSchema, let schema = try? JSONSchema(json: schemaText) {
                    let (normalized, violations) = schema.validate(value)
                    for v in violations {
                        let mark = v.mark ?? entry.keyMark
                        diagnostics.append(ConfigDiagnostic(mark: mark, message: "\(label): \(v.pointer.isEmpty ? "" : v.pointer + ": ")\(v.message)"))
                    }
                    value = normalized
                } else if let entries = value.objectEntries, !entries.isEmpty {
                    diagnostics.append(ConfigDiagnostic(mark: entries[0].keyMark, message: "\(label): component \(id) takes no config (unknown key \"\(entries[0].key)\")"))
                }
                normalizedEntries.append(ConfigEntry(key: entry.key, keyMark: entry.keyMark, value: value))
                resolved.append(ConfiguredComponent(info: info, name: parts[1], config: value, mark: entry.keyMark))
            }
            normalizedSections.append(ConfigEntry(key: section.key, keyMark: section.keyMark, value: ConfigNode(.object(normalizedEntries), mark: section.value.mark)))
        }
        effective = effective.setting(["components"], to: ConfigNode(.object(normalizedSections)))
        components = orderAuth(resolved)
        if config.authMode == .external && !components.contains(where: { $0.info.kind == .auth }) {
            diagnostics.append(ConfigDiagnostic(mark: effective.at(["auth", "mode"])?.mark,
                message: "auth.mode external (SECOND_AUTH_MODE=external) needs at least one auth provider: add the provider's plugin to plugins.load and configure it under components.auth, e.g. \"static_tokens/main\": {tokens_file: /etc/second/tokens.json}"))
        }
    }

    /// Auth instances in `auth.providers` order when given (every listed id must be configured).
    private func orderAuth(_ list: [ConfiguredComponent]) -> [ConfiguredComponent] {
        guard let order = config.authProviderOrder else { return list }
        let auth = list.filter { $0.info.kind == .auth }
        var ordered: [ConfiguredComponent] = []
        let nodes = effective.at(["auth", "providers"])?.arrayValue ?? []
        for (i, ref) in order.enumerated() {
            let key = ref.hasPrefix("auth.") ? String(ref.dropFirst(5)) : ref
            if let c = auth.first(where: { "\($0.info.type)/\($0.name)" == key }) { ordered.append(c) }
            else {
                diagnostics.append(ConfigDiagnostic(mark: i < nodes.count ? nodes[i].mark : nil,
                    message: "/auth/providers/\(i): \"\(ref)\" is not a configured auth instance (configured: \(auth.map { "\($0.info.type)/\($0.name)" }.joined(separator: ", ")))"))
            }
        }
        for c in auth where !ordered.contains(where: { $0.id == c.id }) { ordered.append(c) }
        return ordered + list.filter { $0.info.kind != .auth }
    }

    // MARK: use

    /// Runs each configured component's own `validate` (no side effects). Errors carry the YAML mark.
    public func validateComponents() -> [ConfigDiagnostic] {
        components.compactMap { c in
            ComponentInstance.validate(component: c.info, name: c.name, configJSON: c.config.toJSONString(sortedKeys: true)).map {
                ConfigDiagnostic(mark: c.mark, message: "components.\(c.info.kind.prefix).\"\(c.info.type)/\(c.name)\": plugin \"\(c.info.pluginName)\" rejected the config: \($0.message)")
            }
        }
    }

    /// The instances to create, in order (auth chain order first).
    public func makeRuntime() -> PluginRuntime {
        let secrets = SecretStore(config.secrets)
        let instances = components.map { ComponentInstance(component: $0.info, name: $0.name, configJSON: $0.config.toJSONString(sortedKeys: true), secrets: secrets) }
        return PluginRuntime(catalog: catalog, instances: instances)
    }

    /// The effective configuration as JSON with every secret replaced by "<redacted>" and URL
    /// credentials removed.
    public func redactedEffectiveJSON() -> String {
        let schema = try! JSONSchema(json: DeploymentSchema.json)
        var node = schema.redacted(effective)
        for path in [["store", "mongodb_uri"], ["bus", "redis_url"], ["worker", "url"], ["server", "public_url"]] {
            if let s = node.at(path)?.stringValue { node = node.setting(path, to: ConfigNode(.string(Redaction.urlCredentials(s)))) }
        }
        var sections: [ConfigEntry] = []
        for section in node["components"]?.objectEntries ?? [] {
            var entries: [ConfigEntry] = []
            for e in section.value.objectEntries ?? [] {
                let c = components.first { "\($0.info.type)/\($0.name)" == e.key && $0.info.kind.prefix == section.key }
                let redacted = c?.info.configSchema.flatMap { try? JSONSchema(json: $0) }.map { $0.redacted(e.value) } ?? e.value
                entries.append(ConfigEntry(key: e.key, value: redacted))
            }
            sections.append(ConfigEntry(key: section.key, value: ConfigNode(.object(entries))))
        }
        node = node.setting(["components"], to: ConfigNode(.object(sections)))
        return node.toJSONString(sortedKeys: false, pretty: true)
    }
}

enum Redaction {
    /// "mongodb://user:pass@host/db" → "mongodb://user:<redacted>@host/db".
    static func urlCredentials(_ s: String) -> String {
        guard let scheme = s.range(of: "://"), let at = s[scheme.upperBound...].firstIndex(of: "@") else { return s }
        let userinfo = s[scheme.upperBound..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return s }
        return String(s[..<colon]) + ":<redacted>" + String(s[at...])
    }
}

extension ConfigNode {
    /// Top-level and `components` sections written as bare keys ("auth:" with nothing below) are null
    /// in YAML; treat them as empty mappings so the schema fills defaults.
    func replacingNullSections() -> ConfigNode {
        guard var entries = objectEntries else { return self }
        for i in entries.indices {
            if entries[i].value.isNull, ["server", "auth", "internal", "worker", "store", "bus", "security", "diagnostics", "telemetry", "plugins", "secrets", "components"].contains(entries[i].key) {
                entries[i].value = ConfigNode(.object([]), mark: entries[i].value.mark)
            }
            if entries[i].key == "components", var sections = entries[i].value.objectEntries {
                for j in sections.indices where sections[j].value.isNull { sections[j].value = ConfigNode(.object([]), mark: sections[j].value.mark) }
                entries[i].value = ConfigNode(.object(sections), mark: entries[i].value.mark)
            }
        }
        return ConfigNode(.object(entries), mark: mark)
    }
}

extension Deployment {
    /// The JSON Schema of the deployment file (documentation of every key).
    public static var schemaJSON: String { DeploymentSchema.json }
}
