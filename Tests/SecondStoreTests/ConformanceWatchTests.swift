import SecondCore
import SecondStore
import Testing

/// watch(): live changes of one collection within one workspace, narrowed by a filter (spec §9.3, app_data).
/// Poll-tolerant: events are awaited up to 10 s, and change-event metadata is never asserted (nx-27017 differs).
@Suite struct ConformanceWatchTests {
    @Test(arguments: StoreKind.allCases)
    func deliversInsertUpdateDeleteForTheScopeOnly(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            let ws = Harness.workspace(), other = Harness.workspace()
            try await store.insert(.appData, workspaceId: ws, ["_id": "old", "appId": "a1", "collection": "todos", "data": ["t": "x"]])
            let stream = try await store.watch(.appData, workspaceId: ws, where: ["appId": "a1", "collection": "todos"])

            try await store.insert(.appData, workspaceId: ws, ["_id": "d1", "appId": "a1", "collection": "todos", "data": ["t": "buy"]])
            try await store.insert(.appData, workspaceId: ws, ["_id": "d2", "appId": "a2", "collection": "todos", "data": [:]])
            try await store.insert(.appData, workspaceId: ws, ["_id": "d3", "appId": "a1", "collection": "notes", "data": [:]])
            try await store.insert(.appData, workspaceId: other, ["_id": "d4", "appId": "a1", "collection": "todos", "data": [:]])
            #expect(try await store.update(.appData, workspaceId: ws, id: "d1", set: ["data.t": "buy milk"]))
            #expect(try await store.update(.appData, workspaceId: ws, id: "d2", set: ["data.t": "nope"]))
            #expect(try await store.update(.appData, workspaceId: other, id: "d4", set: ["data.t": "nope"]))
            #expect(try await store.delete(.appData, workspaceId: ws, id: "d2"))
            #expect(try await store.delete(.appData, workspaceId: other, id: "d4"))
            #expect(try await store.delete(.appData, workspaceId: ws, id: "d1"))
            #expect(try await store.delete(.appData, workspaceId: ws, id: "old"))
            try await store.insert(.appData, workspaceId: ws, ["_id": "end", "appId": "a1", "collection": "todos", "data": [:]])

            let events = try await collect(stream) { $0.id == "end" }
            let d1: Document = ["_id": "d1", "workspaceId": .string(ws), "appId": "a1", "collection": "todos", "data": ["t": "buy"]]
            var d1After = d1
            d1After["data"] = ["t": "buy milk"]
            #expect(events == [
                ChangeEvent(kind: .insert, id: "d1", document: d1),
                ChangeEvent(kind: .update, id: "d1", document: d1After),
                ChangeEvent(kind: .delete, id: "d1", document: nil),
                ChangeEvent(kind: .delete, id: "old", document: nil),
                ChangeEvent(kind: .insert, id: "end", document: ["_id": "end", "workspaceId": .string(ws), "appId": "a1",
                                                                "collection": "todos", "data": [:]]),
            ])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func severalWatchersEachSeeTheirOwnScopeAndCancelCleanly(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            let ws = Harness.workspace()
            let all = try await store.watch(.appData, workspaceId: ws)
            let onlyA = try await store.watch(.appData, workspaceId: ws, where: ["appId": "a"])
            let dropped = try await store.watch(.appData, workspaceId: ws)
            // Consumer cancellation ends a watch; the store keeps serving the others.
            let cancelled = Task { try await collect(dropped) { _ in false } }
            cancelled.cancel()
            _ = try? await cancelled.value

            for (id, app) in [("1", "b"), ("2", "a"), ("3", "b"), ("4", "a")] {
                try await store.insert(.appData, workspaceId: ws, ["_id": .string(id), "appId": .string(app)])
            }
            let seenAll = try await collect(all) { $0.id == "4" }
            let seenA = try await collect(onlyA) { $0.id == "4" }
            #expect(seenAll.map(\.id) == ["1", "2", "3", "4"])
            #expect(seenA.map(\.id) == ["2", "4"])
            #expect(seenA.allSatisfy { $0.kind == .insert && $0.document?["appId"] == "a" })
        }
    }
}
