import CMongoc
import Foundation

/// libmongoc must be initialised once per process before any other call. Its own log output goes through
/// `MongocLog`, so credentials never reach stderr even if libmongoc quotes part of a URI.
let mongocInitialised: Void = {
    mongoc_init()
    mongoc_log_set_handler({ level, domain, message, _ in
        guard level.rawValue <= MONGOC_LOG_LEVEL_WARNING.rawValue, let message else { return }
        let name = ["error", "critical", "warning"][min(Int(level.rawValue), 2)]
        let text = MongocLog.shared.scrub(String(cString: message))
        FileHandle.standardError.write(Data("mongoc[\(domain.map { String(cString: $0) } ?? "")] \(name): \(text)\n".utf8))
    }, nil)
}()

/// Every credential seen in a MONGODB_URI of this process, scrubbed from libmongoc's log lines.
final class MongocLog: @unchecked Sendable {
    static let shared = MongocLog()
    private let lock = NSLock()
    private var secrets: Set<String> = []

    func register(_ values: [String]) { lock.withLock { secrets.formUnion(values.filter { !$0.isEmpty }) } }
    func scrub(_ text: String) -> String { MongoTarget.scrub(text, lock.withLock { Array(secrets) }) }
}
