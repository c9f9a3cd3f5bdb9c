import Foundation
import Testing
@testable import SecondBus

extension Conformance {
    @Suite("single-use state") struct State {
        @Test(arguments: BusKind.allCases)
        func takeIsSingleUse(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let key = "oauth:state:" + uid("s")
                let value = #"{"workspaceId":"w","codeVerifier":"v\u0000","returnTo":"/a b"}"# + "\n\0ü"
                try await bus.putState(key: key, value: value, ttlMs: 60_000)
                #expect(try await bus.takeState(key: key) == value)
                #expect(try await bus.takeState(key: key) == nil)
                #expect(try await bus.takeState(key: uid("missing")) == nil)
            }
        }

        @Test(arguments: BusKind.allCases)
        func concurrentTakesYieldTheValueOnce(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let key = uid("state")
                try await bus.putState(key: key, value: "v", ttlMs: 60_000)
                let results = try await withThrowingTaskGroup(of: String?.self) { g in
                    for _ in 0..<16 { g.addTask { try await bus.takeState(key: key) } }
                    return try await g.reduce(into: [String?]()) { $0.append($1) }
                }
                #expect(results.compactMap { $0 } == ["v"])
            }
        }

        @Test(arguments: BusKind.allCases)
        func putOverwritesAndStateExpires(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let key = uid("state")
                try await bus.putState(key: key, value: "one", ttlMs: 60_000)
                try await bus.putState(key: key, value: "two", ttlMs: 60_000)
                #expect(try await bus.takeState(key: key) == "two")
                try await bus.putState(key: key, value: "short", ttlMs: 150)
                try await Task.sleep(for: .milliseconds(400))
                #expect(try await bus.takeState(key: key) == nil)
            }
        }
    }

    @Suite("single-flight locks") struct Locks {
        @Test(arguments: BusKind.allCases)
        func contentionWrongAndRightTokens(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let key = "oauth:refresh:" + uid("lock")
                let token = try #require(try await bus.acquireLock(key: key, ttlMs: 10_000))
                #expect(try await bus.acquireLock(key: key, ttlMs: 10_000) == nil)
                #expect(try await bus.releaseLock(key: key, token: "not-the-token") == false)
                #expect(try await bus.acquireLock(key: key, ttlMs: 10_000) == nil, "a wrong-token release must not free the lock")
                #expect(try await bus.releaseLock(key: key, token: token) == true)
                #expect(try await bus.releaseLock(key: key, token: token) == false)
                let again = try #require(try await bus.acquireLock(key: key, ttlMs: 10_000))
                #expect(again != token)
                #expect(try await bus.releaseLock(key: key, token: again))
            }
        }

        @Test(arguments: BusKind.allCases)
        func anExpiredLockCanBeTakenAndTheOldOwnerCannotReleaseIt(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let key = uid("lock")
                let first = try #require(try await bus.acquireLock(key: key, ttlMs: 150))
                try await Task.sleep(for: .milliseconds(400))
                let second = try #require(try await bus.acquireLock(key: key, ttlMs: 10_000))
                #expect(try await bus.releaseLock(key: key, token: first) == false)
                #expect(try await bus.releaseLock(key: key, token: second) == true)
            }
        }

        @Test(arguments: BusKind.allCases)
        func exactlyOneOfManyConcurrentAcquirersWins(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let key = uid("lock")
                let tokens = try await withThrowingTaskGroup(of: String?.self) { g in
                    for _ in 0..<20 { g.addTask { try await bus.acquireLock(key: key, ttlMs: 10_000) } }
                    return try await g.reduce(into: [String?]()) { $0.append($1) }
                }
                #expect(tokens.compactMap { $0 }.count == 1)
            }
        }
    }
}
