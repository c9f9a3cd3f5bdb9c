import Foundation
import SecondPluginAPI

/// Helpers for the C boundary: every export catches and converts, nothing throws across.
enum Boundary {
    /// Records `error` in the host's error slot and returns its status.
    static func fail(_ err: OpaquePointer?, _ error: any Error, decodingStatus: PluginStatus = .invalidArgument) -> second_status {
        let e = PluginError.from(error, decodingStatus: decodingStatus)
        setError(err, e)
        return e.status.c
    }

    static func setError(_ err: OpaquePointer?, _ e: PluginError) {
        guard let set = Host.api?.error_set else { return }
        withSecondStr(e.message) { m in withSecondStr(e.detailsJSON) { set(err, e.status.c, m, $0) } }
    }

    static func write(_ out: OpaquePointer?, _ text: String) -> second_status {
        guard let w = Host.api?.out_write else { return PluginStatus.internal.c }
        return withSecondStr(text) { w(out, $0) }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ s: second_str) throws -> T {
        try PluginJSON.decoder().decode(type, from: Data([UInt8](s)))
    }
}

/// A completion that can travel into a Task. The ABI lets it be called from any thread.
struct Completion: @unchecked Sendable {
    let c: second_completion

    func ok(_ payload: String) { send(.ok, payload: payload, message: "") }

    func fail(_ error: any Error) {
        let e = PluginError.from(error, decodingStatus: .invalidArgument)
        send(e.status, payload: "", message: e.message, details: e.detailsJSON)
    }

    func send(_ status: PluginStatus, payload: String, message: String, details: String = "") {
        guard let fn = c.fn else { return }
        withSecondStr(payload) { p in
            withSecondStr(message) { m in
                withSecondStr(details) { d in
                    var r = second_result(struct_size: UInt32(MemoryLayout<second_result>.size), status: status.c,
                                          payload: p, message: m, details_json: d)
                    fn(c.ctx, &r)
                }
            }
        }
    }
}
