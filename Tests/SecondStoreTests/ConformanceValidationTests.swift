import Foundation
import SecondCore
import SecondStore
import Testing

/// Bad input is .invalid on both stores, never a crash, and leaves stored data untouched.
@Suite struct ConformanceValidationTests {
    @Test(arguments: StoreKind.allCases)
    func badDocumentsAreRejectedAndNothingIsStored(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            let ws = Harness.workspace()
            let keeper: Document = ["_id": "keep", "workspaceId": .string(ws), "v": 1]
            try await store.insert(.appData, workspaceId: ws, keeper)
            var deep: JSON = "bottom"
            for _ in 0..<150 { deep = ["x": deep] }
            let bad: [Document] = [
                ["v": 1],                                    // no _id
                ["_id": 7],                                  // non-string _id
                ["_id": ["$oid": "abc"]],
                ["_id": ""],
                ["_id": "nul\0id"],
                ["_id": .string(String(repeating: "i", count: 2000))],
                ["_id": "k1", "$set": 1],                    // field names
                ["_id": "k2", "a$b": 1],
                ["_id": "k3", "nul\0key": 1],
                ["_id": "k4", ".leading": 1],
                ["_id": "k5", "": 1],
                ["_id": "k6", "nested": ["ok": ["$where": "1"]]],
                ["_id": "k7", "list": [["fine": 1], ["bad.$": 2]]],
                ["_id": "k8", "n": .double(.nan)],           // numbers JSON cannot hold
                ["_id": "k9", "n": ["x": .double(-.infinity)]],
                ["_id": "k10", "deep": deep],                // deeper than 100 levels
                ["_id": "k11", "blob": .string(String(repeating: "z", count: 17 * 1024 * 1024))],  // > 16 MiB
            ]
            for doc in bad { await expectInvalid { try await store.insert(.appData, workspaceId: ws, doc) } }
            #expect(try await store.find(.appData, workspaceId: ws) == [keeper])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func badFiltersSortsAndLimitsAreRejected(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            let ws = Harness.workspace()
            let badFilters: [Document] = [
                ["status": ["$ne": "x"]], ["status": ["$in": "x"]], ["status": ["$in": [["a": 1]]]], ["status": ["a": 1]],
                ["status": ["x", "y"]], ["$where": "1"], ["a..b": 1], [".a": 1], ["a.": 1], ["a\"b": 1], ["n": .double(.nan)],
                ["$or": [["a": 1]]],
            ]
            for f in badFilters {
                await expectInvalid { try await store.find(.apps, workspaceId: ws, where: f) }
                await expectInvalid { try await store.count(.apps, workspaceId: ws, where: f) }
                await expectInvalid { try await store.deleteMany(.apps, workspaceId: ws, where: f) }
            }
            let many = JSON.array((0..<2000).map { .string("s\($0)") })
            let twoLists: Document = ["status": ["$in": many], "kind": ["$in": many]]
            let matched = try await store.count(.apps, workspaceId: ws, where: twoLists)
            #expect(matched == 0)
            await expectInvalid {
                try await store.count(.apps, workspaceId: ws, where: ["status": ["$in": many], "kind": ["$in": many], "x": ["$in": many]])
            }
            await expectInvalid { try await store.find(.apps, workspaceId: ws, sort: [("$natural", true)]) }
            await expectInvalid { try await store.find(.apps, workspaceId: ws, limit: -1) }
            await expectInvalid { try await store.get(.apps, workspaceId: ws, id: "") }
            await expectInvalid { try await store.watch(.apps, workspaceId: ws, where: ["a": ["$gt": 1]]) }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func largeDocumentsUpToTheLimitRoundTrip(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            let ws = Harness.workspace()
            let files = (0..<8).reduce(into: [String: JSON]()) { $0["src/file\($1).ts"] = .string(String(repeating: "x", count: 256 * 1024)) }
            let doc: Document = ["_id": "snap", "appId": "a", "kind": "draft", "files": .object(files), "fileCount": 8]
            try await store.insert(.appSourceSnapshots, workspaceId: ws, doc)
            #expect(try await store.get(.appSourceSnapshots, workspaceId: ws, id: "snap")?["files"] == .object(files))
            // Growing it past the limit through update is refused too.
            await expectInvalid {
                try await store.update(.appSourceSnapshots, workspaceId: ws, id: "snap",
                                       set: ["files.big": .string(String(repeating: "y", count: 16 * 1024 * 1024))])
            }
            #expect(try await store.get(.appSourceSnapshots, workspaceId: ws, id: "snap")?["fileCount"] == 8)
        }
    }
}
