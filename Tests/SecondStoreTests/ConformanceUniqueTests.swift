import SecondCore
import SecondStore
import Testing

/// Unique indexes of IndexCatalog: a violation is .duplicateKey naming the fields (never values) and stores nothing.
@Suite struct ConformanceUniqueTests {
    @Test(arguments: StoreKind.allCases)
    func everyUniqueIndexOfTheCatalogIsEnforced(kind: StoreKind) async throws {
        let uniques = IndexCatalog.all.filter(\.unique)
        #expect(uniques.count == 9)
        try await Harness.with(kind) { store in
            for spec in uniques {
                let c = spec.collection
                let ws = c.isWorkspaceOwned ? Harness.workspace() : nil
                let salt = Harness.id()
                var first: Document = ["_id": .string(Harness.id())]
                for field in spec.fields where field != "workspaceId" { first[field] = .string("\(field)-\(salt)") }
                try await store.insert(c, workspaceId: ws, first)

                var clash = first
                let clashId = Harness.id()
                clash["_id"] = .string(clashId)
                clash["other"] = "extra"
                await expectStoreError(.duplicateKey(collection: c.rawValue, fields: spec.fields)) {
                    try await store.insert(c, workspaceId: ws, clash)
                }
                #expect(try await store.get(c, workspaceId: ws, id: clashId) == nil, "\(c.rawValue)")

                // Changing any one non-workspace field makes it distinct.
                var distinct = clash
                if let field = spec.fields.last { distinct[field] = .string("changed-\(salt)") }
                try await store.insert(c, workspaceId: ws, distinct)

                // The same values in another workspace do not clash (the scope is part of every owned unique index).
                if c.isWorkspaceOwned {
                    var elsewhere = first
                    elsewhere["_id"] = .string(Harness.id())
                    elsewhere["workspaceId"] = nil
                    try await store.insert(c, workspaceId: Harness.workspace(), elsewhere)
                }
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aDuplicateIdNamesItsCollectionInEveryCollection(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            for c in StoreCollection.allCases {
                let ws = c.isWorkspaceOwned ? Harness.workspace() : nil
                let id = Harness.id()
                try await store.insert(c, workspaceId: ws, ["_id": .string(id), "emailNormalized": .string(id), "slug": .string(id)])
                await expectStoreError(.duplicateKey(collection: c.rawValue, fields: ["_id"])) {
                    try await store.insert(c, workspaceId: ws, ["_id": .string(id), "emailNormalized": .string("other-\(id)"), "slug": .string("other-\(id)")])
                }
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func duplicateIdAndConflictingUpdateAreRejectedWithoutValues(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            let salt = Harness.id()
            let a = "alice-\(salt)@example.com", b = "bob-\(salt)@example.com"
            try await store.insert(.users, workspaceId: nil, ["_id": .string("u1-\(salt)"), "emailNormalized": .string(a)])
            try await store.insert(.users, workspaceId: nil, ["_id": .string("u2-\(salt)"), "emailNormalized": .string(b)])
            await expectStoreError(.duplicateKey(collection: "users", fields: ["_id"])) {
                try await store.insert(.users, workspaceId: nil, ["_id": .string("u1-\(salt)"), "emailNormalized": "new@example.com"])
            }
            do {
                _ = try await store.update(.users, workspaceId: nil, id: "u2-\(salt)", set: ["emailNormalized": .string(a)])
                Issue.record("update to a taken email succeeded")
            } catch let e as StoreError {
                #expect(e == .duplicateKey(collection: "users", fields: ["emailNormalized"]))
                #expect(!e.description.contains(a))
            }
            #expect(try await store.get(.users, workspaceId: nil, id: "u2-\(salt)")?["emailNormalized"] == .string(b))
            #expect(try await store.count(.users, workspaceId: nil, where: ["emailNormalized": .string(a)]) == 1)
        }
    }
}
