import Foundation
import SecondPluginAPI

/// The boxed instance handed to the host as `void *instance`. Hot-path entry points are stored as
/// closures so one set of C functions per kind serves every component type of that kind.
final class InstanceBox: @unchecked Sendable {
    let component: any PluginComponent
    var authenticate: (@Sendable (AuthRequest) async throws -> AuthDecision)?
    var control: (@Sendable (JSONValue) async throws -> JSONValue)?
    var describe: (@Sendable () throws -> OAuthDefinition)?
    var normalize: (@Sendable (RawTokenResponse) throws -> TokenSet)?
    var detect: (@Sendable (UInt32) throws -> RuntimeAvailability)?
    var startSession: (@Sendable (SessionSpec, EventSink) throws -> any RuntimeSession)?
    var submit: (@Sendable (TelemetryBatch) async throws -> Void)?
    var flush: (@Sendable (UInt32) async throws -> Void)?

    init(_ component: any PluginComponent) { self.component = component }

    static func from(_ p: UnsafeMutableRawPointer?) -> InstanceBox? {
        p.map { Unmanaged<InstanceBox>.fromOpaque($0).takeUnretainedValue() }
    }
}

/// One component of a plugin, made with `.auth(T.self)`, `.oauth(T.self)`, `.runtime(T.self)` or `.telemetry(T.self)`.
public struct ComponentRegistration: @unchecked Sendable {
    let kind: Int32
    let type: String
    let descriptor: UnsafePointer<second_component_desc>
    let create: @Sendable (InstanceContext, second_str) throws -> InstanceBox
    let validate: @Sendable (InstanceContext, second_str) throws -> Void

    init<T: PluginComponent>(_ t: T.Type, kind: Int32, flags: UInt32, vtable: UnsafePointer<second_vtable_base>,
                             wire: @escaping @Sendable (T, InstanceBox) -> Void) {
        self.kind = kind
        self.type = T.type
        let d = UnsafeMutablePointer<second_component_desc>.allocate(capacity: 1)
        d.initialize(to: second_component_desc(
            struct_size: UInt32(MemoryLayout<second_component_desc>.size), kind: kind, type: immortalCString(T.type),
            stability: T.stability.rawValue, flags: SECOND_COMPONENT_THREADSAFE_INSTANCE | flags | T.extraFlags,
            description: immortalCString(T.summary), config_schema_json: T.configSchema.map(immortalCString), vtable: vtable))
        descriptor = UnsafePointer(d)
        create = { ctx, json in
            let config = try PluginJSON.decoder().decode(T.Config.self, from: Data([UInt8](json)))
            let instance = try T(config: config, context: ctx)
            let box = InstanceBox(instance)
            wire(instance, box)
            return box
        }
        validate = { ctx, json in
            let config = try PluginJSON.decoder().decode(T.Config.self, from: Data([UInt8](json)))
            try T.validate(config, context: ctx)
        }
    }

    public static func auth<T: AuthProvider>(_ t: T.Type) -> ComponentRegistration {
        ComponentRegistration(t, kind: Int32(SECOND_KIND_AUTH_PROVIDER), flags: 0, vtable: VTables.auth) { c, box in
            box.authenticate = { try await c.authenticate($0) }
            box.control = { try await c.control($0) }
        }
    }

    public static func oauth<T: OAuthProvider>(_ t: T.Type) -> ComponentRegistration {
        ComponentRegistration(t, kind: Int32(SECOND_KIND_OAUTH_PROVIDER), flags: 0,
                              vtable: T.normalizesTokenResponses ? VTables.oauthWithHook : VTables.oauth) { c, box in
            box.describe = { try c.describe() }
            box.normalize = { try c.normalizeTokenResponse($0) }
        }
    }

    public static func runtime<T: RuntimeDriver>(_ t: T.Type) -> ComponentRegistration {
        ComponentRegistration(t, kind: Int32(SECOND_KIND_RUNTIME_DRIVER), flags: UInt32(SECOND_COMPONENT_NEEDS_SPAWN), vtable: VTables.runtime) { c, box in
            box.detect = { try c.detect(timeoutMilliseconds: $0) }
            box.startSession = { try c.startSession($0, events: $1) }
        }
    }

    public static func telemetry<T: TelemetrySink>(_ t: T.Type) -> ComponentRegistration {
        ComponentRegistration(t, kind: Int32(SECOND_KIND_TELEMETRY_SINK), flags: UInt32(SECOND_COMPONENT_NEEDS_NETWORK), vtable: VTables.telemetry) { c, box in
            box.submit = { try await c.submit($0) }
            box.flush = { try await c.flush(deadlineMilliseconds: $0) }
        }
    }
}
