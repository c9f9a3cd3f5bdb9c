import CMongoc
import SecondCore

/// Builds the BSON that MongoStore sends: filters, sorts, updates, index definitions, change-stream options.
enum MongoCommands {
    /// Scope + conditions (+ optional _id). A condition becomes `{path: v}` or `{path: {$in: [...]}}`.
    static func filter(_ q: Query, id: String? = nil) -> BSONDocument {
        let f = BSONDocument()
        var conditions = q.conditions
        if let id {
            // One "_id" key only: fold an _id condition into the id (it either admits the id or nothing matches).
            if let i = conditions.firstIndex(where: { $0.path.segments == ["_id"] }) {
                let admits = conditions[i].values.contains(.string(id))
                conditions.remove(at: i)
                if !admits { f.append("_id", .object(["$in": .array([])])); return f }
            }
            f.append("_id", .string(id))
        }
        if let ws = q.workspaceId { f.append("workspaceId", .string(ws)) }
        for c in conditions {
            if c.values.count == 1, let v = c.values.first { f.append(c.path.dotted, v) }
            else { f.append(c.path.dotted, .object(["$in": .array(c.values)])) }
        }
        return f
    }

    static func sort(_ s: SortSpec) -> BSONDocument {
        let d = BSONDocument()
        for (path, asc) in s.keys { d.append(path.dotted, int32: asc ? 1 : -1) }
        return d
    }

    /// `$inc` amounts that are whole numbers go as int64 so integer counters stay integers (as in the embedded store).
    static func update(_ spec: UpdateSpec) -> BSONDocument {
        let u = BSONDocument()
        if !spec.set.isEmpty {
            let set = BSONDocument()
            for (path, value) in spec.set { set.append(path.dotted, value) }
            u.append("$set", document: set)
        }
        if !spec.unset.isEmpty {
            let unset = BSONDocument()
            for path in spec.unset { unset.append(path.dotted, .string("")) }
            u.append("$unset", document: unset)
        }
        if !spec.inc.isEmpty {
            let inc = BSONDocument()
            for (path, d) in spec.inc {
                inc.append(path.dotted, d.rounded() == d ? Int64(exactly: d).map(JSON.int) ?? .double(d) : .double(d))
            }
            u.append("$inc", document: inc)
        }
        return u
    }

    static func createIndexes(_ c: StoreCollection, _ specs: [IndexSpec]) -> BSONDocument {
        let cmd = BSONDocument()
        cmd.append("createIndexes", .string(c.rawValue))
        cmd.append("indexes", documents: specs.map { spec in
            let key = BSONDocument()
            for (field, asc) in spec.keys { key.append(field, int32: asc ? 1 : -1) }
            let d = BSONDocument()
            d.append("key", document: key)
            d.append("name", .string(spec.name))
            if spec.unique { d.append("unique", .bool(true)) }
            return d
        })
        return cmd
    }

    /// Only the four data events reach us; scope filtering happens in process (nx-27017 does not support $or in a
    /// change-stream $match, and deletes carry no fullDocument to match on anyway).
    static func changeStreamPipeline() -> BSONDocument {
        let ops = BSONDocument()
        ops.append("operationType", .object(["$in": ["insert", "update", "replace", "delete"]]))
        let match = BSONDocument()
        match.append("$match", document: ops)
        let p = BSONDocument()
        p.append("pipeline", documents: [match])
        return p
    }

    static func changeStreamOptions() -> BSONDocument {
        let o = BSONDocument()
        o.append("fullDocument", .string("updateLookup"))
        o.append("maxAwaitTimeMS", .int(300))   // bounds how long a cancelled watch lingers
        return o
    }

    static func single(_ key: String, _ value: JSON) -> BSONDocument {
        let d = BSONDocument()
        d.append(key, value)
        return d
    }
}
