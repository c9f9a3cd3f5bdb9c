import Foundation
import SecondCore
@testable import SecondStore
import Testing

/// Clear errors when the backend cannot be reached, naming the host or path and never the credentials.
@Suite struct UnavailableStoreTests {
    static let password = "S3cret-Passw0rd"

    @Test func unreachableMongoNamesTheHostButNotThePassword() async throws {
        let store = MongoStore(uri: "mongodb://second:\(Self.password)@127.0.0.1:1/x?serverSelectionTimeoutMS=300&connectTimeoutMS=300")
        let started = ContinuousClock.now
        let message = await expectUnavailable { try await store.start() }
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(message.contains("127.0.0.1:1"))
        #expect(!message.contains(Self.password))
        #expect(!message.contains("second:"))
        await expectUnavailable { try await store.ping() }   // start failed, so the store stays stopped
    }

    @Test func invalidMongoURIIsInvalidAndRedacted() async throws {
        for uri in ["mongodb://second:\(Self.password)@", "mongodb://second:\(Self.password)@127.0.0.1:27017/?w=banana&tls=maybe",
                    "postgres://second:\(Self.password)@127.0.0.1/x"] {
            do {
                try await MongoStore(uri: uri).start()
                Issue.record("started with \(uri)")
            } catch let e as StoreError {
                guard case .invalid(let message) = e else { Issue.record("expected .invalid, got \(e)"); continue }
                #expect(!message.contains(Self.password))
            }
        }
    }

    @Test func unwritableDataDirectoryNamesThePath() async throws {
        let base = Harness.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        // A regular file where a directory must go: unwritable even for root (tests may run as root).
        let blocker = base + "/not-a-dir"
        #expect(FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8)))
        for dataDir in [blocker + "/data", blocker] {
            let message = await expectUnavailable { try await SQLiteStore(dataDir: dataDir).start() }
            #expect(message.contains(dataDir))
        }
        Harness.removeTemporary(base)
    }

    @Test func dataDirectoryIsCreatedPrivate() async throws {
        let base = Harness.temporaryDirectory()
        let dir = base + "/nested/data"
        let store = SQLiteStore(dataDir: dir)
        try await store.start()
        await store.stop()
        let attributes = try FileManager.default.attributesOfItem(atPath: dir)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        #expect(FileManager.default.fileExists(atPath: dir + "/second.db"))
        Harness.removeTemporary(base)
    }

    @Test func factoryPicksTheStoreFromTheURI() {
        #expect(StoreFactory.make(mongodbURI: nil, dataDir: "/tmp/x").kind == "sqlite")
        #expect(StoreFactory.make(mongodbURI: "  ", dataDir: "/tmp/x").kind == "sqlite")
        #expect(StoreFactory.make(mongodbURI: "mongodb://127.0.0.1/x", dataDir: "/tmp/x").kind == "mongodb")
    }
}
