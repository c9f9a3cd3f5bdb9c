import SecondCore

/// An app's source files as stored in `app_source_snapshots` (`files{path: text}`). Only
/// constructible through validation, so every snapshot the server holds respects the limits.
public struct AppSnapshot: Sendable, Equatable {
    public static let maxFileBytes = 1 << 20
    public static let maxTotalBytes = 12 << 20
    public static let maxFiles = 2000
    public static let maxPathBytes = 1024
    public static let agentsFile = "agents.json"
    public static let integrationSetupFile = "integration-setup.json"

    public let files: [String: String]
    /// Total UTF-8 bytes of all file contents.
    public let sizeBytes: Int
    /// Lowercase hex SHA-256 of the canonical JSON of `files`.
    public let hash: String

    public var fileCount: Int { files.count }
    public var agentsJSON: String? { files[Self.agentsFile] }
    public var integrationSetupJSON: String? { files[Self.integrationSetupFile] }

    /// Validates every path and size; throws all problems at once.
    public init(files: [String: String]) throws(SnapshotError) {
        var problems: [SnapshotError.Problem] = []
        if files.count > Self.maxFiles {
            problems.append(.init(path: nil, message: "snapshot has \(files.count) files; the limit is \(Self.maxFiles)"))
        }
        var total = 0
        for path in files.keys.sorted() {
            if let why = Self.pathProblem(path) { problems.append(.init(path: path, message: why)) }
            let size = files[path]!.utf8.count
            total += size
            if size > Self.maxFileBytes {
                problems.append(.init(path: path, message: "file is \(size) bytes; the limit is \(Self.maxFileBytes) bytes (1 MiB)"))
            }
            if files[path]!.utf8.contains(0) { problems.append(.init(path: path, message: "file contains a NUL byte; only text files are stored")) }
        }
        if total > Self.maxTotalBytes {
            problems.append(.init(path: nil, message: "snapshot is \(total) bytes; the limit is \(Self.maxTotalBytes) bytes (12 MiB)"))
        }
        guard problems.isEmpty else { throw SnapshotError(problems: problems) }
        self.files = files
        self.sizeBytes = total
        self.hash = CanonicalJSON.sha256Hex(.object(files.mapValues { .string($0) }))
    }

    /// Relative, `/`-separated, no empty/`.`/`..` segments, no backslash or NUL, bounded length.
    static func pathProblem(_ path: String) -> String? {
        if path.isEmpty { return "empty path" }
        if path.utf8.contains(0) { return "path contains a NUL byte" }
        if path.utf8.count > maxPathBytes { return "path is longer than \(maxPathBytes) bytes" }
        if path.hasPrefix("/") || path.hasPrefix("~") { return "absolute path; paths must be relative to the app root" }
        if path.contains("\\") { return "path contains a backslash; use /" }
        if path.count >= 2, path.dropFirst().first == ":" { return "absolute (drive) path; paths must be relative" }
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            if segment == ".." { return "path escapes the app root (..)" }
            if segment == "." || segment.isEmpty { return "path has an empty or '.' segment" }
        }
        return nil
    }
}

public struct SnapshotError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The offending file; nil for snapshot-wide limits.
        public let path: String?
        public let message: String
        public var description: String { path.map { "\($0): \(message)" } ?? message }
    }
    public let problems: [Problem]
    public var description: String { problems.map(\.description).joined(separator: "; ") }
}
