import Foundation
import SecondPluginAPI

/// The outcome of a plugin call, copied out of plugin memory.
public struct CallResult: Sendable, Equatable, CustomStringConvertible {
    public var status: Status
    public var payload: String
    public var message: String
    public var details: String

    public init(status: Status, payload: String = "", message: String = "", details: String = "") {
        self.status = status; self.payload = payload; self.message = message; self.details = details
    }
    public var description: String { status == .ok ? "OK \(payload)" : "\(status): \(message)" }
}

/// Pending second_completion callbacks. The C ctx is an integer id, not a pointer, so a plugin that
/// calls a completion twice (or after the host gave up waiting) hits nothing instead of freed memory.
enum Completions {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var nextID: UInt = 1
    nonisolated(unsafe) private static var pending: [UInt: CheckedContinuation<CallResult, Never>] = [:]

    static func register(_ c: CheckedContinuation<CallResult, Never>, timeoutMs: UInt32?) -> second_completion {
        lock.lock()
        let id = nextID
        nextID += 1
        pending[id] = c
        lock.unlock()
        if let timeoutMs {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(timeoutMs))) {
                resume(id, CallResult(status: .timeout, message: "the plugin did not answer within \(timeoutMs) ms"))
            }
        }
        return second_completion(fn: { ctx, result in
            let id = UInt(bitPattern: ctx)
            guard let r = result?.pointee else {
                Completions.resume(id, CallResult(status: .internal, message: "plugin completed without a result"))
                return
            }
            let hasDetails = r.struct_size >= UInt32(MemoryLayout<second_result>.offset(of: \.details_json)! + MemoryLayout<second_str>.size)
            Completions.resume(id, CallResult(status: Status(c: r.status), payload: String(r.payload), message: String(r.message),
                                  details: hasDetails ? String(r.details_json) : ""))
        }, ctx: UnsafeMutableRawPointer(bitPattern: id))
    }

    fileprivate static func resume(_ id: UInt, _ result: CallResult) {
        lock.lock()
        let c = pending.removeValue(forKey: id)
        lock.unlock()
        c?.resume(returning: result)
    }

    /// Calls `body` with a completion and waits for it (or for the timeout).
    static func await(timeoutMs: UInt32?, _ body: (second_completion) -> Void) async -> CallResult {
        await withCheckedContinuation { c in body(register(c, timeoutMs: timeoutMs)) }
    }
}
