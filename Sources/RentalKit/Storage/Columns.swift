import GRDB
import GRDBSQLite

/// What the store's decoders read a row from, column by position: a GRDB `Row` (listings, exports), or
/// ``Columns`` (the lookups of every circulation operation).
protocol ColumnReading {
    /// The value of column `index` (0-based); throws when it is NULL for a non-optional type, or of
    /// another type.
    func column<Value: DatabaseValueConvertible & StatementColumnConvertible>(_ index: Int) throws -> Value
}

extension ColumnReading {
    /// ``column(_:)``, as `row[index]`.
    subscript<Value: DatabaseValueConvertible & StatementColumnConvertible>(_ index: Int) -> Value {
        get throws { try column(index) }
    }
}

extension Row: ColumnReading {
    func column<Value: DatabaseValueConvertible & StatementColumnConvertible>(_ index: Int) throws -> Value {
        try decode(Value.self, atIndex: index)
    }
}

/// The current row of a statement being stepped, read by position straight from SQLite. Valid only
/// inside the closure it is passed to.
///
/// Why not GRDB's `Row.fetchOne`: every fetch through `Row` lowercases each column's name into a new
/// dictionary (`StatementRowImpl`) and copies the row's values, which was 14% of a held return's CPU
/// samples and 16% of a plain return's (`perf record -g` over `rental-bench run --only holds`, before this
/// type); the lookups read a handful of columns of one row each.
struct Columns: ColumnReading {
    fileprivate let statement: SQLiteStatement

    func column<Value: DatabaseValueConvertible & StatementColumnConvertible>(_ index: Int) throws -> Value {
        guard let value = Value.fromStatement(statement, atUncheckedIndex: CInt(index)) else {
            let found = sqlite3_column_type(statement, CInt(index)) == SQLITE_NULL ? "NULL" : "another type"
            throw DatabaseError(resultCode: .SQLITE_MISMATCH, message: "column \(index) is \(found), not \(Value.self)")
        }
        return value
    }
}

extension Database {
    /// Runs a cached statement and reads its first row by position; nil when it has no row.
    func first<T>(_ sql: String, _ arguments: StatementArguments = [], _ read: (Columns) throws -> T) throws -> T? {
        var result: T?
        try eachRow(sql, arguments) { columns in
            result = try read(columns)
            return false
        }
        return result
    }

    /// Runs a cached statement and reads every row by position.
    func all<T>(_ sql: String, _ arguments: StatementArguments = [], _ read: (Columns) throws -> T) throws -> [T] {
        var result: [T] = []
        try eachRow(sql, arguments) { columns in
            result.append(try read(columns))
            return true
        }
        return result
    }

    /// Steps a cached statement, calling `body` with each row until it returns false or the rows end;
    /// the statement is reset afterwards. Errors name the statement, never its arguments.
    private func eachRow(_ sql: String, _ arguments: StatementArguments, _ body: (Columns) throws -> Bool) throws {
        let statement = try cachedStatement(sql: sql)
        try statement.setArguments(arguments)
        let sqlite = statement.sqliteStatement
        defer { sqlite3_reset(sqlite) }
        while true {
            switch sqlite3_step(sqlite) {
            case SQLITE_ROW:
                guard try body(Columns(statement: sqlite)) else { return }
            case SQLITE_DONE:
                return
            case let code:
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: lastErrorMessage, sql: sql)
            }
        }
    }
}
