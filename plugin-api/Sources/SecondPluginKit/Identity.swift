import Foundation
import SecondPluginAPI

extension InstanceContext {
    /// Whether the host offers "second.identity.v1" (a server with a store, to an auth instance).
    public var hasIdentityServices: Bool { Host.api?.get_extension?(SECOND_EXT_IDENTITY, 1) != nil }

    /// Calls one "second.identity.v1" operation, e.g.
    /// `try await context.identity(["op": .string("upsert_user"), "subject": .string(id), "email": .string(mail)])`.
    /// The "v" field is added. Throws the host's status and message.
    public func identity(_ request: [String: JSONValue]) async throws -> JSONValue {
        guard let api = Host.api, let ext = api.get_extension?(SECOND_EXT_IDENTITY, 1) else {
            throw PluginError.unavailable("this host offers no identity services (second.identity.v1)")
        }
        let table = ext.assumingMemoryBound(to: second_identity_v1.self).pointee
        guard table.struct_size >= MemoryLayout<second_identity_v1>.size, let call = table.call else {
            throw PluginError.unavailable("identity extension table is too small")
        }
        var body = request
        body["v"] = .number(1)
        let json = try PluginJSON.encodeString(body)
        let (status, payload, message) = await withCheckedContinuation { (k: CheckedContinuation<(PluginStatus, String, String), Never>) in
            let box = Unmanaged.passRetained(ContinuationBox(k)).toOpaque()
            let done = second_completion(fn: { ctx, result in
                guard let ctx else { return }
                let b = Unmanaged<ContinuationBox>.fromOpaque(ctx).takeRetainedValue()   // exactly once by contract
                let r = result?.pointee
                b.k.resume(returning: (PluginStatus(c: r?.status ?? PluginStatus.internal.c), r.map { String($0.payload) } ?? "", r.map { String($0.message) } ?? ""))
            }, ctx: box)
            withSecondStr(json) { call(self.raw, $0, done) }
        }
        guard status == .ok else { throw PluginError(status, message) }
        return try PluginJSON.decoder().decode(JSONValue.self, from: Data(payload.utf8))
    }
}

final class ContinuationBox: @unchecked Sendable {
    let k: CheckedContinuation<(PluginStatus, String, String), Never>
    init(_ k: CheckedContinuation<(PluginStatus, String, String), Never>) { self.k = k }
}
