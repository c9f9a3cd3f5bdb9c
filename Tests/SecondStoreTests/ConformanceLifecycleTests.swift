import SecondCore
import SecondStore
import Testing

/// start/stop/ping and restarts on the same data.
@Suite struct ConformanceLifecycleTests {
    @Test(arguments: StoreKind.allCases)
    func dataAndIndexesSurviveARestart(kind: StoreKind) async throws {
        let opened = try await Harness.open(kind)
        let ws = Harness.workspace(), salt = Harness.id()
        try await opened.store.insert(.workspaceTeams, workspaceId: ws, ["_id": .string("t-\(salt)"), "slug": "general", "name": "General"])
        try await opened.store.start()   // idempotent
        try await opened.store.ping()
        await opened.store.stop()
        await opened.store.stop()        // safe twice
        await expectUnavailable { try await opened.store.ping() }

        let again = opened.sibling()
        try await again.start()
        #expect(try await again.get(.workspaceTeams, workspaceId: ws, id: "t-\(salt)")?["name"] == "General")
        await expectStoreError(.duplicateKey(collection: "workspace_teams", fields: ["workspaceId", "slug"])) {
            try await again.insert(.workspaceTeams, workspaceId: ws, ["_id": .string("t2-\(salt)"), "slug": "general"])
        }
        await again.stop()
        opened.cleanUp()
    }

    @Test(arguments: StoreKind.allCases)
    func operationsOnAStoreThatIsNotStartedAreUnavailable(kind: StoreKind) async throws {
        let store: any DocumentStore = kind == .sqlite
            ? SQLiteStore(dataDir: Harness.temporaryDirectory())
            : MongoStore(uri: try await TestMongoServer.shared.uri(), database: Harness.mongoDatabase)
        await expectUnavailable { try await store.ping() }
        await expectUnavailable { try await store.get(.apps, workspaceId: "w", id: "x") }
        await expectUnavailable { try await store.watch(.apps, workspaceId: "w") }
        await store.stop()   // stop without start is harmless
    }

    @Test(arguments: StoreKind.allCases)
    func stopEndsOpenWatches(kind: StoreKind) async throws {
        let opened = try await Harness.open(kind)
        let stream = try await opened.store.watch(.appData, workspaceId: Harness.workspace())
        let clock = ContinuousClock()
        let started = clock.now
        await opened.store.stop()
        var count = 0
        for try await _ in stream { count += 1 }   // returns once the store has finished the stream
        #expect(count == 0)
        #expect(clock.now - started < .seconds(5))
        opened.cleanUp()
    }
}
