import CSQLite

/// A failed SQLite call: extended result code and sqlite3_errmsg. Mapped to `StoreError` by the store.
struct SQLiteFailure: Error {
    let code: Int32
    let message: String
    static let constraintPrimaryKey: Int32 = 1555   // SQLITE_CONSTRAINT_PRIMARYKEY
    static let constraintUnique: Int32 = 2067       // SQLITE_CONSTRAINT_UNIQUE
}

enum SQLValue {
    case null, int(Int64), double(Double), text(String)
}

/// One SQLite connection. Not thread-safe by itself: `SQLiteStore` only touches it from its serial queue.
final class SQLiteDatabase {
    private(set) var handle: OpaquePointer?

    init(path: String) throws {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw SQLiteFailure(code: rc, message: message)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 5000)   // other processes on the same file (WAL allows one writer at a time)
    }

    deinit { close() }

    func close() {
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    func failure(_ rc: Int32) -> SQLiteFailure {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "database is closed"
        return SQLiteFailure(code: handle.map { sqlite3_extended_errcode($0) } ?? rc, message: message)
    }

    func execute(_ sql: String) throws {
        guard let handle else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "database is closed") }
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw failure(rc) }
    }

    /// Runs `body` inside BEGIN IMMEDIATE … COMMIT (the write lock is taken up front, so a read-then-write is atomic
    /// against other connections too); rolls back on any error.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    func prepare(_ sql: String, _ values: [SQLValue] = []) throws -> SQLiteStatement {
        guard let handle else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "database is closed") }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw failure(rc) }
        let statement = SQLiteStatement(stmt, self)
        try statement.bind(values)
        return statement
    }

    /// Number of rows changed by the last statement.
    var changes: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }
}

final class SQLiteStatement {
    private let handle: OpaquePointer
    private let db: SQLiteDatabase

    fileprivate init(_ handle: OpaquePointer, _ db: SQLiteDatabase) {
        self.handle = handle
        self.db = db
    }

    deinit { sqlite3_finalize(handle) }

    func bind(_ values: [SQLValue]) throws {
        // SQLITE_TRANSIENT: SQLite copies the bytes, so Swift buffers may go away after the call.
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (offset, value) in values.enumerated() {
            let i = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, i)
            case .int(let v): rc = sqlite3_bind_int64(handle, i, v)
            case .double(let v): rc = sqlite3_bind_double(handle, i, v)
            case .text(var s):
                // Explicit length so strings with NUL inside bind whole.
                rc = s.withUTF8 { buf in
                    guard let base = buf.baseAddress, buf.count > 0 else { return sqlite3_bind_text(handle, i, "", 0, transient) }
                    return base.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                        sqlite3_bind_text(handle, i, $0, Int32(buf.count), transient)
                    }
                }
            }
            guard rc == SQLITE_OK else { throw db.failure(rc) }
        }
    }

    /// Advances; true when a row is available.
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw db.failure(rc)
    }

    func text(_ column: Int32) -> String? {
        guard let p = sqlite3_column_text(handle, column) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, column))), as: UTF8.self)
    }

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    /// Steps to the end, for statements without result rows (or whose rows are not needed).
    func run() throws { while try step() {} }
}
