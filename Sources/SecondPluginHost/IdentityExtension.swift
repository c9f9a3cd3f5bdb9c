import Foundation
import SecondPluginAPI

/// What serves "second.identity.v1": the server installs one when it has a store.
public protocol IdentityBackend: Sendable {
    /// Performs one identity operation for the auth instance `provider` ("auth.type/name").
    func perform(provider: String, request: String) async -> CallResult
}

/// "second.identity.v1": identity services for auth providers (see second_plugin.h).
public enum IdentityExtension {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var backend: (any IdentityBackend)?

    /// Installs (or, with nil, removes) the backend. Without one the extension is not offered.
    public static func install(_ b: (any IdentityBackend)?) { lock.lock(); backend = b; lock.unlock() }
    static var current: (any IdentityBackend)? { lock.lock(); defer { lock.unlock() }; return backend }

    nonisolated(unsafe) static let pointer: UnsafePointer<second_identity_v1> = {
        let p = UnsafeMutablePointer<second_identity_v1>.allocate(capacity: 1)
        p.initialize(to: second_identity_v1(
            struct_size: UInt32(MemoryLayout<second_identity_v1>.size), version: 1,
            call: { ctx, request, done in
                let completion = HostCompletion(done)
                guard let c = InstanceContext.from(ctx), c.kind == .auth, !c.isValidation else {
                    return completion.send(CallResult(status: .denied, message: "identity services are for auth provider instances"))
                }
                guard let backend = IdentityExtension.current else {
                    return completion.send(CallResult(status: .unavailable, message: "this server has no identity store"))
                }
                let text = String(request)
                let provider = c.instanceId
                Task { completion.send(await backend.perform(provider: provider, request: text)) }
            }))
        return UnsafePointer(p)
    }()
}

/// Calls a plugin's second_completion with a host result (exactly once, by construction of callers).
struct HostCompletion: @unchecked Sendable {
    let c: second_completion
    init(_ c: second_completion) { self.c = c }

    func send(_ r: CallResult) {
        guard let fn = c.fn else { return }
        withSecondStr(r.payload) { p in
            withSecondStr(r.message) { m in
                withSecondStr(r.details) { d in
                    var result = second_result(struct_size: UInt32(MemoryLayout<second_result>.size), status: r.status.c, payload: p, message: m, details_json: d)
                    fn(c.ctx, &result)
                }
            }
        }
    }
}
