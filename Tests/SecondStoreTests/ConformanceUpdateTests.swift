import SecondCore
import SecondStore
import Testing

/// update(): atomic compare-and-set with $set / $unset / $inc (spec §9.2 run claims).
@Suite struct ConformanceUpdateTests {
    @Test(arguments: StoreKind.allCases)
    func compareAndSetAppliesOnlyWhenConditionsHold(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            let ws = Harness.workspace(), id = Harness.id()
            try await store.insert(.agentRuns, workspaceId: ws, ["_id": .string(id), "appId": "a1", "status": "pending"])
            #expect(try await store.update(.agentRuns, workspaceId: ws, id: id, set: ["status": "streaming", "activeStreamId": "s1"],
                                           onlyIf: ["status": "pending"]))
            #expect(try await !store.update(.agentRuns, workspaceId: ws, id: id, set: ["status": "failed"], onlyIf: ["status": "pending"]))
            #expect(try await store.update(.agentRuns, workspaceId: ws, id: id, set: ["status": "completed"],
                                           onlyIf: ["status": ["$in": ["streaming", "pending"]], "activeStreamId": "s1", "failure": nil]))
            #expect(try await !store.update(.agentRuns, workspaceId: ws, id: "missing", set: ["status": "failed"]))
            // With nothing to change, update only reports whether the document matches.
            #expect(try await store.update(.agentRuns, workspaceId: ws, id: id, onlyIf: ["status": "completed"]))
            #expect(try await !store.update(.agentRuns, workspaceId: ws, id: id, onlyIf: ["status": "pending"]))
            #expect(try await store.update(.agentRuns, workspaceId: ws, id: id, onlyIf: ["_id": .string(id)]))
            #expect(try await !store.update(.agentRuns, workspaceId: ws, id: id, set: ["x": 1], onlyIf: ["_id": "other"]))
            let doc = try await store.get(.agentRuns, workspaceId: ws, id: id)
            #expect(doc == ["_id": .string(id), "workspaceId": .string(ws), "appId": "a1", "status": "completed", "activeStreamId": "s1"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func incUnsetAndNestedSet(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            let ws = Harness.workspace(), id = Harness.id()
            try await store.insert(.agentRuns, workspaceId: ws, [
                "_id": .string(id), "usage": ["totalInputTokens": 10, "totalCostUsd": 0.5], "streamLease": ["id": "l1", "heartbeatAt": 5],
                "keep": "me",
            ])
            #expect(try await store.update(.agentRuns, workspaceId: ws, id: id,
                                           set: ["streamLease.heartbeatAt": 9, "failure.code": "unknown", "messages": [["role": "user"]]],
                                           unset: ["keep", "streamLease.id", "neverThere"],
                                           inc: ["usage.totalInputTokens": 5, "usage.totalCostUsd": 0.25, "usage.byModel.m1.inputTokens": 7]))
            #expect(try await store.update(.agentRuns, workspaceId: ws, id: id, inc: ["usage.totalInputTokens": -3, "retries": 1.5]))
            let doc = try await store.get(.agentRuns, workspaceId: ws, id: id)
            #expect(doc == [
                "_id": .string(id), "workspaceId": .string(ws),
                "usage": ["totalInputTokens": 12, "totalCostUsd": 0.75, "byModel": ["m1": ["inputTokens": 7]]],
                "streamLease": ["heartbeatAt": 9], "failure": ["code": "unknown"], "messages": [["role": "user"]], "retries": 1.5,
            ])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func twentyConcurrentClaimsHaveExactlyOneWinner(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            let ws = Harness.workspace(), id = Harness.id()
            try await store.insert(.agentRuns, workspaceId: ws, ["_id": .string(id), "status": "pending"])
            let winners = try await withThrowingTaskGroup(of: Int?.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        try await store.update(.agentRuns, workspaceId: ws, id: id, set: ["status": "streaming", "claimedBy": .int(Int64(i))],
                                               onlyIf: ["status": "pending"]) ? i : nil
                    }
                }
                var won: [Int] = []
                for try await r in group { if let r { won.append(r) } }
                return won
            }
            #expect(winners.count == 1)
            let doc = try await store.get(.agentRuns, workspaceId: ws, id: id)
            #expect(doc?["status"] == "streaming")
            #expect(doc?["claimedBy"] == winners.first.map { .int(Int64($0)) })
        }
    }

    @Test(arguments: StoreKind.allCases)
    func invalidUpdatesChangeNothing(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            let ws = Harness.workspace(), id = Harness.id()
            let original: Document = ["_id": .string(id), "workspaceId": .string(ws), "name": "n", "tags": ["a"], "usage": ["n": 1]]
            try await store.insert(.apps, workspaceId: ws, original)
            await expectInvalid { try await store.update(.apps, workspaceId: ws, id: id, inc: ["name": 1]) }   // not a number
            await expectInvalid { try await store.update(.apps, workspaceId: ws, id: id, set: ["usage": 1], inc: ["usage.n": 1]) }
            await expectInvalid { try await store.update(.apps, workspaceId: ws, id: id, set: ["a": 1], unset: ["a"]) }
            await expectInvalid { try await store.update(.apps, workspaceId: ws, id: id, set: ["$set": 1]) }
            await expectInvalid { try await store.update(.apps, workspaceId: ws, id: id, set: ["a..b": 1]) }
            await expectInvalid { try await store.update(.apps, workspaceId: ws, id: id, set: ["ok": ["bad$key": 1]]) }
            await expectInvalid { try await store.update(.apps, workspaceId: ws, id: id, inc: ["n": .infinity]) }
            await expectInvalid { try await store.update(.apps, workspaceId: ws, id: id, set: ["name": "x"], onlyIf: ["name": ["$ne": "y"]]) }
            await expectInvalid { try await store.update(.apps, workspaceId: ws, id: "", set: ["name": "x"]) }
            #expect(try await store.get(.apps, workspaceId: ws, id: id) == original)
        }
    }
}
