import Foundation
import Testing
import SecondPluginAPI
@testable import SecondPluginHost

/// The host function table as a plugin sees it: extensions, secrets, memory, handles.
@Suite struct HostTableTests {
    let api = HostTable.pointer.pointee

    func context(secrets: [String: String], validation: Bool = false) -> InstanceContext {
        InstanceContext(plugin: "p", kind: .auth, type: "t", name: "n", isValidation: validation, mayspawn: false, secrets: SecretStore(secrets))
    }

    @Test func tableDescribesItself() {
        #expect(api.struct_size == UInt32(MemoryLayout<second_host_api>.size))
        #expect(api.abi_major == 1 && api.abi_minor == UInt16(SECOND_PLUGIN_ABI_MINOR))
        #expect(String(cString: api.host_version) == HostTable.version)
        #expect(api.get_extension?("second.unknown.v1", 1) == nil, "unknown extensions are NULL")
        #expect(api.get_extension?(SECOND_EXT_SECRETS, 2) == nil, "a newer version than offered is NULL")
    }

    @Test func secretsExtension() throws {
        let raw = try #require(api.get_extension?(SECOND_EXT_SECRETS, 1))
        let table = raw.assumingMemoryBound(to: second_secrets_v1.self).pointee
        #expect(table.version == 1 && table.struct_size == UInt32(MemoryLayout<second_secrets_v1>.size))
        let ctx = context(secrets: ["github": "canary-secret-value"])
        func get(_ c: InstanceContext, _ name: String, cap: Int) -> (Status, Int, String) {
            var buf = [CChar](repeating: 0, count: max(cap, 1))
            var len = 0
            let s = withExtendedLifetime(c) {
                name.withCString { n in buf.withUnsafeMutableBufferPointer { table.get!(c.pointer, second_str(ptr: n, len: strlen(n)), cap == 0 ? nil : $0.baseAddress, cap, &len) } }
            }
            return (Status(c: s), len, String(decoding: buf.prefix(min(len, cap)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        #expect(get(ctx, "github", cap: 64) == (.ok, 19, "canary-secret-value"))
        let (s, len, partial) = get(ctx, "github", cap: 4)
        #expect(s == .ok && len == 19 && partial == "cana", "a short buffer reports the full length")
        #expect(get(ctx, "github", cap: 0).1 == 19, "length query")
        #expect(get(ctx, "other", cap: 64).0 == .notHandled)
        #expect(get(context(secrets: ["github": "x"], validation: true), "github", cap: 64).0 == .notHandled, "validation contexts read no secrets")
    }

    @Test func hostMemoryIsAccounted() throws {
        let before = HostTable.allocations.liveBytes
        let p = try #require(api.alloc?(1000))
        memset(p, 0xAB, 1000)
        #expect(HostTable.allocations.liveBytes - before >= 1000)
        api.free?(p)
        api.free?(nil)
        #expect(HostTable.allocations.liveBytes == before, "freed bytes are returned (no other test uses host->alloc)")
    }

    @Test func foreignHandlesAreHarmless() {
        // Made-up process and sink handles reach nothing instead of memory.
        let bogus = OpaquePointer(bitPattern: 0xDEAD_BEEF)
        #expect(Status(c: api.process_kill!(bogus, 9)) == .invalidArgument)
        #expect(api.process_pid!(bogus) == -1)
        api.process_release!(bogus)
        api.process_close_stdin!(bogus)
        #expect(Status(c: api.emit!(bogus, 3, second_str(ptr: nil, len: 0))) == .invalidArgument)
        #expect(Status(c: api.sink_wait!(bogus, 1)) == .invalidArgument)
        #expect(Status(c: api.out_write!(nil, second_str(ptr: nil, len: 0))) == .invalidArgument)
    }

    @Test func sinkBackPressure() {
        let stream = EventStream(capacity: 2)
        let h = EventStream.handles.insert(stream)
        defer { _ = EventStream.handles.remove(h) }
        func emit(_ kind: Int32) -> Status { Status(c: "x".withCString { api.emit!(h, kind, second_str(ptr: $0, len: 1)) }) }
        #expect(emit(3) == .ok && emit(3) == .ok)
        #expect(emit(3) == .backpressure, "full: nothing taken")
        #expect(Status(c: api.sink_wait!(h, 10)) == .timeout)
        _ = stream.next(timeout: 1)
        #expect(Status(c: api.sink_wait!(h, 10)) == .ok)
        #expect(emit(99) == .invalidArgument, "unknown kind")
        #expect(emit(5) == .ok, "EXIT is always taken")
        #expect(emit(3) == .invalidArgument, "nothing after EXIT")
        stream.cancel()
        #expect(Status(c: api.sink_wait!(h, 10)) == .cancelled)
    }
}

/// "second.identity.v1" is offered only with a backend, and only to auth instances.
@Suite(.serialized) struct IdentityExtensionHostTests {
    struct Echo: IdentityBackend {
        func perform(provider: String, request: String) async -> CallResult {
            CallResult(status: .ok, payload: #"{"v":1,"provider":"\#(provider)"}"#)
        }
    }

    final class Box: @unchecked Sendable {
        let k: CheckedContinuation<(Status, String), Never>
        init(_ k: CheckedContinuation<(Status, String), Never>) { self.k = k }
    }

    /// Calls the extension and awaits its completion (never blocking a cooperative thread: the
    /// backend answers from a task).
    func call(_ ctx: InstanceContext) async throws -> (Status, String) {
        let table = try #require(HostTable.pointer.pointee.get_extension?(SECOND_EXT_IDENTITY, 1)).assumingMemoryBound(to: second_identity_v1.self).pointee
        return await withCheckedContinuation { k in
            let done = second_completion(fn: { ctx, r in
                let b = Unmanaged<Box>.fromOpaque(ctx!).takeRetainedValue()
                b.k.resume(returning: (Status(c: r!.pointee.status), String(decoding: UnsafeRawBufferPointer(start: r!.pointee.payload.ptr, count: r!.pointee.payload.len), as: UTF8.self)))
            }, ctx: Unmanaged.passRetained(Box(k)).toOpaque())
            withExtendedLifetime(ctx) { #"{"v":1,"op":"x"}"#.withCString { table.call!(ctx.pointer, second_str(ptr: $0, len: strlen($0)), done) } }
        }
    }

    @Test func offeredOnlyWithABackendAndOnlyToAuthInstances() async throws {
        IdentityExtension.install(nil)
        #expect(HostTable.pointer.pointee.get_extension?(SECOND_EXT_IDENTITY, 1) == nil)
        IdentityExtension.install(Echo())
        defer { IdentityExtension.install(nil) }
        let auth = InstanceContext(plugin: "p", kind: .auth, type: "t", name: "n", isValidation: false, mayspawn: false, secrets: nil)
        let ok = try await call(auth)
        #expect(ok.0 == .ok && ok.1.contains(#""provider":"auth.t/n""#))
        let runtime = InstanceContext(plugin: "p", kind: .runtime, type: "t", name: "n", isValidation: false, mayspawn: false, secrets: nil)
        #expect(try await call(runtime).0 == .denied)
        let validating = InstanceContext(plugin: "p", kind: .auth, type: "t", name: "n", isValidation: true, mayspawn: false, secrets: nil)
        #expect(try await call(validating).0 == .denied)
    }
}
