import Foundation
import Testing
import SecondCore
import SecondStore
import SecondPluginHost
@testable import SecondServer

/// The identity operations plugins call ("second.identity.v1"), against a real SQLite store.
@Suite struct StoreIdentityBackendTests {
    func backend() async throws -> (StoreIdentityBackend, any DocumentStore) {
        let store = SQLiteStore(dataDir: NSTemporaryDirectory() + "idb-\(UUID().uuidString)")
        try await store.start()
        return (StoreIdentityBackend(store: store, sync: IdentitySync(store: store), acceptance: InvitationAcceptance(store: store, bus: nil), bus: nil), store)
    }

    func call(_ b: StoreIdentityBackend, _ json: String) async -> (Status, JSON) {
        let r = await b.perform(provider: "auth.test/p", request: json)
        return (r.status, (try? JSON.parse(r.payload)) ?? .string(r.message))
    }

    @Test func usersWorkspacesMembershipsAndInvitations() async throws {
        let (b, store) = try await backend()
        let user = try #require(await call(b, #"{"v":1,"op":"upsert_user","subject":"s1","email":"ada@acme.example","name":"Ada"}"#).1["user_id"]?.string)
        #expect(await call(b, #"{"v":1,"op":"upsert_user","subject":"s1","email":"ada@acme.example"}"#).1["user_id"]?.string == user, "idempotent")
        let ws = try #require(await call(b, #"{"v":1,"op":"map_organization","organization_id":"org-9","name":"Acme Corp"}"#).1["workspace_id"]?.string)
        #expect(ws == "acme-corp")
        #expect(await call(b, #"{"v":1,"op":"map_organization","organization_id":"org-9"}"#).1["workspace_id"]?.string == ws, "same org, same workspace")
        #expect(await call(b, #"{"v":1,"op":"upsert_membership","workspace_id":"\#(ws)","user_id":"\#(user)","role":"admin"}"#).0 == .ok)
        #expect(await call(b, #"{"v":1,"op":"upsert_membership","workspace_id":"\#(ws)","user_id":"\#(user)","role":"root"}"#).0 == .invalidArgument)
        #expect(try await store.count(.workspaceTeamMemberships, workspaceId: ws, where: ["userId": .string(user)]) == 1, "joined General")

        // Invitations: invite, resend, reconcile as accepted by the provider.
        let bob = try #require(await call(b, #"{"v":1,"op":"upsert_user","subject":"s2","email":"bob@acme.example"}"#).1["user_id"]?.string)
        let inv = try #require(await call(b, #"{"v":1,"op":"invite","workspace_id":"\#(ws)","email":"bob@acme.example","role":"member"}"#).1["invitation_id"]?.string)
        #expect(await call(b, #"{"v":1,"op":"resend_invitation","workspace_id":"\#(ws)","invitation_id":"\#(inv)"}"#).0 == .ok)
        let accepted = await call(b, #"{"v":1,"op":"reconcile_invitation","workspace_id":"\#(ws)","invitation_id":"\#(inv)","status":"accepted","user_id":"\#(bob)"}"#)
        #expect(accepted.0 == .ok && accepted.1["status"]?.string == "accepted")
        let m = try await store.find(.workspaceMemberships, workspaceId: ws, where: ["userId": .string(bob)])
        #expect(m.first?["role"]?.string == "member")
        #expect(await call(b, #"{"v":1,"op":"revoke_invitation","workspace_id":"\#(ws)","invitation_id":"\#(inv)"}"#).0 == .invalidArgument, "no longer pending")

        // A pending invitation accepted when the invited email signs in (accept_invitations).
        let inv2 = try #require(await call(b, #"{"v":1,"op":"invite","workspace_id":"\#(ws)","email":"cy@acme.example","role":"admin"}"#).1["invitation_id"]?.string)
        let cy = try #require(await call(b, #"{"v":1,"op":"upsert_user","subject":"s3","email":"cy@acme.example"}"#).1["user_id"]?.string)
        #expect(await call(b, #"{"v":1,"op":"accept_invitations","user_id":"\#(cy)","email":"CY@acme.example"}"#).1["accepted"]?.int == 1)
        #expect(try await store.get(.workspaceInvitations, workspaceId: ws, id: inv2)?["status"]?.string == "accepted")
        await store.stop()
    }

    @Test func badRequestsSayWhatIsWrong() async throws {
        let (b, store) = try await backend()
        #expect(await call(b, "not json").0 == .invalidArgument)
        let unknown = await call(b, #"{"v":1,"op":"drop_tables"}"#)
        #expect(unknown.0 == .notSupported && unknown.1.string?.contains("valid: upsert_user") == true)
        #expect(await call(b, #"{"v":1,"op":"upsert_user"}"#).1.string == "/subject: required non-empty string")
        #expect(await call(b, #"{"v":1,"op":"upsert_membership","workspace_id":"nope","user_id":"u","role":"member"}"#).1.string == "/workspace_id: no such workspace")
        #expect(await call(b, #"{"v":1,"op":"reconcile_invitation","workspace_id":"w","invitation_id":"i","status":"maybe"}"#).1.string == "/status: accepted, revoked or expired")
        await store.stop()
    }
}
