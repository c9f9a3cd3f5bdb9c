import Foundation
import SecondPluginKit

/// telemetry.jsonl — appends every event and error of a batch as one JSON line to a file, for
/// audits, debugging and log shippers. The file is opened at start and fsync'ed on flush and stop.
final class JSONLinesTelemetry: TelemetrySink, @unchecked Sendable {
    struct Config: Decodable, Sendable {
        var path: String
        var maxBatchEvents: Int
    }

    static let type = "jsonl"
    static let summary = "Appends telemetry events and errors as JSON lines to a file"
    static let stability = Stability.beta
    static let extraFlags: UInt32 = 0
    static let configSchema: String? = """
    {"type":"object","additionalProperties":false,"required":["path"],
     "properties":{"path":{"type":"string","minLength":1},
                   "max_batch_events":{"type":"integer","minimum":1,"maximum":100000,"default":1000}}}
    """

    private let config: Config
    private let lock = NSLock()
    private var handle: FileHandle?

    init(config: Config, context: InstanceContext) throws { self.config = config }

    func start() throws {
        let fm = FileManager.default
        if !fm.fileExists(atPath: config.path) {
            guard fm.createFile(atPath: config.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw PluginError.unavailable("cannot create \(config.path)")
            }
        }
        guard let h = FileHandle(forWritingAtPath: config.path) else { throw PluginError.unavailable("cannot open \(config.path) for writing") }
        h.seekToEndOfFile()
        lock.lock(); handle = h; lock.unlock()
    }

    func submit(_ batch: TelemetryBatch) async throws {
        guard batch.events.count + batch.errors.count <= config.maxBatchEvents else {
            throw PluginError(.backpressure, "batch of \(batch.events.count + batch.errors.count) items exceeds max_batch_events \(config.maxBatchEvents)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var data = Data()
        for e in batch.events { data += try encoder.encode(Line(kind: "event", event: e, error: nil)) + Data([10]) }
        for e in batch.errors { data += try encoder.encode(Line(kind: "error", event: nil, error: e)) + Data([10]) }
        try write(data)
    }

    private func write(_ data: Data) throws {
        lock.lock(); defer { lock.unlock() }
        guard let handle else { throw PluginError.unavailable("sink is not started") }
        handle.write(data)
    }

    private func sync() {
        lock.lock(); defer { lock.unlock() }
        handle?.synchronizeFile()
    }

    func flush(deadlineMilliseconds: UInt32) async throws { sync() }

    func stop(deadlineMilliseconds: UInt32) {
        lock.lock(); defer { lock.unlock() }
        handle?.synchronizeFile()
        handle?.closeFile()
        handle = nil
    }

    struct Line: Encodable {
        let kind: String
        let event: TelemetryBatch.Event?
        let error: TelemetryBatch.ErrorReport?
    }
}

let plugin = SecondPlugin(name: "jsonl-telemetry", version: "1.0.0",
                          summary: "Telemetry sink writing JSON lines", components: [.telemetry(JSONLinesTelemetry.self)])
@_cdecl("second_plugin_magic_v1") public func secondPluginMagic() -> UnsafeRawPointer { plugin.magic }
@_cdecl("second_plugin_entry_v1") public func secondPluginEntry(_ h: UnsafeRawPointer?, _ e: OpaquePointer?) -> UnsafeRawPointer? { plugin.entry(h, e) }
