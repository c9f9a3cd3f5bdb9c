import Foundation
import SecondCore
import SecondHTTP
import SecondBus

/// One reader of a run's replay buffer per web process, shared by all of that run's viewers here.
/// Each event is framed once and written to every attached stream, instead of one bus reader, one
/// task and one formatting pass per viewer. The hub keeps the last `cap` frames (the bus's own cap),
/// so a viewer attaching with any cursor gets exactly what a direct bus read would give: every
/// retained event after its cursor, once, in order, then live ones, then the end.
final class RunFanout: @unchecked Sendable {
    let bus: any CoordinationBus
    let cap: Int

    private final class Hub: @unchecked Sendable {   // guarded by RunFanout.lock
        var frames: [(seq: UInt64, bytes: [UInt8])] = []
        var head = 0
        var end: [UInt8]?
        /// Each viewer with the cursor it attached with (a fresh hub replays from 0; a viewer sees only seq > cursor).
        var viewers: [UUID: (stream: SSEStream, cursor: UInt64)] = [:]
        var task: Task<Void, Never>?
    }

    private let lock = NSLock()
    private var hubs: [String: Hub] = [:]

    init(bus: any CoordinationBus, cap: Int = BusSettings().replayCap) {
        self.bus = bus
        self.cap = max(1, cap)
    }

    /// Number of runs with a live hub (for tests and metrics).
    var hubCount: Int { lock.lock(); defer { lock.unlock() }; return hubs.count }

    /// Sends `stream` every frame after `cursor`, then live frames, then the end frame.
    func attach(runId: String, cursor: UInt64, stream: SSEStream) {
        let id = UUID()
        lock.lock()
        var created = false
        let hub: Hub
        if let h = hubs[runId] { hub = h } else { hub = Hub(); hubs[runId] = hub; created = true }
        // Under the hub lock, so no live frame can slip between the backlog and the registration.
        for f in hub.frames[hub.head...] where f.seq > cursor { stream.send(frame: f.bytes) }
        if let end = hub.end {
            lock.unlock()
            stream.send(frame: end)
            stream.finish()
            return
        }
        hub.viewers[id] = (stream, cursor)
        if created { hub.task = Task.detached { [self] in await read(runId: runId, hub: hub) } }
        lock.unlock()
        stream.onClientGone { [weak self] in self?.detach(runId: runId, id: id) }
    }

    private func detach(runId: String, id: UUID) {
        lock.lock()
        guard let hub = hubs[runId] else { lock.unlock(); return }
        hub.viewers[id] = nil
        // The last viewer gone: stop reading; the next viewer starts a fresh hub from the bus.
        if hub.viewers.isEmpty, hubs[runId] === hub { hubs[runId] = nil; hub.task?.cancel() }
        lock.unlock()
    }

    private func read(runId: String, hub: Hub) async {
        do {
            for try await item in try await bus.replayRead(runId: runId, after: 0) {
                if Task.isCancelled { return }
                switch item {
                case .chunk(let seq, let data):
                    deliver(hub, seq: seq, frame: SSEStream.frame(id: String(seq), data: data))
                case .terminal(let status):
                    close(runId: runId, hub: hub, SSEStream.frame(event: "end", data: JSON.object(["status": .string(status)]).text))
                    return
                }
            }
        } catch {
            let message = JSON.object(["error": "stream_unavailable", "message": "the run's event stream is unavailable; reconnect with your cursor"]).text
            close(runId: runId, hub: hub, SSEStream.frame(event: "error", data: message))
        }
    }

    /// Keeps the frame and writes it to every viewer past its cursor (under the lock: see attach).
    private func deliver(_ hub: Hub, seq: UInt64, frame: [UInt8]) {
        lock.lock(); defer { lock.unlock() }
        hub.frames.append((seq, frame))
        if hub.frames.count - hub.head > cap { hub.head += 1 }
        if hub.head > 1024 && hub.head * 2 > hub.frames.count { hub.frames.removeFirst(hub.head); hub.head = 0 }
        for (_, v) in hub.viewers where seq > v.cursor { v.stream.send(frame: frame) }
    }

    /// Sends the last frame to everyone and finishes their streams; later viewers start a new hub,
    /// which reads the (terminated) buffer from the bus.
    private func close(runId: String, hub: Hub, _ last: [UInt8]) {
        lock.lock()
        hub.end = last
        let viewers = hub.viewers.values.map(\.stream)
        hub.viewers = [:]
        if hubs[runId] === hub { hubs[runId] = nil }
        lock.unlock()
        for v in viewers { v.send(frame: last); v.finish() }
    }
}
