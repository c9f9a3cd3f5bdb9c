import Foundation
import SecondPluginAPI

/// Where a runtime session's output goes. Thread-safe. Blocks (waits) while the host's queue is
/// full, which back-pressures the producer; returns false once the consumer has gone.
public final class EventSink: @unchecked Sendable {
    public enum Kind: Int32, Sendable { case stdout = 1, stderr, event, status, exit }

    private let raw: OpaquePointer?
    private let lock = NSLock()
    private var exited = false

    init(_ raw: OpaquePointer?) { self.raw = raw }

    /// Emits raw bytes of `kind`. Returns false when the consumer is gone or after `exit`.
    @discardableResult
    public func emit(_ kind: Kind, _ bytes: [UInt8]) -> Bool {
        guard let api = Host.api, let emit = api.emit else { return false }
        while true {
            let status = withSecondStr(bytes: bytes) { emit(raw, kind.rawValue, $0) }
            switch PluginStatus(c: status) {
            case .ok: return true
            case .backpressure:
                if let wait = api.sink_wait, PluginStatus(c: wait(raw, 1000)) == .cancelled { return false }
            default: return false
            }
        }
    }

    /// Emits one normalized event (a JSON object text with "v" and "type").
    @discardableResult
    public func event(_ json: String) -> Bool { emit(.event, Array(json.utf8)) }

    /// Emits a status change such as "running".
    @discardableResult
    public func status(_ state: String) -> Bool { emit(.status, Array(#"{"v":1,"state":\#(jsonQuoted(state))}"#.utf8)) }

    /// Ends the stream. Only the first call has an effect.
    public func exit(code: Int32, signal: Int32 = 0, error: String? = nil) {
        lock.lock()
        if exited { lock.unlock(); return }
        exited = true
        lock.unlock()
        var json = #"{"v":1,"code":\#(code),"signal":\#(signal)"#
        if let error { json += #","error":\#(jsonQuoted(error))"# }
        json += "}"
        guard let api = Host.api, let emit = api.emit else { return }
        // EXIT must get through: wait out back-pressure, give up only if the consumer is gone.
        while true {
            let s = withSecondStr(json) { emit(raw, Kind.exit.rawValue, $0) }
            guard PluginStatus(c: s) == .backpressure, let wait = api.sink_wait else { return }
            if PluginStatus(c: wait(raw, 1000)) == .cancelled { return }
        }
    }
}
