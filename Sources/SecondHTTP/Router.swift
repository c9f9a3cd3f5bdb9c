import Foundation
import SecondCore

/// Routes with path parameters ("/api/workspaces/:workspaceId/members/:userId").
/// Sync handlers run inline on the HTTP thread (cheap routes such as /healthz); async handlers run
/// as tasks while the connection is suspended.
public final class Router: @unchecked Sendable {
    public typealias SyncHandler = @Sendable (HTTPRequest) -> HTTPResponse
    public typealias AsyncHandler = @Sendable (HTTPRequest) async -> HTTPResponse

    public enum Handler: Sendable { case sync(SyncHandler); case async(AsyncHandler) }

    struct Route {
        let method: String
        let pattern: String
        let segments: [Segment]
        let handler: Handler
    }
    enum Segment: Equatable { case literal(String); case param(String) }

    private var routes: [Route] = []
    private var exact: [String: [String: Int]] = [:]   // path → method → route index (routes without params)

    public init() {}

    public func add(_ method: String, _ pattern: String, _ handler: Handler) {
        let segments = pattern.split(separator: "/").map { s -> Segment in
            s.hasPrefix(":") ? .param(String(s.dropFirst())) : .literal(String(s))
        }
        routes.append(Route(method: method, pattern: pattern, segments: segments, handler: handler))
        if !segments.contains(where: { if case .param = $0 { return true }; return false }) {
            exact[pattern, default: [:]][method] = routes.count - 1
        }
    }

    public func get(_ p: String, _ h: @escaping SyncHandler) { add("GET", p, .sync(h)) }
    public func get(_ p: String, async h: @escaping AsyncHandler) { add("GET", p, .async(h)) }
    public func post(_ p: String, async h: @escaping AsyncHandler) { add("POST", p, .async(h)) }

    public enum Match {
        case found(Handler, params: [String: String], pattern: String)
        case methodNotAllowed(allowed: [String], pattern: String)
        case notFound
    }

    public func match(method: String, path: String) -> Match {
        let m = method == "HEAD" ? "GET" : method
        if let byMethod = exact[path] {
            if let i = byMethod[m] { return .found(routes[i].handler, params: [:], pattern: routes[i].pattern) }
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        var allowed: [String] = []
        var pattern = ""
        for r in routes where r.segments.count == parts.count {
            var params: [String: String] = [:]
            var ok = true
            for (seg, part) in zip(r.segments, parts) {
                switch seg {
                case .literal(let l): if l != part { ok = false }
                case .param(let name): params[name] = String(part).removingPercentEncoding ?? String(part)
                }
                if !ok { break }
            }
            guard ok else { continue }
            if r.method == m { return .found(r.handler, params: params, pattern: r.pattern) }
            allowed.append(r.method)
            pattern = r.pattern
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed.sorted(), pattern: pattern)
    }
}
