import SecondCore

/// Applies an `UpdateSpec` in process (embedded store), following MongoDB's rules: $set creates missing objects,
/// numeric segments index arrays (padding with null), $unset of an array element sets it to null, $inc on a missing
/// field sets it, and a path through a scalar or a non-numeric $inc target is an error.
extension UpdateSpec {
    static let maxArrayIndex = 1_000_000

    func apply(to doc: Document) throws(StoreError) -> Document {
        var root = JSON.object(doc)
        for (path, value) in set { root = try Self.setting(root, path.segments[...], value, path) }
        for path in unset { root = Self.unsetting(root, path.segments[...]) }
        for (path, delta) in inc {
            let current = Condition.lookup(path, in: root.object ?? [:])
            root = try Self.setting(root, path.segments[...], try Self.incremented(current, by: delta, path), path)
        }
        return root.object ?? doc
    }

    static func incremented(_ current: JSON?, by delta: Double, _ path: FieldPath) throws(StoreError) -> JSON {
        let integral = delta.rounded() == delta ? Int64(exactly: delta) : nil
        switch current {
        case nil: return integral.map(JSON.int) ?? .double(delta)
        case .int(let i)?:
            if let d = integral {
                let (sum, overflow) = i.addingReportingOverflow(d)
                if overflow { throw .invalid("$inc on \(StoreRules.quoted(path.dotted)) overflows a 64-bit integer") }
                return .int(sum)
            }
            return .double(Double(i) + delta)
        case .double(let x)?: return .double(x + delta)
        default: throw .invalid("cannot $inc the non-numeric field \(StoreRules.quoted(path.dotted))")
        }
    }

    static func setting(_ node: JSON, _ rest: ArraySlice<String>, _ value: JSON, _ path: FieldPath) throws(StoreError) -> JSON {
        guard let key = rest.first else { return value }
        let tail = rest.dropFirst()
        switch node {
        case .object(var o):
            o[key] = try setting(o[key] ?? .object([:]), tail, value, path)
            return .object(o)
        case .array(var a):
            guard let i = Int(key), i >= 0, i <= maxArrayIndex, String(i) == key else {
                throw .invalid("cannot set \(StoreRules.quoted(path.dotted)): \(StoreRules.quoted(key)) is not an array index")
            }
            while a.count <= i { a.append(tail.isEmpty ? .null : .object([:])) }
            a[i] = try setting(a[i] == .null && !tail.isEmpty ? .object([:]) : a[i], tail, value, path)
            return .array(a)
        default:
            throw .invalid("cannot set \(StoreRules.quoted(path.dotted)): a parent is not an object")
        }
    }

    static func unsetting(_ node: JSON, _ rest: ArraySlice<String>) -> JSON {
        guard let key = rest.first else { return node }
        let tail = rest.dropFirst()
        switch node {
        case .object(var o):
            guard let child = o[key] else { return node }
            if tail.isEmpty { o[key] = nil } else { o[key] = unsetting(child, tail) }
            return .object(o)
        case .array(var a):
            guard let i = Int(key), i >= 0, i < a.count, String(i) == key else { return node }
            a[i] = tail.isEmpty ? .null : unsetting(a[i], tail)
            return .array(a)
        default:
            return node
        }
    }
}
