import Foundation
import SecondPluginAPI

/// The `second_host_api` handed to every plugin: static, built once, valid for the process lifetime.
/// Every function is thread-safe and tolerates NULL or foreign handles without crashing.
enum HostTable {
    static let version = "0.1.0"
    nonisolated(unsafe) private static let hostVersionC: UnsafePointer<CChar> = {
        let bytes = Array(version.utf8CString)
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        p.initialize(from: bytes, count: bytes.count)
        return UnsafePointer(p)
    }()

    /// Bytes currently allocated by plugins through host->alloc (for metrics and leak tests).
    static let allocations = AllocationCounter()

    nonisolated(unsafe) static let pointer: UnsafePointer<second_host_api> = {
        let p = UnsafeMutablePointer<second_host_api>.allocate(capacity: 1)
        p.initialize(to: make())
        return UnsafePointer(p)
    }()

    private static func make() -> second_host_api {
        second_host_api(
            struct_size: UInt32(MemoryLayout<second_host_api>.size),
            abi_major: UInt16(SECOND_PLUGIN_ABI_MAJOR),
            abi_minor: UInt16(SECOND_PLUGIN_ABI_MINOR),
            host_version: hostVersionC,
            log_enabled: { _, level in Logger.shared.isEnabled(LogLevel(rawValue: level) ?? .error) },
            log: { ctx, level, msg in
                let lvl = LogLevel(rawValue: level) ?? .info
                guard Logger.shared.isEnabled(lvl) else { return }
                var fields: [String: String] = [:]
                if let c = InstanceContext.from(ctx) { fields["plugin"] = c.plugin; fields["component"] = c.instanceId }
                Logger.shared.log(lvl, String(msg), fields)
            },
            alloc: { size in HostTable.allocations.allocate(size) },
            free: { ptr in HostTable.allocations.free(ptr) },
            out_write: { out, data in
                guard let buf = OutBuffer.from(out) else { return Status.invalidArgument.c }
                if let p = data.ptr, data.len > 0 { buf.bytes.append(contentsOf: UnsafeRawBufferPointer(start: p, count: data.len)) }
                return Status.ok.c
            },
            error_set: { err, code, message, details in
                guard let slot = ErrorSlot.from(err) else { return }
                slot.status = Status(c: code)
                slot.message = String(message)
                slot.details = String(details)
            },
            emit: { sink, kind, data in
                guard let s = EventStream.from(sink) else { return Status.invalidArgument.c }
                let bytes = data.ptr.map { Array(UnsafeRawBufferPointer(start: $0, count: data.len)) } ?? []
                return s.emit(kind, bytes).c
            },
            sink_wait: { sink, timeout in
                guard let s = EventStream.from(sink) else { return Status.invalidArgument.c }
                return s.waitWritable(timeoutMs: timeout).c
            },
            spawn: { ctx, specJSON, callbacks, outProcess, errBuf, errCap in
                func fail(_ status: Status, _ message: String) -> second_status {
                    if let errBuf, errCap > 0 {
                        let bytes = Array(message.utf8.prefix(errCap - 1))
                        for (i, b) in bytes.enumerated() { errBuf[i] = CChar(bitPattern: b) }
                        errBuf[bytes.count] = 0
                    }
                    return status.c
                }
                guard let c = InstanceContext.from(ctx) else { return fail(.invalidArgument, "spawn needs the instance context") }
                guard !c.isValidation else { return fail(.denied, "spawn is not allowed during validation") }
                guard c.mayspawn else { return fail(.denied, "component \(c.instanceId) did not declare SECOND_COMPONENT_NEEDS_SPAWN") }
                guard let callbacks, let outProcess else { return fail(.invalidArgument, "spawn needs callbacks and out_process") }
                var cb = second_process_callbacks(struct_size: 0, on_output: nil, on_exit: nil, ctx: nil)
                let size = Int(callbacks.pointee.struct_size)
                if size >= MemoryLayout<second_process_callbacks>.size { cb = callbacks.pointee }
                else { return fail(.invalidArgument, "second_process_callbacks.struct_size is \(size), expected at least \(MemoryLayout<second_process_callbacks>.size)") }
                let spec: ProcessSpec
                do { spec = try ProcessSpec.parse(specJSON.ptr.map { Array(UnsafeRawBufferPointer(start: $0, count: specJSON.len)) } ?? []) }
                catch let e as ProcessSpec.Invalid { return fail(.invalidArgument, e.message) }
                catch { return fail(.invalidArgument, "invalid spawn spec") }
                do {
                    let p = try ProcessSupervisor.shared.spawn(spec: spec, callbacks: cb, owner: c.instanceId)
                    outProcess.pointee = SupervisedProcess.handles.insert(p)   // removed by process_release
                    return Status.ok.c
                } catch let e as ProcessSpec.Invalid {
                    return fail(.unavailable, e.message)
                } catch {
                    return fail(.unavailable, "spawn failed")
                }
            },
            process_kill: { proc, signal in
                guard let p = SupervisedProcess.from(proc) else { return Status.invalidArgument.c }
                p.kill(signal)
                return Status.ok.c
            },
            process_write: { proc, data in
                guard let p = SupervisedProcess.from(proc) else { return Status.invalidArgument.c }
                return p.write(data.ptr.map { Array(UnsafeRawBufferPointer(start: $0, count: data.len)) } ?? []).c
            },
            process_close_stdin: { proc in SupervisedProcess.from(proc)?.closeStdin() },
            process_pid: { proc in SupervisedProcess.from(proc)?.currentPid ?? -1 },
            process_release: { proc in
                SupervisedProcess.handles.remove(proc)?.release()
            },
            instance_type: { ctx in
                guard let c = InstanceContext.from(ctx) else { return second_str(ptr: nil, len: 0) }
                return c.typeBytes.withUnsafeBufferPointer { second_str(ptr: $0.baseAddress, len: $0.count - 1) }
            },
            instance_name: { ctx in
                guard let c = InstanceContext.from(ctx) else { return second_str(ptr: nil, len: 0) }
                return c.nameBytes.withUnsafeBufferPointer { second_str(ptr: $0.baseAddress, len: $0.count - 1) }
            },
            instance_kind: { ctx in InstanceContext.from(ctx)?.kind.rawValue ?? 0 },
            monotonic_ms: { monotonicMilliseconds() },
            get_extension: { name, minVersion in
                guard let name else { return nil }
                switch String(cString: name) {
                case SECOND_EXT_SECRETS where minVersion <= 1: return UnsafeRawPointer(SecretsExtension.pointer)
                case SECOND_EXT_IDENTITY where minVersion <= 1 && IdentityExtension.current != nil: return UnsafeRawPointer(IdentityExtension.pointer)
                default: return nil
                }
            })
    }
}

/// "second.secrets.v1": named deployment secrets, readable only by real (non-validation) instances.
enum SecretsExtension {
    nonisolated(unsafe) static let pointer: UnsafePointer<second_secrets_v1> = {
        let p = UnsafeMutablePointer<second_secrets_v1>.allocate(capacity: 1)
        p.initialize(to: second_secrets_v1(
            struct_size: UInt32(MemoryLayout<second_secrets_v1>.size), version: 1,
            get: { ctx, name, buf, cap, outLen in
                guard let c = InstanceContext.from(ctx), !c.isValidation,
                      let value = c.secrets?.value(String(name)) else { return Status.notHandled.c }
                let bytes = Array(value.utf8)
                outLen?.pointee = bytes.count
                if let buf { for i in 0..<min(cap, bytes.count) { buf[i] = CChar(bitPattern: bytes[i]) } }
                return Status.ok.c
            }))
        return UnsafePointer(p)
    }()
}

/// Counts live bytes handed out by host->alloc (a size header precedes each block).
final class AllocationCounter: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var liveBytes = 0

    func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
        guard let raw = malloc(size + 16) else { return nil }
        raw.storeBytes(of: size, as: Int.self)
        lock.lock(); liveBytes += size; lock.unlock()
        return raw + 16
    }

    func free(_ p: UnsafeMutableRawPointer?) {
        guard let p else { return }
        let raw = p - 16
        let size = raw.load(as: Int.self)
        lock.lock(); liveBytes -= size; lock.unlock()
        Foundation.free(raw)
    }
}
