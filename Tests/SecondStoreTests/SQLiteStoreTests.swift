import Foundation
import SecondCore
@testable import SecondStore
import Testing

/// Embedded-store specifics the conformance suite cannot see: the file layout, WAL, index use, SQL quoting.
@Suite struct SQLiteStoreTests {
    @Test func usesWALAndTheCatalogIndexes() async throws {
        let dir = Harness.temporaryDirectory()
        let store = SQLiteStore(dataDir: dir)
        try await store.start()
        #expect(store.databasePath == dir + "/second.db")

        let db = try SQLiteDatabase(path: store.databasePath)   // a second connection, as another process would
        let mode = try db.prepare("PRAGMA journal_mode")
        #expect(try mode.step() && mode.text(0) == "wal")
        let indexes = try db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%\\_\\_%' ESCAPE '\\'")
        var names: [String] = []
        while try indexes.step() { names.append(indexes.text(0) ?? "") }
        #expect(Set(names) == Set(IndexCatalog.all.map(SQLiteSQL.indexName)))

        func plan(_ c: StoreCollection, _ ws: String?, _ filter: Document) throws -> String {
            let (clause, binds) = SQLiteSQL.whereClause(try StoreRules.query(c, ws, filter))
            let st = try db.prepare("EXPLAIN QUERY PLAN SELECT doc FROM \(SQLiteSQL.table(c)) WHERE \(clause)", binds)
            var rows: [String] = []
            while try st.step() { rows.append(st.text(3) ?? "") }
            return rows.joined(separator: " | ")
        }
        #expect(try plan(.users, nil, ["emailNormalized": "a@example.com"]).contains("USING INDEX users__emailNormalized_1"))
        #expect(try plan(.appData, "w", ["appId": "a", "collection": "todos"])
            .contains("USING INDEX app_data__workspaceId_1_appId_1_collection_1_updatedAt_-1 (workspace_id=? AND <expr>=? AND <expr>=?)"))
        #expect(try plan(.reviewRequests, "w", ["status": "pending"]).contains("USING INDEX review_requests__workspaceId_1"))
        db.close()
        await store.stop()
        Harness.removeTemporary(dir)
    }

    /// Two stores on one file have two connections, as two server processes would: BEGIN IMMEDIATE + busy_timeout
    /// must still let exactly one claim win.
    @Test func claimsAreAtomicAcrossConnections() async throws {
        let dir = Harness.temporaryDirectory()
        let stores = [SQLiteStore(dataDir: dir), SQLiteStore(dataDir: dir)]
        for s in stores { try await s.start() }
        try await stores[0].insert(.agentRuns, workspaceId: "w", ["_id": "run", "status": "pending"])
        let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<20 {
                group.addTask {
                    try await stores[i % 2].update(.agentRuns, workspaceId: "w", id: "run", set: ["status": "streaming"],
                                                   inc: ["claims": 1], onlyIf: ["status": "pending"])
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
        #expect(try await stores[1].get(.agentRuns, workspaceId: "w", id: "run")?["claims"] == 1)
        for s in stores { await s.stop() }
        Harness.removeTemporary(dir)
    }

    @Test func quotesInFieldNamesAreEscaped() async throws {
        let dir = Harness.temporaryDirectory()
        let store = SQLiteStore(dataDir: dir)
        try await store.start()
        try await store.insert(.apps, workspaceId: "w", ["_id": "a", "o'clock": 1, "x'); DROP TABLE apps; --": "y"])
        #expect(try await store.find(.apps, workspaceId: "w", where: ["o'clock": 1]).count == 1)
        #expect(try await store.count(.apps, workspaceId: "w", where: ["x'); DROP TABLE apps; --": "y"]) == 1)
        #expect(try await store.find(.apps, workspaceId: "w", sort: [("o'clock", false)]).count == 1)
        await store.stop()
        Harness.removeTemporary(dir)
    }
}
