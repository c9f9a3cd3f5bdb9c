import Foundation
import SecondCore

/// Who a request belongs to, as an auth provider reported it. The role is validated: anything but
/// exactly owner/admin/member becomes nil, which holds no permission (never elevated access).
public struct Principal: Sendable, Equatable {
    public var subject: String
    public var email: String?
    public var name: String?
    public var organizationId: String?
    public var organizationName: String?
    public var role: Role?
    /// The role text the provider sent (for audit), even when it was not a valid role.
    public var reportedRole: String?

    /// Parses a provider's principal payload; nil when it is not a JSON object with a non-empty subject.
    public init?(payload: String) {
        guard let json = try? JSON.parse(payload), case .object(let o) = json,
              let subject = o["subject"]?.string, !subject.isEmpty, subject.utf8.count <= 512 else { return nil }
        self.subject = subject
        email = o["email"]?.string
        name = o["name"]?.string
        organizationId = o["organization"]?["id"]?.string
        organizationName = o["organization"]?["name"]?.string
        reportedRole = o["role"]?.string
        role = Role(validating: reportedRole)
    }
}

/// The configured auth providers, asked in order for each request: the first OK wins, a DENIED
/// stops the chain, NOT_HANDLED asks the next; any other status fails the request (it is not a
/// fall-through: a provider that is down must not let a later, weaker one decide).
public struct AuthChain: Sendable {
    public let providers: [ComponentInstance]

    public init(providers: [ComponentInstance]) { self.providers = providers.filter { $0.component.kind == .auth } }

    public enum Outcome: Sendable, Equatable {
        case authenticated(Principal, by: String)
        case denied(reason: String, by: String)
        /// Every provider answered NOT_HANDLED (or there is none).
        case anonymous
        case failed(Status, message: String, by: String)
    }

    public func resolve(requestJSON: String, timeoutMs: UInt32 = 10_000) async -> Outcome {
        for p in providers {
            let r = await p.authenticate(requestJSON: requestJSON, timeoutMs: timeoutMs)
            switch r.status {
            case .ok:
                guard let principal = Principal(payload: r.payload) else {
                    return .failed(.internal, message: "auth provider \(p.id) returned a malformed principal", by: p.id)
                }
                return .authenticated(principal, by: p.id)
            case .denied:
                return .denied(reason: r.message.isEmpty ? "denied" : r.message, by: p.id)
            case .notHandled:
                continue
            default:
                return .failed(r.status, message: r.message, by: p.id)
            }
        }
        return .anonymous
    }
}
