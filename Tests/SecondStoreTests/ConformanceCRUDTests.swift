import Foundation
import SecondCore
import SecondStore
import Testing

/// Insert/get/find/sort/limit/count/delete, identical on both stores.
@Suite struct ConformanceCRUDTests {
    @Test(arguments: StoreKind.allCases)
    func insertThenGetReturnsTheSameDocument(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            #expect(store.kind == kind.rawValue)
            let ws = Harness.workspace(), id = Harness.id()
            let doc: Document = [
                "_id": .string(id), "name": "Résumé \"quoted\"\nline 2 ✓ \u{0}after NUL", "count": .int(Int64.max), "ratio": 2.5,
                "whole": .double(3.0), "flag": true, "nothing": nil, "tags": ["a", 1, false, nil, ["nested"]],
                "meta": ["tier": "gold", "limits": ["daily": 10, "burst": 0.75]], "empty": [:], "none": [],
                "files": ["dist/index.html": "<html></html>"],
            ]
            try await store.insert(.apps, workspaceId: ws, doc)
            var expected = doc
            expected["workspaceId"] = .string(ws)
            expected["whole"] = .int(3)   // JSON has one number type: an integral double reads back as an int
            #expect(try await store.get(.apps, workspaceId: ws, id: id) == expected)
            #expect(try await store.get(.apps, workspaceId: ws, id: "missing") == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func findFiltersByEqualityInNullArraysAndDottedPaths(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            let ws = Harness.workspace()
            let rows: [Document] = [
                ["_id": "a", "status": "pending", "rank": 3, "teamIds": ["t1", "t2"], "meta": ["tier": "gold"], "on": true],
                ["_id": "b", "status": "streaming", "rank": 1, "teamIds": ["t2"], "meta": ["tier": "free"], "on": false],
                ["_id": "c", "status": "pending", "rank": 2.0, "teamIds": [], "on": "yes"],
                ["_id": "d", "status": "failed", "rank": 5, "note": nil],
            ]
            for r in rows { try await store.insert(.apps, workspaceId: ws, r) }
            func ids(_ filter: Document, sort: [(String, Bool)] = []) async throws -> [String] {
                try await store.find(.apps, workspaceId: ws, where: filter, sort: sort).compactMap { $0["_id"]?.string }
            }
            #expect(try await ids(["status": "pending"]) == ["a", "c"])
            #expect(try await ids(["status": ["$in": ["failed", "streaming"]]]) == ["b", "d"])
            #expect(try await ids(["status": ["$in": []]]) == [])
            #expect(try await ids(["rank": 2]) == ["c"])                       // 2 matches 2.0
            #expect(try await ids(["rank": ["$in": [1.0, 5]]]) == ["b", "d"])
            // (bools never equal numbers in MongoDB and SQLite here; nx-27017 conflates true and 1, so that is not asserted)
            #expect(try await ids(["on": true]) == ["a"])
            #expect(try await ids(["on": false]) == ["b"])
            #expect(try await ids(["on": "yes"]) == ["c"])
            #expect(try await ids(["teamIds": "t2"]) == ["a", "b"])             // array fields match an element
            #expect(try await ids(["meta.tier": "gold"]) == ["a"])
            #expect(try await ids(["meta.tier": nil]) == ["c", "d"])            // null matches missing
            #expect(try await ids(["note": nil, "status": "failed"]) == ["d"])  // ... and explicit null
            #expect(try await ids(["_id": ["$in": ["a", "d", "zz"]]]) == ["a", "d"])
            #expect(try await store.count(.apps, workspaceId: ws, where: ["status": "pending"]) == 2)
            #expect(try await store.count(.apps, workspaceId: ws) == 4)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func sortAndLimitAreStableAcrossStores(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            let ws = Harness.workspace()
            let rows: [(String, String, Double)] = [("e", "x", 2), ("a", "y", 1), ("d", "x", 3), ("b", "y", 1), ("c", "x", 2.5)]
            for (id, group, rank) in rows {
                try await store.insert(.appData, workspaceId: ws, ["_id": .string(id), "group": .string(group), "rank": .double(rank)])
            }
            let byRankDesc = try await store.find(.appData, workspaceId: ws, sort: [("rank", false)])
            #expect(byRankDesc.compactMap { $0["_id"]?.string } == ["d", "c", "e", "a", "b"])   // ties: _id ascending
            let grouped = try await store.find(.appData, workspaceId: ws, sort: [("group", true), ("rank", false)], limit: 4)
            #expect(grouped.compactMap { $0["_id"]?.string } == ["d", "c", "e", "a"])
            let unsorted = try await store.find(.appData, workspaceId: ws, where: ["group": "y"])
            #expect(unsorted.compactMap { $0["_id"]?.string } == ["a", "b"])
            #expect(try await store.find(.appData, workspaceId: ws, limit: 0).isEmpty)
            #expect(try await store.find(.appData, workspaceId: ws, sort: [("missingField", true)], limit: 2)
                .compactMap { $0["_id"]?.string } == ["a", "b"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func deleteAndDeleteMany(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            let ws = Harness.workspace()
            for i in 0..<6 {
                try await store.insert(.auditEvents, workspaceId: ws, ["_id": .string("e\(i)"), "kind": i % 2 == 0 ? "even" : "odd"])
            }
            #expect(try await store.delete(.auditEvents, workspaceId: ws, id: "e0"))
            #expect(try await !store.delete(.auditEvents, workspaceId: ws, id: "e0"))
            #expect(try await store.deleteMany(.auditEvents, workspaceId: ws, where: ["kind": "even"]) == 2)
            #expect(try await store.deleteMany(.auditEvents, workspaceId: ws, where: ["kind": "even"]) == 0)
            #expect(try await store.count(.auditEvents, workspaceId: ws) == 3)
            #expect(try await store.deleteMany(.auditEvents, workspaceId: ws, where: [:]) == 3)
            #expect(try await store.count(.auditEvents, workspaceId: ws) == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func globalCollectionsTakeNoWorkspace(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            let id = Harness.id()
            try await store.insert(.users, workspaceId: nil, ["_id": .string(id), "emailNormalized": .string("\(id)@example.com")])
            let got = try await store.get(.users, workspaceId: nil, id: id)
            #expect(got?["emailNormalized"] == .string("\(id)@example.com"))
            #expect(got?["workspaceId"] == nil)
            #expect(try await store.find(.users, workspaceId: nil, where: ["emailNormalized": .string("\(id)@example.com")]).count == 1)
            #expect(try await store.delete(.users, workspaceId: nil, id: id))
        }
    }
}
