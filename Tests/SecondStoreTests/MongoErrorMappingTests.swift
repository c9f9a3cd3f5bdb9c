import CMongoc
import SecondCore
@testable import SecondStore
import Testing

/// libmongoc error → StoreError mapping, for errors the test server cannot produce (a standalone mongod).
@Suite struct MongoErrorMappingTests {
    let target: MongoTarget

    init() throws {
        target = try MongoTarget(uri: "mongodb://app:p%40ss-W0rd-xyz@db1.internal:27017,db2.internal:27018/prod?replicaSet=rs0", database: nil)
    }

    @Test func targetDescribesHostsAndDatabaseWithoutCredentials() throws {
        #expect(target.hosts == "db1.internal:27017,db2.internal:27018")
        #expect(target.database == "prod")
        #expect(target.scrub("auth failed for p@ss-W0rd-xyz and p%40ss-W0rd-xyz") == "auth failed for <redacted> and <redacted>")
        #expect(try MongoTarget(uri: "mongodb://127.0.0.1", database: nil).database == "second")
        #expect(try MongoTarget(uri: "mongodb://127.0.0.1/x", database: "override").database == "override")
    }

    @Test func standaloneServerMeansNotReplicaSetWithAdvice() {
        let e = MongoErrors.map(domain: MONGOC_ERROR_SERVER.rawValue, code: 40573,
                                message: "The $changeStream stage is only supported on replica sets", target, collection: .appData)
        guard case .notReplicaSet(let advice) = e else { Issue.record("got \(e)"); return }
        #expect(advice.contains("--replSet"))
        #expect(advice.contains("rs.initiate()"))
        #expect(advice.contains("db1.internal:27017"))
    }

    @Test func duplicateKeyNamesTheIndexFieldsOnly() {
        let real = MongoErrors.map(domain: MONGOC_ERROR_SERVER.rawValue, code: 11000,
                                   message: "E11000 duplicate key error collection: prod.workspace_memberships index: workspaceId_1_userId_1 dup key: { workspaceId: \"w\", userId: \"secret-user\" }",
                                   target, collection: .workspaceMemberships)
        #expect(real == .duplicateKey(collection: "workspace_memberships", fields: ["workspaceId", "userId"]))
        #expect(!real.description.contains("secret-user"))
        let nx = MongoErrors.map(domain: MONGOC_ERROR_SERVER.rawValue, code: 11000,
                                 message: "UNIQUE constraint failed: index 'idx_connected_accounts_workspaceId_userId_providerConfigId'",
                                 target, collection: .connectedAccounts)
        #expect(nx == .duplicateKey(collection: "connected_accounts", fields: ["workspaceId", "userId", "providerConfigId"]))
        let id = MongoErrors.map(domain: MONGOC_ERROR_SERVER.rawValue, code: 11000,
                                 message: "E11000 duplicate key error collection: prod.users index: _id_ dup key: { _id: \"u1\" }",
                                 target, collection: .users)
        #expect(id == .duplicateKey(collection: "users", fields: ["_id"]))
    }

    @Test func otherErrorsAreClassifiedWithoutValuesOrSecrets() {
        let selection = MongoErrors.map(domain: MONGOC_ERROR_SERVER_SELECTION.rawValue, code: 13,
                                        message: "No suitable servers found: [connection refused calling hello on 'db1.internal:27017']",
                                        target, collection: nil)
        #expect(selection.description.contains("db1.internal:27017"))
        guard case .unavailable = selection else { Issue.record("got \(selection)"); return }

        let auth = MongoErrors.map(domain: MONGOC_ERROR_CLIENT.rawValue, code: MONGOC_ERROR_CLIENT_AUTHENTICATE.rawValue,
                                   message: "Authentication failed for app with p@ss-W0rd-xyz", target, collection: nil)
        guard case .unavailable(let authMessage) = auth else { Issue.record("got \(auth)"); return }
        #expect(!authMessage.contains("p@ss-W0rd-xyz"))

        let typeMismatch = MongoErrors.map(domain: MONGOC_ERROR_SERVER.rawValue, code: 14,
                                           message: "Cannot apply $inc to a value of non-numeric type. Field 'token' has non-numeric type string with value \"sk-live-123\"",
                                           target, collection: .apps)
        guard case .invalid(let m) = typeMismatch else { Issue.record("got \(typeMismatch)"); return }
        #expect(!m.contains("sk-live-123"))
        #expect(m.contains("non-numeric"))

        let unknown = MongoErrors.map(domain: MONGOC_ERROR_SERVER.rawValue, code: 424_242, message: "something odd", target, collection: nil)
        guard case .failed = unknown else { Issue.record("got \(unknown)"); return }
    }
}
