/// How settled a component is (logged by the host at startup).
public enum Stability: Int32, Sendable { case development = 0, alpha, beta, stable, deprecated }

/// What every component kind shares: identity, config schema and the instance lifecycle.
///
/// Lifecycle (the host's rules, see second_plugin.h §6): `init(config:context:)` must not start
/// threads, sockets or processes; `start()` returns quickly; `stop(deadlineMilliseconds:)` is called
/// at most once, also without `start()`; the instance is released after `stop`.
/// Instances must be thread-safe: hot-path methods may be called concurrently.
public protocol PluginComponent: AnyObject, Sendable {
    /// The instance config, decoded from the host's validated JSON (snake_case keys map to camelCase).
    associatedtype Config: Decodable & Sendable

    /// Component type, `[a-z][a-z0-9_]{0,62}`; the id is "<kind>.<type>".
    static var type: String { get }
    static var summary: String { get }
    static var stability: Stability { get }
    /// JSON Schema of the config. The host validates against it (all errors, with file:line:col),
    /// fills defaults and never prints values marked `"x-secret": true`.
    static var configSchema: String? { get }
    /// Extra component flags (SECOND_COMPONENT_*); THREADSAFE_INSTANCE is always set by the SDK.
    static var extraFlags: UInt32 { get }

    /// Checks what the schema cannot (cross-field rules). No side effects. Default: accepts.
    static func validate(_ config: Config, context: InstanceContext) throws
    init(config: Config, context: InstanceContext) throws
    func start() throws
    func stop(deadlineMilliseconds: UInt32)
}

extension PluginComponent {
    public static var stability: Stability { .development }
    public static var configSchema: String? { nil }
    public static var extraFlags: UInt32 { 0 }
    public static func validate(_ config: Config, context: InstanceContext) throws {}
    public func start() throws {}
    public func stop(deadlineMilliseconds: UInt32) {}
}

/// A config type for components that take no settings.
public struct NoConfig: Decodable, Sendable { public init() {} }
