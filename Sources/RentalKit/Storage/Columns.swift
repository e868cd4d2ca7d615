import GRDB
import GRDBSQLite

// Reads and writes of the operations' own statements, straight through SQLite's C API on GRDB's cached
// statements. Both skip GRDB's bookkeeping around a statement (database observation, which the store does not
// use; schema-cache invalidation, which these statements never need): every statement that begins or ends a
// transaction or changes the schema still goes through GRDB. GRDB does not know what was bound here, so a
// statement run by these helpers is never run through GRDB's `execute()` without arguments.

/// What the store's decoders read a row from, column by position: a GRDB `Row` (the register exports'
/// cursors), or ``Columns`` (lookups and listings).
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

    /// The UTF-8 bytes of text column `index` in place (SQLite's own buffer, valid until the statement
    /// steps on); throws when it is NULL.
    func text(_ index: Int) throws -> UnsafeRawBufferPointer {
        guard let text = optionalText(index) else {
            throw DatabaseError(resultCode: .SQLITE_MISMATCH, message: "column \(index) is NULL, not text")
        }
        return text
    }

    /// The UTF-8 bytes of text column `index` in place, or nil when it is NULL.
    func optionalText(_ index: Int) -> UnsafeRawBufferPointer? {
        // sqlite3_column_text before sqlite3_column_bytes: the order SQLite documents for the count to be
        // that of the text returned.
        guard let start = sqlite3_column_text(statement, CInt(index)) else { return nil }
        return UnsafeRawBufferPointer(start: start, count: Int(sqlite3_column_bytes(statement, CInt(index))))
    }
}

extension Database {
    /// Runs a cached statement with `values` bound by position (`?1`, `?2`, …) and reads its first row;
    /// nil when it has no row.
    func first<T, each Value: StatementBinding>(_ sql: String, binding values: repeat each Value,
                                                read: (Columns) throws -> T) throws -> T? {
        var result: T?
        try steps(sql, bound(sql, repeat each values)) { columns in
            result = try read(columns)
            return false
        }
        return result
    }

    /// Runs a cached statement with `values` bound by position and reads every row.
    func all<T, each Value: StatementBinding>(_ sql: String, binding values: repeat each Value,
                                              read: (Columns) throws -> T) throws -> [T] {
        try all(sql, statement: bound(sql, repeat each values), read: read)
    }

    /// Runs a cached statement with arguments assembled at run time (a listing's filters) and reads every row.
    func all<T>(_ sql: String, arguments: StatementArguments, read: (Columns) throws -> T) throws -> [T] {
        var result: [T] = []
        try each(sql, arguments: arguments) { columns in result.append(try read(columns)) }
        return result
    }

    /// Runs a cached statement with arguments assembled at run time and calls `body` with each row as it is read.
    func each(_ sql: String, arguments: StatementArguments, _ body: (Columns) throws -> Void) throws {
        let statement = try cachedStatement(sql: sql)
        try statement.setArguments(arguments)
        try steps(sql, statement.sqliteStatement) { columns in
            try body(columns)
            return true
        }
    }

    /// Runs a cached statement that returns no rows, with `values` bound by position.
    func run<each Value: StatementBinding>(_ sql: String, _ values: repeat each Value) throws {
        try steps(sql, bound(sql, repeat each values)) { _ in false }
    }

    private func all<T>(_ sql: String, statement: SQLiteStatement, read: (Columns) throws -> T) throws -> [T] {
        var result: [T] = []
        try steps(sql, statement) { columns in
            result.append(try read(columns))
            return true
        }
        return result
    }

    /// The cached statement for `sql`, reset, with `values` bound: no `StatementArguments` boxes on the way
    /// (the group-commit writer runs every operation's statements one after another, so their cost per
    /// checkout bounds how many checkouts one fsync carries). Throws when the count of values is wrong.
    private func bound<each Value: StatementBinding>(_ sql: String, _ values: repeat each Value) throws -> SQLiteStatement {
        let statement = try cachedStatement(sql: sql).sqliteStatement
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        var index: CInt = 0
        for value in repeat each values {
            index += 1
            let code = value.bind(to: statement, at: index)
            guard code == SQLITE_OK else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: lastErrorMessage, sql: sql)
            }
        }
        guard index == sqlite3_bind_parameter_count(statement) else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE,
                                message: "\(index) values for \(sqlite3_bind_parameter_count(statement)) parameters", sql: sql)
        }
        return statement
    }

    /// Steps `statement`, calling `body` with each row until it returns false or the rows end; resets it
    /// and clears its bindings afterwards. Errors name the statement, never its values.
    private func steps(_ sql: String, _ statement: SQLiteStatement, _ body: (Columns) throws -> Bool) throws {
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW:
                guard try body(Columns(statement: statement)) else { return }
            case SQLITE_DONE:
                return
            case let code:
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: lastErrorMessage, sql: sql)
            }
        }
    }
}
