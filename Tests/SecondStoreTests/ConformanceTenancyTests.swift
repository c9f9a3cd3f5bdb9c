import SecondCore
import SecondStore
import Testing

/// Every workspace-owned read and write takes workspaceId (spec §9): another workspace sees and changes nothing.
@Suite struct ConformanceTenancyTests {
    @Test(arguments: StoreKind.allCases)
    func anotherWorkspaceSeesNothingAndChangesNothing(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            let mine = Harness.workspace(), theirs = Harness.workspace(), id = Harness.id()
            let original: Document = ["_id": .string(id), "appId": "a1", "status": "pending", "n": 1, "workspaceId": .string(mine)]
            try await store.insert(.agentRuns, workspaceId: mine, original)

            #expect(try await store.get(.agentRuns, workspaceId: theirs, id: id) == nil)
            #expect(try await store.find(.agentRuns, workspaceId: theirs).isEmpty)
            #expect(try await store.find(.agentRuns, workspaceId: theirs, where: ["_id": .string(id)]).isEmpty)
            #expect(try await store.count(.agentRuns, workspaceId: theirs) == 0)
            #expect(try await !store.update(.agentRuns, workspaceId: theirs, id: id, set: ["status": "streaming"], unset: ["appId"], inc: ["n": 1]))
            #expect(try await !store.update(.agentRuns, workspaceId: theirs, id: id))
            #expect(try await !store.delete(.agentRuns, workspaceId: theirs, id: id))
            #expect(try await store.deleteMany(.agentRuns, workspaceId: theirs, where: [:]) == 0)
            #expect(try await store.deleteMany(.agentRuns, workspaceId: theirs, where: ["_id": .string(id)]) == 0)
            // Ids are unique per collection, so the same _id cannot be inserted into another workspace either.
            await expectStoreError(.duplicateKey(collection: "agent_runs", fields: ["_id"])) {
                try await store.insert(.agentRuns, workspaceId: theirs, ["_id": .string(id), "appId": "evil"])
            }

            #expect(try await store.get(.agentRuns, workspaceId: mine, id: id) == original)
            #expect(try await store.count(.agentRuns, workspaceId: mine) == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func workspaceScopeIsRequiredAndCannotBeSpoofed(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            let ws = Harness.workspace(), other = Harness.workspace(), id = Harness.id()
            try await store.insert(.apps, workspaceId: ws, ["_id": .string(id), "name": "x"])

            await expectInvalid { try await store.insert(.apps, workspaceId: nil, ["_id": "n1"]) }
            await expectInvalid { try await store.insert(.apps, workspaceId: "", ["_id": "n2"]) }
            await expectInvalid { try await store.get(.apps, workspaceId: nil, id: id) }
            await expectInvalid { try await store.find(.apps, workspaceId: nil) }
            await expectInvalid { try await store.count(.apps, workspaceId: nil) }
            await expectInvalid { try await store.update(.apps, workspaceId: nil, id: id, set: ["name": "y"]) }
            await expectInvalid { try await store.delete(.apps, workspaceId: nil, id: id) }
            await expectInvalid { try await store.deleteMany(.apps, workspaceId: nil, where: [:]) }
            await expectInvalid { try await store.watch(.apps, workspaceId: "") }
            // Global collections refuse a workspace (a caller mixing up collections).
            await expectInvalid { try await store.get(.users, workspaceId: ws, id: id) }
            // A document or filter naming another workspace is a bug, not an empty result.
            await expectInvalid { try await store.insert(.apps, workspaceId: ws, ["_id": "n3", "workspaceId": .string(other)]) }
            await expectInvalid { try await store.insert(.apps, workspaceId: ws, ["_id": "n4", "workspaceId": 7]) }
            await expectInvalid { try await store.find(.apps, workspaceId: ws, where: ["workspaceId": .string(other)]) }
            await expectInvalid { try await store.count(.apps, workspaceId: ws, where: ["workspaceId": ["$in": [.string(other)]]]) }
            await expectInvalid { try await store.update(.apps, workspaceId: ws, id: id, set: ["workspaceId": .string(other)]) }
            await expectInvalid { try await store.update(.apps, workspaceId: ws, id: id, unset: ["workspaceId"]) }
            await expectInvalid { try await store.update(.apps, workspaceId: ws, id: id, set: ["_id": "renamed"]) }

            // Naming the scope itself is fine.
            #expect(try await store.find(.apps, workspaceId: ws, where: ["workspaceId": .string(ws)]).count == 1)
            #expect(try await store.count(.apps, workspaceId: ws) == 1)
            #expect(try await store.count(.apps, workspaceId: other) == 0)
            #expect(try await store.get(.apps, workspaceId: ws, id: id)?["name"] == "x")
        }
    }
}
