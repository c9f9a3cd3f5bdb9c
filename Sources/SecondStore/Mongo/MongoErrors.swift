import CMongoc
import Foundation

/// Maps libmongoc errors (error API v2: server errors carry the server's code) to `StoreError`.
/// Every message is scrubbed of credentials, and server text is cut before any document values it quotes.
enum MongoErrors {
    /// Server codes that mean the request itself was wrong.
    static let badInputCodes: Set<UInt32> = [2, 9, 14, 15, 16, 17, 28, 40, 52, 55, 56, 57, 66, 10334, 17419, 17420, 16837, 4_000_003]
    /// Server codes that mean the deployment cannot serve us right now.
    static let unavailableCodes: Set<UInt32> = [6, 7, 13, 18, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436]

    static func map(_ e: bson_error_t, _ target: MongoTarget, collection: StoreCollection?) -> StoreError {
        map(domain: e.domain, code: e.code, message: e.text, target, collection: collection)
    }

    static func map(domain: UInt32, code: UInt32, message raw: String, _ target: MongoTarget,
                    collection: StoreCollection?) -> StoreError {
        let message = target.scrub(raw)
        let serverDomains = [MONGOC_ERROR_SERVER, MONGOC_ERROR_WRITE_CONCERN].map(\.rawValue)
        if code == 11000 || code == 11001, serverDomains.contains(domain) || domain == MONGOC_ERROR_COLLECTION.rawValue {
            let c = collection.map(\.rawValue) ?? "unknown"
            return .duplicateKey(collection: c, fields: collection.map { duplicateFields(message, $0) } ?? ["_id"])
        }
        if code == 40573 || message.contains("only supported on replica sets") {
            return .notReplicaSet("MongoDB at \(target.hosts) is not a replica set, and change streams (live app data) need one: "
                + "start mongod with --replSet rs0, run rs.initiate() once in mongosh (a single-node replica set is fine), "
                + "then add replicaSet=rs0 to MONGODB_URI")
        }
        switch domain {
        case MONGOC_ERROR_SERVER_SELECTION.rawValue, MONGOC_ERROR_STREAM.rawValue, MONGOC_ERROR_PROTOCOL.rawValue:
            return .unavailable("cannot reach MongoDB at \(target.hosts): \(message)")
        case MONGOC_ERROR_SASL.rawValue, MONGOC_ERROR_SCRAM.rawValue:
            return .unavailable("authentication to MongoDB at \(target.hosts) failed: \(message)")
        case MONGOC_ERROR_CLIENT.rawValue where code == MONGOC_ERROR_CLIENT_AUTHENTICATE.rawValue:
            return .unavailable("authentication to MongoDB at \(target.hosts) failed: \(message)")
        default: break
        }
        guard serverDomains.contains(domain) || domain == MONGOC_ERROR_QUERY.rawValue || domain == MONGOC_ERROR_COMMAND.rawValue else {
            return .failed("MongoDB at \(target.hosts): \(message) (domain \(domain), code \(code))")
        }
        if unavailableCodes.contains(code) { return .unavailable("MongoDB at \(target.hosts): \(withoutValues(message)) (code \(code))") }
        // nx-27017 reports a non-numeric $inc target as code 8 (MongoDB: 14).
        if badInputCodes.contains(code) || message.contains("non-numeric") {
            return .invalid("MongoDB rejected the request: \(withoutValues(message)) (code \(code))")
        }
        return .failed("MongoDB at \(target.hosts): \(withoutValues(message)) (code \(code))")
    }

    /// The unique index named by a duplicate-key message: MongoDB says "index: <name> dup key: …", nx-27017 names
    /// its SQLite index "idx_<collection>_<field>_<field>". Anything else is the _id index.
    static func duplicateFields(_ message: String, _ c: StoreCollection) -> [String] {
        let unique = IndexCatalog.indexes(for: c).filter(\.unique).sorted { $0.name.count > $1.name.count }
        for spec in unique {
            if message.contains("index: \(spec.name) ") || message.contains("idx_\(c.rawValue)_\(spec.fields.joined(separator: "_"))'") {
                return spec.fields
            }
        }
        return ["_id"]
    }

    /// Server messages quote offending values ("dup key: {…}", "with value …"); keep only the text before them.
    static func withoutValues(_ message: String) -> String {
        var cut = message
        for marker in [" dup key", " with value", " value:", "{", "\u{22}"] {
            if let r = cut.range(of: marker) { cut = String(cut[..<r.lowerBound]) }
        }
        return cut.trimmingCharacters(in: .whitespaces)
    }
}
