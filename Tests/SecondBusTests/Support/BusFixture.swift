import Foundation
import Testing
@testable import SecondBus

/// The implementations the conformance suite runs against.
enum BusKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inProcess = "in-process"
    case redis
    var testDescription: String { rawValue }
}

/// The conformance suite: every test in its nested suites that takes a `BusKind` runs once per implementation.
@Suite(.sharedRedis) struct Conformance {}

/// Settings for tests: defaults, plus a short command timeout so a broken test cannot hang for long.
func testSettings(_ change: (inout BusSettings) -> Void = { _ in }) -> BusSettings {
    var s = BusSettings(commandTimeoutMs: 3000)
    change(&s)
    return s
}

func makeBus(_ kind: BusKind, _ settings: BusSettings = testSettings()) async throws -> any CoordinationBus {
    let bus: any CoordinationBus = switch kind {
    case .inProcess: try BusFactory.make(redisURL: nil, settings: settings)
    case .redis: try BusFactory.make(redisURL: try await SharedRedis.shared.url(), settings: settings)
    }
    try await bus.start()
    return bus
}

/// Runs `body` with a started bus and always stops it.
func withBus<T>(_ kind: BusKind, _ settings: BusSettings = testSettings(),
                _ body: (any CoordinationBus) async throws -> T) async throws -> T {
    let bus = try await makeBus(kind, settings)
    do {
        let r = try await body(bus)
        await bus.stop()
        return r
    } catch {
        await bus.stop()
        throw error
    }
}

/// A fresh id, so tests sharing one Redis never see each other's keys.
func uid(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.lowercased())" }

func chunks(_ range: ClosedRange<UInt64>, _ data: (UInt64) -> String = { "chunk-\($0)" }) -> [ReplayItem] {
    range.map { .chunk(seq: $0, data: data($0)) }
}

/// Expects `body` to throw exactly `expected`.
func expectBusError<T>(_ expected: BusError, sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: () async throws -> T) async {
    do {
        _ = try await body()
        Issue.record("expected \(expected), got success", sourceLocation: sourceLocation)
    } catch let e as BusError {
        #expect(e == expected, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(expected), got \(error)", sourceLocation: sourceLocation)
    }
}

/// Expects `.unavailable` and returns its message.
@discardableResult
func expectUnavailable<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T) async -> String {
    do {
        _ = try await body()
        Issue.record("expected .unavailable, got success", sourceLocation: sourceLocation)
    } catch BusError.unavailable(let m) {
        return m
    } catch {
        Issue.record("expected .unavailable, got \(error)", sourceLocation: sourceLocation)
    }
    return ""
}

/// Expects `.invalid`.
func expectInvalid<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T) async {
    do {
        _ = try await body()
        Issue.record("expected .invalid, got success", sourceLocation: sourceLocation)
    } catch BusError.invalid {
    } catch {
        Issue.record("expected .invalid, got \(error)", sourceLocation: sourceLocation)
    }
}

/// Polls `condition` every 10 ms; fails the test (and throws) after `seconds`.
func eventually(_ what: String, within seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation,
                _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("timed out after \(seconds) s waiting for \(what)", sourceLocation: sourceLocation)
    throw TestFailure("timed out waiting for \(what)")
}
