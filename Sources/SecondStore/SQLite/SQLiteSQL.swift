import SecondCore

/// SQL text for the embedded store: one table per collection (`id TEXT PRIMARY KEY, workspace_id TEXT, doc TEXT`),
/// fields read with json_extract. Index expressions and query expressions come from the same functions, so SQLite's
/// planner recognises them and uses the expression indexes.
enum SQLiteSQL {
    static func table(_ c: StoreCollection) -> String { "\"\(c.rawValue)\"" }

    /// `'$."a"."b"'` as an SQL literal (segments never contain '"'; single quotes are doubled).
    static func pathLiteral(_ p: FieldPath) -> String {
        let path = "$" + p.segments.map { ".\"\($0)\"" }.joined()
        return "'" + path.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The column for _id / workspaceId, or json_extract of the path.
    static func value(_ p: FieldPath, _ c: StoreCollection) -> String {
        if p.segments == ["_id"] { return "id" }
        if c.isWorkspaceOwned, p.segments == ["workspaceId"] { return "workspace_id" }
        return "json_extract(doc, \(pathLiteral(p)))"
    }

    static func schema() -> [String] {
        var sql: [String] = []
        for c in StoreCollection.allCases {
            sql.append("CREATE TABLE IF NOT EXISTS \(table(c)) (id TEXT PRIMARY KEY NOT NULL, workspace_id TEXT, doc TEXT NOT NULL)")
        }
        for spec in IndexCatalog.all {
            let columns = spec.keys.map { (field, asc) -> String in
                let path = FieldPath(trusted: field)
                return value(path, spec.collection) + (asc ? "" : " DESC")
            }
            sql.append("CREATE \(spec.unique ? "UNIQUE " : "")INDEX IF NOT EXISTS \"\(indexName(spec))\" ON \(table(spec.collection)) (\(columns.joined(separator: ", ")))")
        }
        return sql
    }

    static func indexName(_ spec: IndexSpec) -> String { "\(spec.collection.rawValue)__\(spec.name)" }

    /// WHERE clause (without the keyword) and its bound values.
    static func whereClause(_ q: Query) -> (String, [SQLValue]) {
        var parts: [String] = []
        var binds: [SQLValue] = []
        if let ws = q.workspaceId {
            parts.append("workspace_id = ?")
            binds.append(.text(ws))
        }
        let scalarPaths = IndexCatalog.scalarPaths(for: q.collection)
        for cond in q.conditions {
            if cond.path.segments == ["_id"] {
                let ids = cond.values.compactMap(\.string)
                parts.append(ids.isEmpty ? "0" : "id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ", ")))")
                binds += ids.map(SQLValue.text)
                continue
            }
            let lit = pathLiteral(cond.path)
            var alternatives = [matchAny(value(cond.path, q.collection), "json_type(doc, \(lit))", cond.values, &binds)]
            if !scalarPaths.contains(cond.path.dotted) {
                let inner = matchAny("j.value", "j.type", cond.values, &binds)
                alternatives.append("(json_type(doc, \(lit)) = 'array' AND EXISTS (SELECT 1 FROM json_each(doc, \(lit)) AS j WHERE \(inner)))")
            }
            parts.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        return (parts.isEmpty ? "1" : parts.joined(separator: " AND "), binds)
    }

    /// Expression `e` (of JSON type `t`) equals one of `values`, compared the way MongoDB does: numbers by value,
    /// bools only with bools, null also for a missing field. Values are grouped into IN lists by type, which keeps
    /// the expression shallow for long $in lists and lets `e IN (…)` use an expression index.
    private static func matchAny(_ e: String, _ t: String, _ values: [JSON], _ binds: inout [SQLValue]) -> String {
        var strings: [SQLValue] = [], numbers: [SQLValue] = [], alternatives: [String] = []
        var hasNull = false, hasTrue = false, hasFalse = false
        for v in values {
            switch v {
            case .string(let s): strings.append(.text(s))
            case .int(let i): numbers.append(.int(i))
            case .double(let d): numbers.append(.double(d))
            case .bool(let b): if b { hasTrue = true } else { hasFalse = true }
            default: hasNull = true
            }
        }
        func list(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }
        if !strings.isEmpty {
            alternatives.append("(\(e) IN (\(list(strings.count))) AND \(t) = 'text')")
            binds += strings
        }
        if !numbers.isEmpty {
            alternatives.append("(\(e) IN (\(list(numbers.count))) AND \(t) IN ('integer', 'real'))")
            binds += numbers
        }
        if hasTrue { alternatives.append("\(t) = 'true'") }
        if hasFalse { alternatives.append("\(t) = 'false'") }
        // json_extract gives SQL NULL for a missing field and for JSON null; an array element is typed 'null'.
        if hasNull { alternatives.append(e == "j.value" ? "\(t) = 'null'" : "\(e) IS NULL") }
        return alternatives.isEmpty ? "0" : "(" + alternatives.joined(separator: " OR ") + ")"
    }

    static func orderBy(_ s: SortSpec, _ c: StoreCollection) -> String {
        s.keys.map { value($0.0, c) + ($0.1 ? " ASC" : " DESC") }.joined(separator: ", ")
    }
}
