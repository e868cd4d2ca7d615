import GRDBSQLite

/// A failure reported by SQLite's C API, with the statement or step that failed.
struct SQLiteError: Error, CustomStringConvertible {
    /// What was being done.
    var context: String
    /// SQLite's result code.
    var code: Int32
    /// SQLite's message.
    var message: String

    var description: String { "\(context): SQLite error \(code): \(message)" }
}

/// One SQLite connection through the C API directly (no GRDB): the raw baselines use it, so that they
/// measure SQLite and the disk, not a Swift wrapper.
final class SQLiteConnection {
    /// The C handle.
    let handle: OpaquePointer

    /// Opens `path` read-write (creating nothing: the store is made by RentalKit first).
    init(path: String, readOnly: Bool = false) throws {
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(context: "open \(path)", code: rc, message: message)
        }
        handle = db
        sqlite3_busy_timeout(db, 5000)
    }

    deinit { sqlite3_close_v2(handle) }

    /// Sets the pragmas RentalKit uses for a durable store: WAL, `synchronous=FULL`, foreign keys on.
    func useStorePragmas() throws {
        try execute("PRAGMA journal_mode = WAL")
        try execute("PRAGMA synchronous = FULL")
        try execute("PRAGMA foreign_keys = ON")
    }

    /// Runs SQL that returns no rows we need (one or more statements).
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        guard rc == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(error)
            throw SQLiteError(context: "execute \(sql.prefix(60))", code: rc, message: message)
        }
    }

    /// Compiles one statement.
    func prepare(_ sql: String) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw SQLiteError(context: "prepare \(sql.prefix(60))", code: rc, message: String(cString: sqlite3_errmsg(handle)))
        }
        return SQLiteStatement(statement, connection: self)
    }

    /// The first column of the first row of `sql`, as text (nil when there is no row).
    func text(_ sql: String) throws -> String? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return statement.text(0)
    }

    /// Every row's first column of `sql`, as text.
    func texts(_ sql: String) throws -> [String] {
        let statement = try prepare(sql)
        var result: [String] = []
        while try statement.step() { result.append(statement.text(0) ?? "") }
        return result
    }

    /// The current error message.
    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }
}

/// A compiled statement; finalized when released.
final class SQLiteStatement {
    private let statement: OpaquePointer
    private let connection: SQLiteConnection

    /// `SQLITE_TRANSIENT`: SQLite copies bound text at once (the macro is not imported into Swift).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    fileprivate init(_ statement: OpaquePointer, connection: SQLiteConnection) {
        self.statement = statement
        self.connection = connection
    }

    deinit { sqlite3_finalize(statement) }

    /// Binds values to `?1`, `?2`, … in order (Int, Int64, String, Double or nil).
    func bind(_ values: [(any Sendable)?]) throws {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case nil: rc = sqlite3_bind_null(statement, index)
            case let value as Int: rc = sqlite3_bind_int64(statement, index, Int64(value))
            case let value as Int64: rc = sqlite3_bind_int64(statement, index, value)
            case let value as Double: rc = sqlite3_bind_double(statement, index, value)
            case let value as String: rc = sqlite3_bind_text(statement, index, value, -1, Self.transient)
            default: rc = SQLITE_MISMATCH
            }
            guard rc == SQLITE_OK else {
                throw SQLiteError(context: "bind ?\(index)", code: rc, message: connection.lastMessage)
            }
        }
    }

    /// Steps once: true when a row is available, false when done.
    @discardableResult
    func step() throws -> Bool {
        let rc = sqlite3_step(statement)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw SQLiteError(context: "step \(String(cString: sqlite3_sql(statement)).prefix(60))", code: rc, message: connection.lastMessage)
    }

    /// Resets for another run and clears the bindings.
    func reset() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    /// Runs the statement once with `values` (for writes), then resets it.
    func run(_ values: [(any Sendable)?]) throws {
        defer { reset() }
        try bind(values)
        while try step() {}
    }

    /// The number of columns in a row.
    var columnCount: Int32 { sqlite3_column_count(statement) }

    /// A column as an integer.
    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    /// A column as text (nil for NULL).
    func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: pointer)
    }

    /// Reads every column of the current row the cheapest way SQLite allows (integers as integers, text as
    /// its bytes without making Swift strings) and returns a number derived from them, so that the work
    /// cannot be skipped.
    func touchRow() -> Int {
        var sum = 0
        for column in 0..<columnCount {
            switch sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER: sum &+= Int(truncatingIfNeeded: sqlite3_column_int64(statement, column))
            case SQLITE_TEXT:
                _ = sqlite3_column_text(statement, column)
                sum &+= Int(sqlite3_column_bytes(statement, column))
            case SQLITE_FLOAT: sum &+= Int(sqlite3_column_double(statement, column))
            default: break
            }
        }
        return sum
    }
}
