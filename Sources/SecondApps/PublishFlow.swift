/// The app publish/review state machine (§21) as a plain value: `apply` returns the next state and
/// the side effects the caller must perform, in order. Checks needing I/O (team membership of the
/// workspace, integration setup state, agents.json validity) arrive as inputs.
public struct PublishFlow: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        case draft, reviewRequested = "review_requested", published, changesRequested = "changes_requested"
    }

    /// A pending review request (`review_requests.status == pending`).
    public struct PendingReview: Sendable, Equatable {
        public let id: String
        public let teamIds: [String]
        public init(id: String, teamIds: [String]) { self.id = id; self.teamIds = teamIds }
    }

    /// The draft's `agents.json` as the caller found it.
    public enum DraftAgents: Sendable, Equatable { case absent, valid, invalid }

    /// Inputs for any step that publishes (admin publish or review approval).
    public struct PublishChecks: Sendable, Equatable {
        /// The auth mode gates on integrations (`external`); mode `none` does not.
        public var integrationGate: Bool
        /// Some grant of this app still needs setup.
        public var integrationsNeedSetup: Bool
        public var draftAgents: DraftAgents
        public init(integrationGate: Bool, integrationsNeedSetup: Bool, draftAgents: DraftAgents) {
            self.integrationGate = integrationGate; self.integrationsNeedSetup = integrationsNeedSetup; self.draftAgents = draftAgents
        }
    }

    public enum Event: Sendable, Equatable {
        /// Non-admin publish, or `mode:"request"`. `newReviewId` is used when no review is pending.
        case requestReview(teamIds: [String], workspaceTeamIds: Set<String>, newReviewId: String)
        /// Admin/owner publish.
        case publish(actorIsAdmin: Bool, teamIds: [String], workspaceTeamIds: Set<String>, checks: PublishChecks)
        /// Admin approves the pending review `reviewId`.
        case approveReview(reviewId: String, actorIsAdmin: Bool, checks: PublishChecks)
        /// Admin sends the pending review back.
        case requestChanges(reviewId: String, actorIsAdmin: Bool, message: String)
        /// The draft snapshot was persisted; `agentsApprovalStale` when its agents.json hash no longer matches the approval.
        case draftEdited(agentsApprovalStale: Bool)
    }

    public enum ReviewStatus: String, Sendable { case pending, approved, changesRequested = "changes_requested", superseded }
    public enum ApprovalSource: String, Sendable { case buildChat = "build_chat", buildChatMock = "build_chat_mock", agentsPage = "agents_page", review, publish }

    public enum Effect: Sendable, Equatable {
        /// Store the draft agents.json approval (hash, payload, approver, time, source).
        case approveAgents(source: ApprovalSource)
        /// Copy the draft snapshot and approved payload to the `published*` fields.
        case promoteDraft
        case setTeams([String])
        /// Create or update the review record `id` with this status.
        case reviewRecord(id: String?, status: ReviewStatus, message: String?)
        case audit(String)
    }

    public struct Transition: Sendable, Equatable {
        public let flow: PublishFlow
        public let effects: [Effect]
    }

    /// A refused step, with the route's error code and HTTP status.
    public struct Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        public let code: String
        public let status: Int
        public let message: String
        public var description: String { "\(status) \(code): \(message)" }
    }

    public var state: State
    public var pendingReview: PendingReview?

    public init(state: State = .draft, pendingReview: PendingReview? = nil) { self.state = state; self.pendingReview = pendingReview }

    /// Non-admins, or an explicit `mode:"request"`, request review; admins publish.
    public static func publishRequestIsReview(actorIsAdmin: Bool, mode: String?) -> Bool { !actorIsAdmin || mode == "request" }

    public func apply(_ event: Event) -> Result<Transition, Rejection> {
        switch event {
        case .requestReview(let teamIds, let workspaceTeams, let newId):
            if let bad = Self.checkTeams(teamIds, workspaceTeams) { return .failure(bad) }
            // An existing pending review is updated in place rather than duplicated.
            let id = pendingReview?.id ?? newId
            return .success(Transition(flow: PublishFlow(state: .reviewRequested, pendingReview: PendingReview(id: id, teamIds: teamIds)),
                                       effects: [.reviewRecord(id: id, status: .pending, message: nil), .audit("review.requested")]))

        case .publish(let isAdmin, let teamIds, let workspaceTeams, let checks):
            guard isAdmin else { return .failure(Rejection(code: "forbidden", status: 403, message: "only a workspace admin or owner can publish; request a review instead")) }
            if let bad = Self.checkTeams(teamIds, workspaceTeams) { return .failure(bad) }
            return publishing(teams: teamIds, checks: checks, source: .publish, reviewId: pendingReview?.id)

        case .approveReview(let reviewId, let isAdmin, let checks):
            guard isAdmin else { return .failure(Rejection(code: "forbidden", status: 403, message: "only a workspace admin or owner can approve a review")) }
            guard state == .reviewRequested, let pending = pendingReview, pending.id == reviewId else { return .failure(stale(reviewId)) }
            return publishing(teams: pending.teamIds, checks: checks, source: .review, reviewId: reviewId)

        case .requestChanges(let reviewId, let isAdmin, let message):
            guard isAdmin else { return .failure(Rejection(code: "forbidden", status: 403, message: "only a workspace admin or owner can review")) }
            guard state == .reviewRequested, pendingReview?.id == reviewId else { return .failure(stale(reviewId)) }
            return .success(Transition(flow: PublishFlow(state: .changesRequested, pendingReview: nil),
                                       effects: [.reviewRecord(id: reviewId, status: .changesRequested, message: message),
                                                 .audit("review.changes_requested")]))

        case .draftEdited(let agentsStale):
            var effects: [Effect] = agentsStale ? [.audit("app.agents_config.stale")] : []
            // A review approves a specific draft; once that draft changes the request no longer applies.
            guard state == .reviewRequested, let pending = pendingReview else {
                return .success(Transition(flow: self, effects: effects))
            }
            effects += [.reviewRecord(id: pending.id, status: .superseded, message: nil), .audit("review.superseded")]
            return .success(Transition(flow: PublishFlow(state: .draft, pendingReview: nil), effects: effects))
        }
    }

    private func publishing(teams: [String], checks: PublishChecks, source: ApprovalSource, reviewId: String?) -> Result<Transition, Rejection> {
        if checks.integrationGate && checks.integrationsNeedSetup {
            return .failure(Rejection(code: "integrations_setup_required", status: 409, message: "an integration of this app still needs setup by an admin"))
        }
        var effects: [Effect] = []
        switch checks.draftAgents {
        case .invalid: return .failure(Rejection(code: "invalid_agents_json", status: 400, message: "the draft agents.json is invalid and cannot be approved"))
        case .valid: effects += [.approveAgents(source: source), .audit("app.agents_config.approved")]
        case .absent: break
        }
        // Published always leaves an approved review record behind, even without a prior request.
        effects += [.promoteDraft, .setTeams(teams), .audit("app.teams_changed"),
                    .reviewRecord(id: reviewId, status: .approved, message: nil), .audit("review.approved"), .audit("app.published")]
        return .success(Transition(flow: PublishFlow(state: .published, pendingReview: nil), effects: effects))
    }

    private func stale(_ reviewId: String) -> Rejection {
        Rejection(code: "stale_review", status: 409, message: "review \(reviewId) is no longer pending (superseded, already decided, or unknown)")
    }

    private static func checkTeams(_ teamIds: [String], _ workspaceTeams: Set<String>) -> Rejection? {
        guard !teamIds.isEmpty else { return Rejection(code: "invalid_team_selection", status: 400, message: "choose at least one team") }
        let unknown = teamIds.filter { !workspaceTeams.contains($0) }
        guard unknown.isEmpty else {
            return Rejection(code: "invalid_team_selection", status: 400, message: "teams not in this workspace: \(unknown.joined(separator: ", "))")
        }
        return nil
    }
}
