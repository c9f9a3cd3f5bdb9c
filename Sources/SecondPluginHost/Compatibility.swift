import SecondPluginAPI

/// The fields of a plugin's magic block, copied out of plugin memory.
public struct PluginMagic: Sendable, Equatable {
    public var structSize: UInt32
    public var abiMajor: UInt16
    public var abiMinor: UInt16
    public var name: String
    public var version: String
    public var sdkVersion: String
    public var swiftCompiler: String
    public var targetFlags: UInt32

    public init(structSize: UInt32, abiMajor: UInt16, abiMinor: UInt16, name: String, version: String,
                sdkVersion: String, swiftCompiler: String, targetFlags: UInt32) {
        self.structSize = structSize; self.abiMajor = abiMajor; self.abiMinor = abiMinor; self.name = name
        self.version = version; self.sdkVersion = sdkVersion; self.swiftCompiler = swiftCompiler; self.targetFlags = targetFlags
    }
}

/// What this host provides.
public struct HostABI: Sendable, Equatable {
    public var major: UInt16
    public var minor: UInt16
    public var swiftCompiler: String
    public var targetFlags: UInt32

    public static let current = HostABI(
        major: UInt16(SECOND_PLUGIN_ABI_MAJOR), minor: UInt16(SECOND_PLUGIN_ABI_MINOR),
        swiftCompiler: hostSwiftCompilerVersion,
        targetFlags: (MemoryLayout<UnsafeRawPointer>.size == 8 ? SECOND_TARGET_PTR64 : 0)
            | (UInt32(1).bigEndian == 1 ? SECOND_TARGET_BIG_ENDIAN : 0))

    public var abi: String { "\(major).\(minor)" }
}

/// The compatibility rule of second_plugin.h §2 as a pure function: every mismatch, and one
/// message that tells the operator what to do. Tested without loading anything.
public enum Compatibility {
    /// Size of the 1.0 magic block: the smallest a plugin may hand us.
    public static let minimumMagicSize = UInt32(MemoryLayout<second_plugin_magic>.size)

    public enum Mismatch: Sendable, Equatable {
        case magicTooSmall(UInt32)
        case abiMajor(plugin: UInt16, host: UInt16)
        case abiMinorNewer(plugin: UInt16, host: UInt16)
        case swiftCompiler(plugin: String, host: String)
        case target(plugin: UInt32, host: UInt32)
    }

    public static func mismatches(_ m: PluginMagic, host: HostABI = .current) -> [Mismatch] {
        var out: [Mismatch] = []
        if m.structSize < minimumMagicSize { out.append(.magicTooSmall(m.structSize)) }
        if m.abiMajor != host.major { out.append(.abiMajor(plugin: m.abiMajor, host: host.major)) }
        else if m.abiMinor > host.minor { out.append(.abiMinorNewer(plugin: m.abiMinor, host: host.minor)) }
        if !m.swiftCompiler.isEmpty && m.swiftCompiler != host.swiftCompiler {
            out.append(.swiftCompiler(plugin: m.swiftCompiler, host: host.swiftCompiler))
        }
        if m.targetFlags != host.targetFlags { out.append(.target(plugin: m.targetFlags, host: host.targetFlags)) }
        return out
    }

    /// e.g. `plugin "acme-auth" 1.2.0 was built for ABI 1.5 (Swift 6.2.0); this server provides ABI 1.4
    /// (Swift 6.3.1): rebuild it against plugin-api 1.4 with Swift 6.3.1`
    public static func message(_ m: PluginMagic, _ found: [Mismatch], host: HostABI = .current) -> String {
        if found.contains(where: { if case .magicTooSmall = $0 { return true }; return false }) {
            return "plugin file's magic block is \(m.structSize) bytes, smaller than ABI \(host.major).0's \(minimumMagicSize): "
                + "it was not built with second_plugin.h; rebuild it against plugin-api \(host.abi)"
        }
        let pluginSwift = m.swiftCompiler.isEmpty ? "" : " (Swift \(m.swiftCompiler))"
        let built = "plugin \"\(m.name)\" \(m.version) was built for ABI \(m.abiMajor).\(m.abiMinor)\(pluginSwift)"
        let provides = "this server provides ABI \(host.abi) (Swift \(host.swiftCompiler))"
        var reasons: [String] = []
        for f in found {
            switch f {
            case .magicTooSmall: break
            case .abiMajor(let p, let h): reasons.append("ABI major \(p) differs from the server's \(h)")
            case .abiMinorNewer(let p, let h): reasons.append("ABI minor \(p) is newer than the server's \(h)")
            case .swiftCompiler(let p, let h): reasons.append("Swift \(p) differs from the server's \(h); Swift plugins must come from the same toolchain")
            case .target(let p, let h): reasons.append("target flags 0x\(String(p, radix: 16)) differ from the server's 0x\(String(h, radix: 16)) (pointer size or byte order)")
            }
        }
        var advice = "rebuild it against plugin-api \(host.abi)"
        if !m.swiftCompiler.isEmpty { advice += " with Swift \(host.swiftCompiler)" }
        if found.contains(where: { if case .abiMinorNewer = $0 { return true }; return false }) {
            advice += ", or upgrade the server to one that provides ABI \(m.abiMajor).\(m.abiMinor)"
        }
        return "\(built); \(provides): \(advice) [\(reasons.joined(separator: "; "))]"
    }
}
