import SecondPluginAPI

/// Log levels of the host.
public enum LogLevel: Int32, Sendable { case trace = 0, debug, info, warn, error }

/// The host function table, set once by the entry function before any other plugin call.
/// The ABI guarantees entry runs (and returns) before the host calls anything else, so a plain
/// write-once global is safe here.
nonisolated(unsafe) private var hostTable: UnsafePointer<second_host_api>?

enum Host {
    static func install(_ table: UnsafePointer<second_host_api>) { hostTable = table }
    static var api: second_host_api? { hostTable?.pointee }
    static var table: UnsafePointer<second_host_api>? { hostTable }
}

/// What a component instance knows about itself and the host services it may use.
/// Valid from `init` until the instance is destroyed; safe to use from any thread.
public struct InstanceContext: @unchecked Sendable {
    let raw: OpaquePointer?

    init(_ raw: OpaquePointer?) { self.raw = raw }

    /// Component type, e.g. "static_tokens".
    public var type: String { Host.api?.instance_type.map { String($0(raw)) } ?? "" }
    /// Instance name from the YAML key "type/name".
    public var name: String { Host.api?.instance_name.map { String($0(raw)) } ?? "" }

    public func isLogEnabled(_ level: LogLevel) -> Bool {
        Host.api?.log_enabled?(raw, level.rawValue) ?? false
    }

    /// Logs through the host (attributed to plugin, component and instance). Never log secrets.
    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard let api = Host.api, let log = api.log, api.log_enabled?(raw, level.rawValue) ?? true else { return }
        withSecondStr(message()) { log(raw, level.rawValue, $0) }
    }

    /// Reads a named secret from the deployment's `secrets:` section through `second.secrets.v1`.
    /// Returns nil when the host has no such secret (or no secrets service).
    public func secret(_ name: String) -> String? {
        guard let api = Host.api, let getExt = api.get_extension,
              let table = getExt(SECOND_EXT_SECRETS, 1)?.assumingMemoryBound(to: second_secrets_v1.self),
              table.pointee.struct_size >= MemoryLayout<second_secrets_v1>.size,
              let get = table.pointee.get
        else { return nil }
        var length = 0
        guard withSecondStr(name, { get(raw, $0, nil, 0, &length) }) == PluginStatus.ok.c else { return nil }
        var buffer = [CChar](repeating: 0, count: max(length, 1))
        var copied = 0
        let status = withSecondStr(name) { n in buffer.withUnsafeMutableBufferPointer { get(raw, n, $0.baseAddress, length, &copied) } }
        guard status == PluginStatus.ok.c, copied == length else { return nil }
        defer { for i in buffer.indices { buffer[i] = 0 } }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Monotonic milliseconds from the host clock.
    public static func monotonicMilliseconds() -> UInt64 { Host.api?.monotonic_ms?() ?? 0 }
}
