import Foundation
import SecondPluginAPI

/// Behind `second_error *`: the error slot of one call. Copies what the plugin sets.
final class ErrorSlot {
    var status: Status?
    var message = ""
    var details = ""
    var pointer: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }
    static func from(_ p: OpaquePointer?) -> ErrorSlot? { p.map { Unmanaged<ErrorSlot>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() } }
}

/// Behind `second_out *`: a result buffer for one call.
final class OutBuffer {
    var bytes: [UInt8] = []
    var pointer: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }
    var string: String { String(decoding: bytes, as: UTF8.self) }
    static func from(_ p: OpaquePointer?) -> OutBuffer? { p.map { Unmanaged<OutBuffer>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() } }
}

/// Behind `second_instance_ctx *`: who an instance is, for attribution and for permission checks.
/// Lives as long as the instance (held by ComponentInstance).
public final class InstanceContext: @unchecked Sendable {
    public let plugin: String
    public let kind: ComponentKind
    public let type: String
    public let name: String
    /// Validation contexts may not spawn or read secrets.
    public let isValidation: Bool
    let mayspawn: Bool
    /// Secret names this instance may read (empty: all configured secrets).
    let secrets: SecretStore?
    // Stable C copies of type and name for instance_type/instance_name.
    let typeBytes: [CChar]
    let nameBytes: [CChar]

    init(plugin: String, kind: ComponentKind, type: String, name: String, isValidation: Bool, mayspawn: Bool, secrets: SecretStore?) {
        self.plugin = plugin; self.kind = kind; self.type = type; self.name = name
        self.isValidation = isValidation; self.mayspawn = mayspawn; self.secrets = secrets
        typeBytes = Array(type.utf8CString)
        nameBytes = Array(name.utf8CString)
    }

    public var instanceId: String { "\(kind.prefix).\(type)/\(name)" }
    var pointer: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }
    static func from(_ p: OpaquePointer?) -> InstanceContext? {
        p.map { Unmanaged<InstanceContext>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
    }
}

/// Named secrets from the deployment (values never logged). Thread-safe, immutable.
public final class SecretStore: Sendable {
    private let values: [String: String]
    public init(_ values: [String: String]) { self.values = values }
    public func value(_ name: String) -> String? { values[name] }
    public var names: [String] { values.keys.sorted() }
}
