import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finds a runtime CLI executable.
public enum ExecutableResolver {
    public enum Resolution: Sendable, Equatable {
        /// An absolute path that exists and is executable.
        case path(String)
        /// Not resolvable here; the host's spawn looks the bare name up on its allowlisted PATH.
        case hostLookup(String)
        case failure(String)

        /// What to put in argv[0], or nil on failure.
        public var argv0: String? {
            switch self { case .path(let p), .hostLookup(let p): return p; case .failure: return nil }
        }
    }

    public static func isExecutable(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }

    /// The override variable `SECOND_<NAME>_PATH` (the only environment a driver may read).
    public static func overrideFromEnvironment(_ variable: String) -> String? {
        precondition(variable.hasPrefix("SECOND_") && variable.hasSuffix("_PATH"), "only SECOND_*_PATH may be read")
        guard let v = getenv(variable) else { return nil }
        let s = String(cString: v)
        return s.isEmpty ? nil : s
    }

    /// Order: `configured` (instance config) → `overrideVariable` → `name` on `searchPath` (the spec
    /// env's PATH) → host lookup of the bare name when no PATH is known. An explicit path must be
    /// an executable file.
    public static func resolve(name: String, configured: String?, overrideVariable: String?, searchPath: String?) -> Resolution {
        let explicit = configured.flatMap { $0.isEmpty ? nil : $0 } ?? overrideVariable.flatMap(overrideFromEnvironment)
        if let p = explicit {
            guard p.hasPrefix("/") else { return .failure("\(name) executable must be an absolute path") }
            return isExecutable(p) ? .path(p) : .failure("\(name) executable is not an executable file: \(p)")
        }
        if let searchPath, !searchPath.isEmpty {
            if let found = find(name, in: searchPath) { return .path(found) }
            return .failure("\(name) was not found on PATH; install it or set the executable in the runtime config")
        }
        return .hostLookup(name)
    }

    public static func find(_ name: String, in searchPath: String) -> String? {
        for dir in searchPath.split(separator: ":") where dir.hasPrefix("/") {
            let p = dir.hasSuffix("/") ? "\(dir)\(name)" : "\(dir)/\(name)"
            if isExecutable(p) { return p }
        }
        return nil
    }
}
