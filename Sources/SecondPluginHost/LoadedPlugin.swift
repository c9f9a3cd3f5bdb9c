import Foundation
import SecondPluginAPI

/// One component a loaded plugin provides.
public struct ComponentInfo: @unchecked Sendable {
    public let kind: ComponentKind
    public let type: String
    public let stability: ComponentStability
    public let flags: UInt32
    public let summary: String
    public let configSchema: String?
    public let pluginName: String
    public let pluginPath: String
    let vtable: UnsafePointer<second_vtable_base>

    /// "kind.type", e.g. "auth.static_tokens".
    public var id: String { "\(kind.prefix).\(type)" }
    public var isThreadSafe: Bool { flags & SECOND_COMPONENT_THREADSAFE_INSTANCE != 0 }
    public var needsSpawn: Bool { flags & SECOND_COMPONENT_NEEDS_SPAWN != 0 }
    public var needsNetwork: Bool { flags & SECOND_COMPONENT_NEEDS_NETWORK != 0 }
}

/// A plugin library that passed every check. Never unloaded (see PluginLoader).
public final class LoadedPlugin: @unchecked Sendable {
    public let path: String
    public let realPath: String
    public let fileID: FileID
    public let magic: PluginMagic
    public let summary: String
    public let homepage: String?
    public let components: [ComponentInfo]

    public var name: String { magic.name }
    public var version: String { magic.version }
    public var abi: String { "\(magic.abiMajor).\(magic.abiMinor)" }

    init(path: String, realPath: String, fileID: FileID, magic: PluginMagic, summary: String, homepage: String?, components: [ComponentInfo]) {
        self.path = path; self.realPath = realPath; self.fileID = fileID; self.magic = magic
        self.summary = summary; self.homepage = homepage; self.components = components
    }
}

/// (device, inode): the identity of a file however it is reached (symlinks, other paths).
public struct FileID: Hashable, Sendable {
    public let device: UInt64
    public let inode: UInt64
}

/// Why a plugin file was refused. `description` names the file and says what to do.
public struct PluginLoadError: Error, Sendable, CustomStringConvertible, Equatable {
    public let path: String
    public let message: String
    public var description: String { "cannot load plugin \(path): \(message)" }
}
