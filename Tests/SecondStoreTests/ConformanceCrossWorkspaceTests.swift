import SecondCore
import SecondStore
import Testing

/// The two identity reads that may span workspaces, and nothing else.
@Suite struct ConformanceCrossWorkspaceTests {
    @Test(arguments: StoreKind.allCases)
    func aUsersMembershipsAcrossWorkspaces(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            let a = Harness.workspace(), b = Harness.workspace(), user = Harness.id(), other = Harness.id()
            try await store.insert(.workspaceMemberships, workspaceId: a, ["_id": .string(Harness.id()), "userId": .string(user), "role": "owner"])
            try await store.insert(.workspaceMemberships, workspaceId: b, ["_id": .string(Harness.id()), "userId": .string(user), "role": "member"])
            try await store.insert(.workspaceMemberships, workspaceId: b, ["_id": .string(Harness.id()), "userId": .string(other), "role": "admin"])
            let mine = try await store.findAcrossWorkspaces(.workspaceMemberships, where: ["userId": .string(user)], limit: nil)
            #expect(Set(mine.compactMap { $0["workspaceId"]?.string }) == [a, b])
            #expect(mine.allSatisfy { $0["userId"] == .string(user) })
            #expect(try await store.findAcrossWorkspaces(.workspaceMemberships, where: ["userId": .string(user)], limit: 1).count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func everythingElseIsRefused(kind: StoreKind) async throws {
        try await Harness.with(kind) { store in
            for (c, filter) in [(StoreCollection.apps, ["userId": JSON.string("u")]), (.workspaceMemberships, [:]),
                                (.workspaceMemberships, ["role": "owner"]), (.workspaceMemberships, ["userId": ""]),
                                (.workspaceInvitations, ["email": "a@b.co"])] {
                do {
                    _ = try await store.findAcrossWorkspaces(c, where: filter, limit: nil)
                    Issue.record("\(c.rawValue) \(filter) was allowed")
                } catch let e as StoreError {
                    guard case .invalid = e else { Issue.record("\(e)"); continue }
                }
            }
        }
    }
}
