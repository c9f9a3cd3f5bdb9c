import SecondCore
import SecondHTTP

/// The web↔worker credential: `Authorization: Bearer $INTERNAL_API_TOKEN`, compared in constant
/// time. Without a configured token (development only — production refuses to start) the check is
/// skipped, and that was warned about at startup.
public struct InternalAuth: Sendable {
    public let token: String?

    public init(token: String?) { self.token = token }

    /// nil when allowed; otherwise the 401 to send. Never says what the expected token is.
    public func check(_ request: HTTPRequest) -> HTTPResponse? {
        guard let token else { return nil }
        guard let presented = request.bearerToken, ConstantTime.equals(presented, token) else {
            return .error(401, "unauthorized", "this route needs the internal API token as a Bearer token")
        }
        return nil
    }

    /// Wraps a handler so it runs only for authenticated callers.
    public func guarded(_ h: @escaping Router.SyncHandler) -> Router.Handler {
        .sync { req in check(req) ?? h(req) }
    }

    public func guarded(async h: @escaping Router.AsyncHandler) -> Router.Handler {
        .async { req in
            if let denied = check(req) { return denied }
            return await h(req)
        }
    }
}
