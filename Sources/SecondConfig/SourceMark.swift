/// A position in a configuration file. Line and column are 1-based so they can
/// be pasted straight into an editor ("file:line:col").
public struct SourceMark: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    /// "line:col" without the file, for messages that refer to another place in the same file.
    public var lineColumn: String { "\(line):\(column)" }
}
