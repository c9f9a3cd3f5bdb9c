import Foundation
import Testing
@testable import SecondBus

extension Conformance {
    @Suite("pub/sub") struct PubSub {
        @Test(arguments: BusKind.allCases)
        func deliversOnlyTheSubscribedWorkspacesEventsInOrder(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let (a, b) = (uid("ws"), uid("ws"))
                let subA = Collector(try await bus.subscribe(workspaceId: a))
                let subB = Collector(try await bus.subscribe(workspaceId: b))
                let forA = (1...5).map { WorkspaceEvent(type: "app.updated", workspaceId: a, scope: "apps", appId: "app-\($0)") }
                let forB = WorkspaceEvent(type: "member.changed", workspaceId: b, scope: "memberships")
                for (i, e) in forA.enumerated() {
                    try await bus.publish(e)
                    if i == 2 { try await bus.publish(forB) }
                }
                try await subA.waitFor(count: 5)
                try await subB.waitFor(count: 1)
                try await Task.sleep(for: .milliseconds(100))   // nothing else may arrive
                #expect(subA.items == forA)
                #expect(subB.items == [forB])
                subA.cancel(); subB.cancel()
            }
        }

        @Test(arguments: BusKind.allCases)
        func everyFieldSurvivesTheRoundTrip(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let ws = uid("ws")
                let sub = Collector(try await bus.subscribe(workspaceId: ws))
                let full = WorkspaceEvent(type: "run.completed", workspaceId: ws, scope: "agent-runs", appId: "app-1", runId: "run-1",
                                          runStatus: "completed", integrationId: "int-1", credentialId: "cred-1", keySlug: "api_key",
                                          skillId: "skill-1", agentId: "agent-1", sourceVersion: 7, runReason: "app_tool_failure")
                let minimal = WorkspaceEvent(type: "changed", workspaceId: ws, scope: "apps")
                try await bus.publish(full)
                try await bus.publish(minimal)
                try await sub.waitFor(count: 2)
                #expect(sub.items == [full, minimal])
                sub.cancel()
            }
        }

        @Test(arguments: BusKind.allCases)
        func everySubscriberOfAWorkspaceGetsEachEvent(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let ws = uid("ws")
                let subs = try await (0..<3).asyncMap { _ in Collector(try await bus.subscribe(workspaceId: ws)) }
                let e = WorkspaceEvent(type: "app.created", workspaceId: ws, scope: "apps", appId: "a")
                try await bus.publish(e)
                for s in subs { try await s.waitFor(count: 1); #expect(s.items == [e]) }
                subs.forEach { $0.cancel() }
            }
        }

        @Test(arguments: BusKind.allCases)
        func cancellingTheConsumerEndsTheSubscription(kind: BusKind) async throws {
            try await withBus(kind) { bus in
                let ws = uid("ws")
                let stay = Collector(try await bus.subscribe(workspaceId: ws))
                let leave = Collector(try await bus.subscribe(workspaceId: ws))
                leave.cancel()
                try await leave.waitForEnd()
                // The bus keeps working for the remaining subscriber, and publishing to a gone one is harmless.
                let e = WorkspaceEvent(type: "app.deleted", workspaceId: ws, scope: "apps", appId: "a")
                try await bus.publish(e)
                try await stay.waitFor(count: 1)
                #expect(stay.items == [e])
                #expect(leave.items.isEmpty)
                stay.cancel()
            }
        }

        @Test(arguments: BusKind.allCases)
        func stopEndsOpenStreamsWithUnavailable(kind: BusKind) async throws {
            let bus = try await makeBus(kind)
            let sub = Collector(try await bus.subscribe(workspaceId: uid("ws")))
            let reader = Collector(try await bus.replayRead(runId: uid("run"), after: 0))
            await bus.stop()
            try await sub.waitForEnd()
            try await reader.waitForEnd()
            #expect(sub.error as? BusError != nil)
            #expect(reader.error.map { "\($0)" }?.contains("stopped") == true)
            await expectUnavailable { try await bus.ping() }
            await expectUnavailable { try await bus.publish(WorkspaceEvent(type: "x", workspaceId: "w", scope: "apps")) }
        }

        @Test(arguments: BusKind.allCases)
        func callsBeforeStartFailWithUnavailable(kind: BusKind) async throws {
            let bus: any CoordinationBus = switch kind {
            case .inProcess: InProcessBus()
            case .redis: try BusFactory.make(redisURL: try await SharedRedis.shared.url(), settings: testSettings())
            }
            #expect(bus.kind == kind.rawValue)
            await expectUnavailable { try await bus.ping() }
            await expectUnavailable { try await bus.takeState(key: "k") }
            try await bus.start()
            try await bus.start()   // idempotent
            try await bus.ping()
            await bus.stop()
            await bus.stop()        // idempotent
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await transform(e)) }
        return out
    }
}
