import Foundation
import SecondCore
@testable import SecondStore
import Testing

/// The two implementations every conformance test runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, mongodb
    var testDescription: String { rawValue }
}

/// Opens started stores for tests. SQLite: a fresh temporary data directory per test. MongoDB: one shared test
/// server (TestMongoServer) and one database per test process; tests stay apart by unique workspace ids and values.
enum Harness {
    static let mongoDatabase = "second_test_\(ProcessInfo.processInfo.processIdentifier)_\(UInt32.random(in: 0...UInt32.max))"

    struct Opened: Sendable {
        let store: any DocumentStore
        /// A new, not yet started store on the same data (same data directory / same database).
        let sibling: @Sendable () -> any DocumentStore
        /// Removes the temporary data directory (SQLite); call after the stores are stopped.
        var cleanUp: @Sendable () -> Void = {}
    }

    static func open(_ kind: StoreKind) async throws -> Opened {
        let opened: Opened
        switch kind {
        case .sqlite:
            let dir = temporaryDirectory()
            opened = Opened(store: SQLiteStore(dataDir: dir), sibling: { SQLiteStore(dataDir: dir) },
                            cleanUp: { removeTemporary(dir) })
        case .mongodb:
            let uri = try await TestMongoServer.shared.uri()
            opened = Opened(store: MongoStore(uri: uri, database: mongoDatabase),
                            sibling: { MongoStore(uri: uri, database: mongoDatabase) })
        }
        try await opened.store.start()
        return opened
    }

    /// Runs `body` with a started store and stops it afterwards, also on failure.
    static func with(_ kind: StoreKind, _ body: (any DocumentStore) async throws -> Void) async throws {
        let opened = try await open(kind)
        do {
            try await body(opened.store)
        } catch {
            await opened.store.stop()
            opened.cleanUp()
            throw error
        }
        await opened.store.stop()
        opened.cleanUp()
    }

    static func temporaryDirectory() -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("second-store-\(UUID().uuidString)")
        return url.appendingPathComponent("data").path
    }

    /// Removes what `temporaryDirectory()` made (its parent, the per-test directory).
    static func removeTemporary(_ dataDir: String) {
        try? FileManager.default.removeItem(atPath: (dataDir as NSString).deletingLastPathComponent)
    }

    /// A workspace id nobody else uses (so tests can share one MongoDB database).
    static func workspace() -> String { "ws-" + UUID().uuidString.lowercased().prefix(13) }
    static func id() -> String { UUID().uuidString.lowercased() }
}

/// Asserts that `body` throws exactly `expected`.
func expectStoreError<T>(_ expected: StoreError, _ body: () async throws -> T,
                         sourceLocation: SourceLocation = #_sourceLocation) async {
    do {
        _ = try await body()
        Issue.record("expected \(expected), got success", sourceLocation: sourceLocation)
    } catch let e as StoreError {
        #expect(e == expected, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(expected), got \(error)", sourceLocation: sourceLocation)
    }
}

/// Asserts that `body` throws `.invalid` (any message).
func expectInvalid<T>(_ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation) async {
    do {
        _ = try await body()
        Issue.record("expected .invalid, got success", sourceLocation: sourceLocation)
    } catch StoreError.invalid {
    } catch {
        Issue.record("expected .invalid, got \(error)", sourceLocation: sourceLocation)
    }
}

/// Asserts that `body` throws `.unavailable`; returns its message for further checks.
@discardableResult
func expectUnavailable<T>(_ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation) async -> String {
    do {
        _ = try await body()
        Issue.record("expected .unavailable, got success", sourceLocation: sourceLocation)
    } catch StoreError.unavailable(let message) {
        return message
    } catch {
        Issue.record("expected .unavailable, got \(error)", sourceLocation: sourceLocation)
    }
    return ""
}

/// Collects events until `stop` returns true for one of them, or fails after `timeout` (poll-tolerant).
func collect(_ stream: AsyncThrowingStream<ChangeEvent, any Error>, timeout: Duration = .seconds(10),
             until stop: @escaping @Sendable (ChangeEvent) -> Bool) async throws -> [ChangeEvent] {
    try await withThrowingTaskGroup(of: [ChangeEvent]?.self) { group in
        group.addTask {
            var events: [ChangeEvent] = []
            for try await e in stream {
                events.append(e)
                if stop(e) { return events }
            }
            return events
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let events = first else {
            throw StoreError.failed("timed out after \(timeout) waiting for change events")
        }
        return events
    }
}
