import Foundation
import SecondPluginAPI
import SecondConfig

/// Opens plugin libraries and checks them before trusting a byte of their memory.
///
/// Order: stat + real path (dedupe by device/inode) → dlopen(RTLD_NOW|RTLD_LOCAL|RTLD_NODELETE) →
/// magic symbol → compatibility (every mismatch in one message) → entry symbol → entry(host) →
/// descriptor and vtable sizes → component types and schemas. Libraries are never dlclose()d: a
/// dlclose()d Swift image leaves dangling runtime metadata and crashes the process later.
/// Each library's entry runs at most once per process; later loads reuse the result.
public enum PluginLoader {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [FileID: Result<LoadedPlugin, PluginLoadError>] = [:]

    /// ABI 1.0 sizes: the smallest structs a 1.0 plugin may hand us.
    static let minDescSize = UInt32(MemoryLayout<second_plugin_desc>.size)
    static let minComponentSize = UInt32(MemoryLayout<second_component_desc>.size)
    static func minVTableSize(_ kind: ComponentKind) -> UInt32 {
        switch kind {
        case .auth: return UInt32(MemoryLayout<second_auth_provider_vtable>.size)
        case .oauth: return UInt32(MemoryLayout<second_oauth_provider_vtable>.size)
        case .runtime: return UInt32(MemoryLayout<second_runtime_driver_vtable>.size)
        case .telemetry: return UInt32(MemoryLayout<second_telemetry_sink_vtable>.size)
        }
    }

    public static func fileID(of path: String) -> FileID? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }

    /// Loads (or returns the already loaded) plugin at `path`.
    public static func load(path: String) throws(PluginLoadError) -> LoadedPlugin {
        func fail(_ m: String) -> PluginLoadError { PluginLoadError(path: path, message: m) }
        guard path.utf8.count < 4096 else { throw fail("path is too long") }
        var st = stat()
        guard stat(path, &st) == 0 else { throw fail("no such file (\(String(cString: strerror(errno))))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw fail("not a regular file") }
        let id = FileID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        let real = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { _ in
            URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        } ?? URL(fileURLWithPath: path).standardizedFileURL.path

        lock.lock(); defer { lock.unlock() }
        if let cached = cache[id] { return try cached.get() }
        let result = Result { () throws(PluginLoadError) -> LoadedPlugin in
            try open(path: path, realPath: real, id: id)
        }
        cache[id] = result
        return try result.get()
    }

    private static func open(path: String, realPath: String, id: FileID) throws(PluginLoadError) -> LoadedPlugin {
        func fail(_ m: String) -> PluginLoadError { PluginLoadError(path: path, message: m) }
        guard let handle = dlopen(realPath, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            throw fail("dlopen failed: \(dlerror().map { String(cString: $0) } ?? "unknown error")")
        }
        // From here on the library stays mapped for the life of the process, by design.
        guard let magicSym = dlsym(handle, SECOND_PLUGIN_MAGIC_SYMBOL) else {
            if dlsym(handle, "second_plugin_magic_v2") != nil {
                throw fail("it exports second_plugin_magic_v2, an ABI this server (ABI \(HostABI.current.abi)) does not speak: upgrade the server or use a plugin built for ABI \(HostABI.current.major).x")
            }
            throw fail("no \(SECOND_PLUGIN_MAGIC_SYMBOL) symbol: not a Second Server plugin (build it against plugin-api/include/second_plugin.h and export the magic and entry functions)")
        }
        let magicFn = unsafeBitCast(magicSym, to: second_plugin_magic_fn.self)
        guard let m = magicFn() else { throw fail("\(SECOND_PLUGIN_MAGIC_SYMBOL)() returned NULL") }
        let size = m.pointee.struct_size
        let magic: PluginMagic
        if size < Compatibility.minimumMagicSize {
            magic = PluginMagic(structSize: size, abiMajor: 0, abiMinor: 0, name: "?", version: "?", sdkVersion: "", swiftCompiler: "", targetFlags: 0)
        } else {
            magic = PluginMagic(structSize: size, abiMajor: m.pointee.abi_major, abiMinor: m.pointee.abi_minor,
                                name: String(plugin: m.pointee.plugin_name), version: String(plugin: m.pointee.plugin_version),
                                sdkVersion: String(plugin: m.pointee.sdk_version), swiftCompiler: String(plugin: m.pointee.swift_compiler),
                                targetFlags: m.pointee.target_flags)
        }
        let mismatches = Compatibility.mismatches(magic)
        if !mismatches.isEmpty { throw fail(Compatibility.message(magic, mismatches)) }
        guard isValidPluginName(magic.name) else {
            throw fail("plugin name \"\(magic.name)\" is invalid (use 1-63 characters of a-z, 0-9 and '-', starting with a letter or digit)")
        }
        guard let entrySym = dlsym(handle, SECOND_PLUGIN_ENTRY_SYMBOL) else {
            throw fail("plugin \"\(magic.name)\" has a magic block but no \(SECOND_PLUGIN_ENTRY_SYMBOL) symbol")
        }
        let entry = unsafeBitCast(entrySym, to: second_plugin_entry_fn.self)
        let slot = ErrorSlot()
        guard let desc = entry(HostTable.pointer, slot.pointer) else {
            let why = slot.message.isEmpty ? "no reason given" : slot.message
            throw fail("plugin \"\(magic.name)\" \(magic.version): entry failed (\(slot.status?.description ?? "NULL")): \(why)")
        }
        let d = desc.pointee
        guard d.struct_size >= minDescSize else {
            throw fail("plugin \"\(magic.name)\": second_plugin_desc.struct_size is \(d.struct_size), smaller than ABI 1.0's \(minDescSize)")
        }
        let descName = String(plugin: d.name), descVersion = String(plugin: d.version)
        guard descName == magic.name, descVersion == magic.version else {
            throw fail("plugin descriptor says \"\(descName)\" \(descVersion) but the magic block says \"\(magic.name)\" \(magic.version)")
        }
        guard d.component_count <= 256, d.component_count == 0 || d.components != nil else {
            throw fail("plugin \"\(magic.name)\": invalid component list")
        }
        var components: [ComponentInfo] = []
        var seen: Set<String> = []
        for i in 0..<Int(d.component_count) {
            guard let cp = d.components![i] else { throw fail("plugin \"\(magic.name)\": component \(i) is NULL") }
            let c = cp.pointee
            guard c.struct_size >= minComponentSize else {
                throw fail("plugin \"\(magic.name)\": component \(i) second_component_desc.struct_size is \(c.struct_size), smaller than ABI 1.0's \(minComponentSize)")
            }
            let type = String(plugin: c.type)
            guard let kind = ComponentKind(rawValue: c.kind) else {
                Logger.shared.warn("skipping component of unknown kind", ["plugin": magic.name, "kind": "\(c.kind)", "type": type])
                continue
            }
            guard isValidType(type) else {
                throw fail("plugin \"\(magic.name)\": component type \"\(type)\" is invalid (use [a-z][a-z0-9_]{0,62})")
            }
            let cid = "\(kind.prefix).\(type)"
            guard seen.insert(cid).inserted else { throw fail("plugin \"\(magic.name)\" declares component \(cid) twice") }
            guard let vt = c.vtable else { throw fail("plugin \"\(magic.name)\": component \(cid) has no vtable") }
            guard vt.pointee.struct_size >= minVTableSize(kind) else {
                throw fail("plugin \"\(magic.name)\": component \(cid) vtable struct_size is \(vt.pointee.struct_size), smaller than ABI 1.0's \(minVTableSize(kind)) for kind \(kind.prefix)")
            }
            guard vt.pointee.create != nil, vt.pointee.start != nil, vt.pointee.stop != nil, vt.pointee.destroy != nil else {
                throw fail("plugin \"\(magic.name)\": component \(cid) leaves create, start, stop or destroy NULL (all four are required)")
            }
            if let missing = missingHotPath(kind, vt) {
                throw fail("plugin \"\(magic.name)\": component \(cid) leaves required function \(missing) NULL")
            }
            let schema = c.config_schema_json.map { String(cString: $0) }
            if let schema {
                do { _ = try JSONSchema(json: schema) } catch {
                    throw fail("plugin \"\(magic.name)\": component \(cid) has an invalid config schema: \(error)")
                }
            }
            components.append(ComponentInfo(
                kind: kind, type: type, stability: ComponentStability(rawValue: c.stability) ?? .development, flags: c.flags,
                summary: String(plugin: c.description), configSchema: schema, pluginName: magic.name, pluginPath: path, vtable: vt))
        }
        return LoadedPlugin(path: path, realPath: realPath, fileID: id, magic: magic, summary: String(plugin: d.description),
                            homepage: d.homepage.map { String(cString: $0) }, components: components)
    }

    private static func missingHotPath(_ kind: ComponentKind, _ vt: UnsafePointer<second_vtable_base>) -> String? {
        let raw = UnsafeRawPointer(vt)
        switch kind {
        case .auth:
            return raw.assumingMemoryBound(to: second_auth_provider_vtable.self).pointee.authenticate == nil ? "authenticate" : nil
        case .oauth:
            return raw.assumingMemoryBound(to: second_oauth_provider_vtable.self).pointee.describe == nil ? "describe" : nil
        case .runtime:
            let t = raw.assumingMemoryBound(to: second_runtime_driver_vtable.self).pointee
            if t.detect == nil { return "detect" }
            if t.start_session == nil { return "start_session" }
            if t.cancel == nil { return "cancel" }
            return t.close_session == nil ? "close_session" : nil
        case .telemetry:
            let t = raw.assumingMemoryBound(to: second_telemetry_sink_vtable.self).pointee
            if t.submit == nil { return "submit" }
            return t.flush == nil ? "flush" : nil
        }
    }

    static func isValidPluginName(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard (1...63).contains(u.count) else { return false }
        func ok(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 45 }
        return u.allSatisfy(ok) && u[0] != 45
    }

    /// Component types: [a-z][a-z0-9_]{0,62}.
    public static func isValidType(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard (1...63).contains(u.count), u[0] >= 97, u[0] <= 122 else { return false }
        return u.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    /// Instance names (the NAME of "type/NAME"): [a-z0-9][a-z0-9_-]{0,62}.
    public static func isValidInstanceName(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard (1...63).contains(u.count), u[0] != 45, u[0] != 95 else { return false }
        return u.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45 }
    }
}
