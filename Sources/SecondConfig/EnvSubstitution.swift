/// `${...}` substitution in scalar values, in the spirit of docker-compose:
///
///   ${VAR}            value; error when unset
///   ${VAR:-default}   default when unset or empty
///   ${VAR-default}    default only when unset
///   ${VAR:?message}   error with message when unset or empty
///   ${VAR?message}    error with message when unset
///   ${file:/abs/path} file contents, one trailing newline stripped (mounted secrets)
///   $${               literal "${"
///
/// Single pass: substituted text is never rescanned, so a value containing
/// "${" cannot trigger further lookups. Messages never include variable values
/// or file contents because those are often secrets.
struct EnvSubstitution: Sendable {
    let environment: [String: String]
    let readFile: @Sendable (String) -> Result<String, FileReading.ReadError>

    init(environment: [String: String],
         readFile: @escaping @Sendable (String) -> Result<String, FileReading.ReadError> = FileReading.readText) {
        self.environment = environment
        self.readFile = readFile
    }

    struct Output {
        var text: String
        var errors: [String]
    }

    func substitute(_ input: String) -> Output {
        // Fast path: most scalars contain no "$" at all.
        guard input.unicodeScalars.contains("$") else { return Output(text: input, errors: []) }
        let s = Array(input.unicodeScalars)
        var out = String.UnicodeScalarView()
        var errors: [String] = []
        var i = 0
        while i < s.count {
            guard s[i] == "$" else { out.append(s[i]); i += 1; continue }
            if i + 2 < s.count, s[i + 1] == "$", s[i + 2] == "{" {
                out.append(contentsOf: "${".unicodeScalars)
                i += 3
                continue
            }
            guard i + 1 < s.count, s[i + 1] == "{" else { out.append(s[i]); i += 1; continue }
            guard let close = s[(i + 2)...].firstIndex(of: "}") else {
                errors.append("unterminated \"${\" (missing \"}\")")
                out.append(contentsOf: s[i...])
                break
            }
            let inner = String(String.UnicodeScalarView(s[(i + 2)..<close]))
            switch expand(inner) {
            case .success(let text): out.append(contentsOf: text.unicodeScalars)
            case .failure(let e):
                errors.append(e.message)
                out.append(contentsOf: s[i...close])
            }
            i = close + 1
        }
        return Output(text: String(out), errors: errors)
    }

    struct ExpansionError: Error { var message: String }

    private func expand(_ inner: String) -> Result<String, ExpansionError> {
        if inner.hasPrefix("file:"), !inner.hasPrefix("file:-"), !inner.hasPrefix("file:?") {
            return expandFile(String(inner.dropFirst(5)))
        }
        let scalars = Array(inner.unicodeScalars)
        let nameLength = EnvSubstitution.nameLength(scalars)
        guard nameLength > 0 else {
            if scalars.isEmpty { return .failure(ExpansionError(message: "empty variable name in \"${}\"")) }
            return .failure(ExpansionError(message:
                "invalid environment variable name in \"${\(inner)}\" (names match [A-Za-z_][A-Za-z0-9_]*)"))
        }
        let name = String(String.UnicodeScalarView(scalars[0..<nameLength]))
        let rest = String(String.UnicodeScalarView(scalars[nameLength...]))
        let value = environment[name]
        let isEmpty = value?.isEmpty ?? true

        func op(_ prefix: String) -> String? {
            rest.hasPrefix(prefix) ? String(rest.dropFirst(prefix.count)) : nil
        }
        if rest.isEmpty {
            if let value { return .success(value) }
            return .failure(ExpansionError(message:
                "environment variable \"\(name)\" is not set (use ${\(name):-default} to give a default)"))
        }
        if let fallback = op(":-") {
            if let bad = nestedCheck(fallback, inner) { return .failure(bad) }
            return .success(isEmpty ? fallback : (value ?? ""))
        }
        if let fallback = op("-") {
            if let bad = nestedCheck(fallback, inner) { return .failure(bad) }
            return .success(value ?? fallback)
        }
        if let message = op(":?") {
            if !isEmpty, let value { return .success(value) }
            return .failure(ExpansionError(message: "environment variable \"\(name)\" is not set or empty"
                + (message.isEmpty ? "" : ": \(message)")))
        }
        if let message = op("?") {
            if let value { return .success(value) }
            return .failure(ExpansionError(message: "environment variable \"\(name)\" is not set"
                + (message.isEmpty ? "" : ": \(message)")))
        }
        return .failure(ExpansionError(message:
            "invalid substitution \"${\(inner)}\": expected \"}\", \":-\", \"-\", \":?\" or \"?\" after \"\(name)\""))
    }

    /// Defaults end at the first "}", so "${A:-${B}}" cannot work; say so instead of producing "${B}".
    private func nestedCheck(_ fallback: String, _ inner: String) -> ExpansionError? {
        guard fallback.contains("${") else { return nil }
        return ExpansionError(message: "nested substitution in default of \"${\(inner)}}\" is not supported")
    }

    private func expandFile(_ path: String) -> Result<String, ExpansionError> {
        guard path.hasPrefix("/") else {
            return .failure(ExpansionError(message: "${file:...} needs an absolute path (got \"\(path)\")"))
        }
        switch readFile(path) {
        case .failure(let e):
            return .failure(ExpansionError(message: "cannot read \(path) for ${file:...}: \(e.reason)"))
        case .success(var text):
            if text.hasSuffix("\r\n") { text.removeLast() } // "\r\n" is one Character
            else if text.hasSuffix("\n") { text.removeLast() }
            return .success(text)
        }
    }

    /// Length of the leading `[A-Za-z_][A-Za-z0-9_]*` run.
    static func nameLength(_ s: [Unicode.Scalar]) -> Int {
        var n = 0
        for c in s {
            let ok: Bool
            switch c {
            case "A"..."Z", "a"..."z", "_": ok = true
            case "0"..."9": ok = n > 0
            default: ok = false
            }
            guard ok else { break }
            n += 1
        }
        return n
    }
}
