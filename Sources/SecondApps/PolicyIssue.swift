import SecondCore

/// One problem found in an app's policy or setup file, located by an RFC 6901 JSON pointer
/// (`""` is the whole document) so the builder can be told exactly what to fix.
public struct PolicyIssue: Sendable, Equatable, CustomStringConvertible {
    /// `invalid`: the file cannot be read as the schema says (wrong shape or type, missing required field).
    /// `changesRequired`: it reads fine but breaks a governance rule (secrets, OAuth, reserved names).
    public enum Severity: String, Sendable { case invalid, changesRequired = "changes_required" }

    public let pointer: String
    public let message: String
    public let severity: Severity

    public init(pointer: String, message: String, severity: Severity) {
        self.pointer = pointer; self.message = message; self.severity = severity
    }

    public var description: String { "\(pointer.isEmpty ? "(root)" : pointer): \(message)" }

    /// `{pointer, message, severity}` for API answers and builder tool results.
    public var json: JSON { ["pointer": .string(pointer), "message": .string(message), "severity": .string(severity.rawValue)] }
}

/// RFC 6901 pointer building (`~` → `~0`, `/` → `~1`).
enum Pointer {
    static func child(_ base: String, _ key: String) -> String {
        base + "/" + key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
    static func child(_ base: String, _ index: Int) -> String { base + "/" + String(index) }
}

/// Collects issues while a document is read; a class so nested readers share one list.
final class IssueSink {
    var issues: [PolicyIssue] = []
    func invalid(_ pointer: String, _ message: String) { issues.append(.init(pointer: pointer, message: message, severity: .invalid)) }
    func changes(_ pointer: String, _ message: String) { issues.append(.init(pointer: pointer, message: message, severity: .changesRequired)) }
    var hasInvalid: Bool { issues.contains { $0.severity == .invalid } }
}

/// Typed field access on one JSON object; wrong types are schema errors at the field's pointer.
struct FieldReader {
    let object: [String: JSON]
    let pointer: String
    let sink: IssueSink

    func at(_ key: String) -> String { Pointer.child(pointer, key) }
    func has(_ key: String) -> Bool { if let v = object[key], v != .null { return true }; return false }

    /// A string field. Missing (or null) and `required` → issue of `missingSeverity`; a non-string is always `invalid`.
    func string(_ key: String, required: Bool = false, nonEmpty: Bool = false,
                missingSeverity: PolicyIssue.Severity = .invalid) -> String? {
        guard let v = object[key], v != .null else {
            if required { report(missingSeverity, at(key), "\(key) is required") }
            return nil
        }
        guard case .string(let s) = v else { sink.invalid(at(key), "\(key) must be a string"); return nil }
        if nonEmpty, s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            // An optional blank field is simply absent; a required one is reported like a missing one.
            if required { report(missingSeverity, at(key), "\(key) must not be empty") }
            return nil
        }
        return s
    }

    func bool(_ key: String, required: Bool = false) -> Bool? {
        guard let v = object[key], v != .null else {
            if required { sink.invalid(at(key), "\(key) is required and must be true or false") }
            return nil
        }
        guard case .bool(let b) = v else { sink.invalid(at(key), "\(key) must be true or false"); return nil }
        return b
    }

    func array(_ key: String) -> [JSON]? {
        guard let v = object[key], v != .null else { return nil }
        guard case .array(let a) = v else { sink.invalid(at(key), "\(key) must be an array"); return nil }
        return a
    }

    func objectField(_ key: String) -> [String: JSON]? {
        guard let v = object[key], v != .null else { return nil }
        guard case .object(let o) = v else { sink.invalid(at(key), "\(key) must be an object"); return nil }
        return o
    }

    /// An object whose values must all be strings (headers, query params, OAuth params).
    func stringMap(_ key: String) -> [String: String] {
        guard let o = objectField(key) else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in o {
            if case .string(let s) = v { out[k] = s } else { sink.invalid(Pointer.child(at(key), k), "\(key).\(k) must be a string") }
        }
        return out
    }

    private func report(_ severity: PolicyIssue.Severity, _ pointer: String, _ message: String) {
        severity == .invalid ? sink.invalid(pointer, message) : sink.changes(pointer, message)
    }
}
