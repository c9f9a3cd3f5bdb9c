import Foundation
import SecondPluginAPI

/// The version of this SDK, reported in the magic block.
public let secondPluginKitVersion = "1.0.0"

/// A plugin library: its name, version and components. Declare one as a global and export it with
/// the two functions the ABI requires:
///
/// ```swift
/// let plugin = SecondPlugin(name: "acme-auth", version: "1.2.0", summary: "Acme SSO",
///                           components: [.auth(AcmeAuth.self)])
/// @_cdecl("second_plugin_magic_v1") public func magic() -> UnsafeRawPointer { plugin.magic }
/// @_cdecl("second_plugin_entry_v1") public func entry(_ h: UnsafeRawPointer?, _ e: OpaquePointer?) -> UnsafeRawPointer? { plugin.entry(h, e) }
/// ```
public final class SecondPlugin: @unchecked Sendable {
    let name: String
    let version: String
    let components: [ComponentRegistration]
    /// Static C data (never freed: the ABI requires it to outlive every call).
    private let magicBlock: UnsafePointer<second_plugin_magic>
    private let descriptor: UnsafePointer<second_plugin_desc>

    public init(name: String, version: String, summary: String, homepage: String? = nil, components: [ComponentRegistration]) {
        self.name = name
        self.version = version
        self.components = components
        let m = UnsafeMutablePointer<second_plugin_magic>.allocate(capacity: 1)
        m.initialize(to: second_plugin_magic(
            struct_size: UInt32(MemoryLayout<second_plugin_magic>.size),
            abi_major: UInt16(SECOND_PLUGIN_ABI_MAJOR), abi_minor: UInt16(SECOND_PLUGIN_ABI_MINOR),
            plugin_name: immortalCString(name), plugin_version: immortalCString(version),
            sdk_version: immortalCString("swift-kit \(secondPluginKitVersion)"),
            swift_compiler: immortalCString(swiftCompilerVersion),
            target_flags: (MemoryLayout<UnsafeRawPointer>.size == 8 ? SECOND_TARGET_PTR64 : 0)
                | (UInt32(1).bigEndian == 1 ? SECOND_TARGET_BIG_ENDIAN : 0)))
        magicBlock = UnsafePointer(m)

        let list = UnsafeMutablePointer<UnsafePointer<second_component_desc>?>.allocate(capacity: max(components.count, 1))
        for (i, c) in components.enumerated() { list[i] = c.descriptor }
        let d = UnsafeMutablePointer<second_plugin_desc>.allocate(capacity: 1)
        d.initialize(to: second_plugin_desc(
            struct_size: UInt32(MemoryLayout<second_plugin_desc>.size),
            name: immortalCString(name), version: immortalCString(version),
            description: immortalCString(summary), homepage: homepage.map(immortalCString),
            component_count: UInt32(components.count), components: UnsafePointer(list)))
        descriptor = UnsafePointer(d)
    }

    /// The magic block. Pure: returns static data.
    public var magic: UnsafeRawPointer { UnsafeRawPointer(magicBlock) }

    /// The entry point body: installs the host table and returns the descriptor.
    public func entry(_ host: UnsafeRawPointer?, _ err: OpaquePointer?) -> UnsafeRawPointer? {
        guard let host else { return nil }
        let table = host.assumingMemoryBound(to: second_host_api.self)
        guard table.pointee.struct_size >= MemoryLayout<second_host_api>.size else {
            // The host is older than this SDK's header; we would read past its table.
            if table.pointee.struct_size >= UInt32(MemoryLayout<second_host_api>.offset(of: \.error_set)! + 8),
               let set = table.pointee.error_set {
                withSecondStr("host function table is smaller than this plugin's SDK expects") { m in
                    withSecondStr("") { set(err, PluginStatus.notSupported.c, m, $0) }
                }
            }
            return nil
        }
        Host.install(table)
        Registry.install(self)
        return UnsafeRawPointer(descriptor)
    }

    func registration(kind: Int32, type: String) -> ComponentRegistration? {
        components.first { $0.kind == kind && $0.type == type }
    }
}

/// The plugin this image registered (one per image: the SDK is linked statically into each plugin).
enum Registry {
    nonisolated(unsafe) private static var plugin: SecondPlugin?
    static func install(_ p: SecondPlugin) { plugin = p }
    static func lookup(_ ctx: InstanceContext) -> ComponentRegistration? {
        guard let kind = Host.api?.instance_kind?(ctx.raw) else { return nil }
        return plugin?.registration(kind: kind, type: ctx.type)
    }
}
