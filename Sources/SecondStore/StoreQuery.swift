import SecondCore

/// A validated dotted field path ("usage.totalCostUsd").
struct FieldPath: Hashable, Sendable {
    let segments: [String]
    var dotted: String { segments.joined(separator: ".") }

    /// Segments must be non-empty and free of "$", NUL and '"' (the last keeps SQLite JSON paths expressible).
    init(_ text: String, role: String) throws(StoreError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !text.isEmpty, text.utf8.count <= 1024,
              parts.allSatisfy({ !$0.isEmpty && !$0.contains("$") && !$0.contains("\0") && !$0.contains("\"") }) else {
            throw .invalid("\(role) path \(StoreRules.quoted(text)) is not a valid field path")
        }
        segments = parts
    }

    /// For paths written in this module (the index catalog, "_id").
    init(trusted text: String) { segments = text.split(separator: ".").map(String.init) }

    func hasPrefix(_ other: FieldPath) -> Bool {
        segments.count >= other.segments.count && Array(segments.prefix(other.segments.count)) == other.segments
    }
}

/// The value at `path` equals one of `values` (scalars; `.null` also matches a missing field).
struct Condition: Sendable {
    let path: FieldPath
    let values: [JSON]
}

/// A validated scope and equality filter.
struct Query: Sendable {
    let collection: StoreCollection
    let workspaceId: String?
    let conditions: [Condition]
}

/// A validated $set / $unset / $inc with no two paths overlapping (MongoDB refuses overlaps; so do we, for both stores).
struct UpdateSpec: Sendable {
    let set: [(FieldPath, JSON)]
    let unset: [FieldPath]
    let inc: [(FieldPath, Double)]
    var isEmpty: Bool { self.set.isEmpty && unset.isEmpty && inc.isEmpty }
}

/// Sort keys after validation, always ending with _id ascending so both stores return the same order.
struct SortSpec: Sendable {
    let keys: [(FieldPath, Bool)]
}
