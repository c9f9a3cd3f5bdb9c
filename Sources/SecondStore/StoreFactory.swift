import Foundation

/// Picks the store for a deployment: MongoDB when a URI is configured, otherwise the embedded SQLite store.
public enum StoreFactory {
    /// `dataDir` holds `second.db` for the embedded store; it is created (mode 0700) on `start()`.
    public static func make(mongodbURI: String?, dataDir: String) -> any DocumentStore {
        if let uri = mongodbURI?.trimmingCharacters(in: .whitespaces), !uri.isEmpty {
            return MongoStore(uri: uri)
        }
        return SQLiteStore(dataDir: dataDir)
    }
}
