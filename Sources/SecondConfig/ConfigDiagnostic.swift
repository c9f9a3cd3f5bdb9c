/// One problem found while loading or checking configuration, with where it is.
public struct ConfigDiagnostic: Error, Sendable, CustomStringConvertible, Equatable {
    public var mark: SourceMark?
    public var message: String

    public init(mark: SourceMark?, message: String) {
        self.mark = mark
        self.message = message
    }

    /// Compiler-style so editors and CI logs can link to the spot.
    public var description: String {
        if let mark { return "\(mark): error: \(message)" }
        return "error: \(message)"
    }
}

/// Several diagnostics thrown together, so a user can fix everything in one go.
public struct ConfigDiagnostics: Error, Sendable, CustomStringConvertible {
    public var items: [ConfigDiagnostic]

    public init(_ items: [ConfigDiagnostic]) {
        self.items = items
    }

    public var description: String {
        items.map(\.description).joined(separator: "\n")
    }
}
