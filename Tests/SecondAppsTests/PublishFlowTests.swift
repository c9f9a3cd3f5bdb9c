import Testing
@testable import SecondApps

@Suite struct PublishFlowTests {
    let teams: Set<String> = ["t1", "t2"]
    let ready = PublishFlow.PublishChecks(integrationGate: true, integrationsNeedSetup: false, draftAgents: .valid)

    func ok(_ flow: PublishFlow, _ event: PublishFlow.Event) throws -> PublishFlow.Transition {
        switch flow.apply(event) {
        case .success(let t): return t
        case .failure(let r): Issue.record("rejected: \(r)"); throw r
        }
    }
    func rejection(_ flow: PublishFlow, _ event: PublishFlow.Event) -> PublishFlow.Rejection? {
        if case .failure(let r) = flow.apply(event) { return r }
        return nil
    }

    @Test func intent() {
        #expect(PublishFlow.publishRequestIsReview(actorIsAdmin: false, mode: nil))
        #expect(PublishFlow.publishRequestIsReview(actorIsAdmin: true, mode: "request"))
        #expect(!PublishFlow.publishRequestIsReview(actorIsAdmin: true, mode: nil))
    }

    @Test func reviewThenApprove() throws {
        let requested = try ok(PublishFlow(), .requestReview(teamIds: ["t1"], workspaceTeamIds: teams, newReviewId: "r1"))
        #expect(requested.flow == PublishFlow(state: .reviewRequested, pendingReview: .init(id: "r1", teamIds: ["t1"])))
        #expect(requested.effects == [.reviewRecord(id: "r1", status: .pending, message: nil), .audit("review.requested")])
        // Requesting again updates the same pending review.
        let again = try ok(requested.flow, .requestReview(teamIds: ["t2"], workspaceTeamIds: teams, newReviewId: "r2"))
        #expect(again.flow.pendingReview == .init(id: "r1", teamIds: ["t2"]))
        let approved = try ok(again.flow, .approveReview(reviewId: "r1", actorIsAdmin: true, checks: ready))
        #expect(approved.flow == PublishFlow(state: .published))
        #expect(approved.effects == [
            .approveAgents(source: .review), .audit("app.agents_config.approved"), .promoteDraft, .setTeams(["t2"]),
            .audit("app.teams_changed"), .reviewRecord(id: "r1", status: .approved, message: nil), .audit("review.approved"), .audit("app.published"),
        ])
        #expect(rejection(approved.flow, .approveReview(reviewId: "r1", actorIsAdmin: true, checks: ready))?.code == "stale_review")
    }

    @Test func adminPublishDirectly() throws {
        let t = try ok(PublishFlow(), .publish(actorIsAdmin: true, teamIds: ["t1"], workspaceTeamIds: teams, checks: ready))
        #expect(t.flow.state == .published)
        #expect(t.effects.first == .approveAgents(source: .publish))
        #expect(t.effects.contains(.reviewRecord(id: nil, status: .approved, message: nil)), "an approved review record is written anyway")
        let noAgents = PublishFlow.PublishChecks(integrationGate: true, integrationsNeedSetup: false, draftAgents: .absent)
        let t2 = try ok(PublishFlow(), .publish(actorIsAdmin: true, teamIds: ["t1"], workspaceTeamIds: teams, checks: noAgents))
        #expect(!t2.effects.contains(.approveAgents(source: .publish)) && t2.effects.contains(.promoteDraft))
        // Republishing a published app is allowed.
        #expect(try ok(t.flow, .publish(actorIsAdmin: true, teamIds: ["t2"], workspaceTeamIds: teams, checks: ready)).flow.state == .published)
    }

    @Test func publishRejections() {
        let f = PublishFlow()
        #expect(rejection(f, .publish(actorIsAdmin: false, teamIds: ["t1"], workspaceTeamIds: teams, checks: ready))?.status == 403)
        #expect(rejection(f, .publish(actorIsAdmin: true, teamIds: [], workspaceTeamIds: teams, checks: ready))?.code == "invalid_team_selection")
        #expect(rejection(f, .requestReview(teamIds: ["t9"], workspaceTeamIds: teams, newReviewId: "r"))?.code == "invalid_team_selection")
        let gated = PublishFlow.PublishChecks(integrationGate: true, integrationsNeedSetup: true, draftAgents: .valid)
        let r = rejection(f, .publish(actorIsAdmin: true, teamIds: ["t1"], workspaceTeamIds: teams, checks: gated))
        #expect(r?.code == "integrations_setup_required" && r?.status == 409)
        let modeNone = PublishFlow.PublishChecks(integrationGate: false, integrationsNeedSetup: true, draftAgents: .valid)
        #expect(rejection(f, .publish(actorIsAdmin: true, teamIds: ["t1"], workspaceTeamIds: teams, checks: modeNone)) == nil)
        let badAgents = PublishFlow.PublishChecks(integrationGate: false, integrationsNeedSetup: false, draftAgents: .invalid)
        #expect(rejection(f, .publish(actorIsAdmin: true, teamIds: ["t1"], workspaceTeamIds: teams, checks: badAgents))?.code == "invalid_agents_json")
    }

    @Test func requestChangesAndStaleActions() throws {
        let pending = PublishFlow(state: .reviewRequested, pendingReview: .init(id: "r1", teamIds: ["t1"]))
        #expect(rejection(pending, .requestChanges(reviewId: "r1", actorIsAdmin: false, message: "no"))?.status == 403)
        #expect(rejection(pending, .requestChanges(reviewId: "r0", actorIsAdmin: true, message: "no"))?.code == "stale_review")
        let changes = try ok(pending, .requestChanges(reviewId: "r1", actorIsAdmin: true, message: "fix the prompt"))
        #expect(changes.flow == PublishFlow(state: .changesRequested))
        #expect(changes.effects == [.reviewRecord(id: "r1", status: .changesRequested, message: "fix the prompt"), .audit("review.changes_requested")])
        #expect(rejection(changes.flow, .approveReview(reviewId: "r1", actorIsAdmin: true, checks: ready))?.code == "stale_review")
        #expect(try ok(changes.flow, .requestReview(teamIds: ["t1"], workspaceTeamIds: teams, newReviewId: "r2")).flow.pendingReview?.id == "r2")
    }

    @Test func draftEditSupersedesPendingReview() throws {
        let pending = PublishFlow(state: .reviewRequested, pendingReview: .init(id: "r1", teamIds: ["t1"]))
        let edited = try ok(pending, .draftEdited(agentsApprovalStale: true))
        #expect(edited.flow == PublishFlow(state: .draft))
        #expect(edited.effects == [.audit("app.agents_config.stale"), .reviewRecord(id: "r1", status: .superseded, message: nil), .audit("review.superseded")])
        #expect(rejection(edited.flow, .approveReview(reviewId: "r1", actorIsAdmin: true, checks: ready))?.code == "stale_review")
        let published = try ok(PublishFlow(state: .published), .draftEdited(agentsApprovalStale: false))
        #expect(published.flow.state == .published && published.effects.isEmpty)
    }
}
