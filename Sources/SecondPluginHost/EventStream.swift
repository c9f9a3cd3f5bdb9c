import Foundation
import SecondPluginAPI

/// Behind `second_sink *`: the bounded, thread-safe queue between a runtime session (producer,
/// through host->emit) and its consumer. Full queue → BACKPRESSURE, never unbounded growth.
public final class EventStream: @unchecked Sendable {
    public enum Kind: Int32, Sendable { case stdout = 1, stderr, event, status, exit }
    public struct Item: Sendable, Equatable {
        public var kind: Kind
        public var data: [UInt8]
        public var text: String { String(decoding: data, as: UTF8.self) }
    }

    public let capacity: Int
    private let cond = NSCondition()
    private var items: [Item] = []
    private var head = 0
    private var consumerGone = false
    private var exitEmitted = false
    private var exitConsumed = false

    public init(capacity: Int = 1024) { self.capacity = max(1, capacity) }

    /// Sinks are handed to plugins as table handles, so an emit after close_session reaches nothing.
    static let handles = HandleTable<EventStream>()
    static func from(_ p: OpaquePointer?) -> EventStream? { handles.get(p) }

    /// Producer side (host->emit). Non-blocking.
    func emit(_ rawKind: Int32, _ data: [UInt8]) -> Status {
        guard let kind = Kind(rawValue: rawKind) else { return .invalidArgument }
        cond.lock(); defer { cond.unlock() }
        if consumerGone { return .cancelled }
        if exitEmitted { return .invalidArgument }
        if items.count - head >= capacity && kind != .exit { return .backpressure }
        if kind == .exit { exitEmitted = true }
        items.append(Item(kind: kind, data: data))
        cond.broadcast()
        return .ok
    }

    /// Producer side (host->sink_wait).
    func waitWritable(timeoutMs: UInt32) -> Status {
        let deadline = Date(timeIntervalSinceNow: Double(timeoutMs) / 1000)
        cond.lock(); defer { cond.unlock() }
        while !consumerGone && items.count - head >= capacity {
            if !cond.wait(until: deadline) { return consumerGone ? .cancelled : .timeout }
        }
        return consumerGone ? .cancelled : .ok
    }

    /// Consumer side: the next item, or nil after EXIT was consumed or on timeout.
    public func next(timeout: TimeInterval) -> Item? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        cond.lock(); defer { cond.unlock() }
        while head >= items.count {
            if exitConsumed || consumerGone { return nil }
            if !cond.wait(until: deadline) { return nil }
        }
        let item = items[head]
        head += 1
        if head > 4096 && head * 2 > items.count { items.removeFirst(head); head = 0 }
        if item.kind == .exit { exitConsumed = true }
        cond.broadcast()
        return item
    }

    /// Reads until EXIT (inclusive) or until `timeout` passes between items.
    public func collect(timeout: TimeInterval) -> [Item] {
        var out: [Item] = []
        while let item = next(timeout: timeout) {
            out.append(item)
            if item.kind == .exit { break }
        }
        return out
    }

    /// Blocks until EXIT was emitted (true) or the timeout passed (false).
    public func waitForExit(timeout: TimeInterval) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        cond.lock(); defer { cond.unlock() }
        while !exitEmitted { if !cond.wait(until: deadline) { return exitEmitted } }
        return true
    }

    /// Ends a stream the driver abandoned: adds an EXIT unless one was emitted.
    func terminate(reason: String) {
        cond.lock(); defer { cond.unlock() }
        guard !exitEmitted else { return }
        exitEmitted = true
        items.append(Item(kind: .exit, data: Array(#"{"v":1,"code":-1,"signal":0,"error":"\#(reason)"}"#.utf8)))
        cond.broadcast()
    }

    /// The consumer has gone: producers get CANCELLED from now on.
    public func cancel() {
        cond.lock(); consumerGone = true; cond.broadcast(); cond.unlock()
    }

    public var pendingCount: Int { cond.lock(); defer { cond.unlock() }; return items.count - head }
}
