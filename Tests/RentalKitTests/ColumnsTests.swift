import Foundation
import GRDB
import Testing
@testable import RentalKit

@Suite("Rows read by position")
struct ColumnsTests {
    private func database() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, note TEXT, flag INTEGER);
                INSERT INTO t VALUES (1, 'Кроватка', NULL, 1), (2, 'Чайник', 'с отметкой', 0), (3, 'Утюг', NULL, 0);
                """)
        }
        return queue
    }

    @Test func readsTheSameValuesAsGRDBRows() throws {
        try database().read { db in
            let sql = "SELECT id, name, note, flag FROM t WHERE id >= ? ORDER BY id"
            let byPosition = try db.all(sql, binding: Int64(2)) { row in
                try "\(row[0] as Int64) \(row[1] as String) \(row[2] as String? ?? "-") \(row[3] as Bool)"
            }
            let byRow = try Row.fetchAll(db, sql: sql, arguments: [2]).map { row in
                "\(row[0] as Int64) \(row[1] as String) \(row[2] as String? ?? "-") \(row[3] as Bool)"
            }
            #expect(byPosition == ["2 Чайник с отметкой false", "3 Утюг - false"])
            let assembled = try db.all(sql, arguments: [2]) { row in try "\(row[0] as Int64) \(row[1] as String)" }
            #expect(byPosition == byRow)
            #expect(assembled == ["2 Чайник", "3 Утюг"])
            let first = try db.first(sql, binding: Int64(1)) { row in try row[1] as String }
            let none = try db.first(sql, binding: Int64(9)) { row in try row[1] as String }
            #expect(first == "Кроватка")
            #expect(none == nil)
        }
    }

    @Test("a NULL read as a non-optional value is an error naming the column, not a crash, and the statement is reusable")
    func nullIsAnError() throws {
        try database().read { db in
            let sql = "SELECT note FROM t WHERE id = ?"
            let error = #expect(throws: DatabaseError.self) {
                try db.first(sql, binding: Int64(1)) { row in try row[0] as String }
            }
            #expect(error?.message == "column 0 is NULL, not String")
            let reused = try db.first(sql, binding: Int64(2)) { row in try row[0] as String }
            #expect(reused == "с отметкой")
        }
    }

    @Test func stopsAfterTheFirstRowAndResets() throws {
        try database().read { db in
            let sql = "SELECT id FROM t ORDER BY id"
            let first = try db.first(sql) { row in try row[0] as Int64 }
            let all = try db.all(sql) { row in try row[0] as Int64 }
            #expect(first == 1)
            #expect(all == [1, 2, 3])
        }
    }

    @Test("writes bind by position; a refused write names the statement and the constraint, never the values")
    func writes() throws {
        try database().write { db in
            try db.run("INSERT INTO t (id, name, note, flag) VALUES (?, ?, ?, ?)", Int64(4), "Микроволновка", String?.none, true)
            let inserted = try db.first("SELECT name, note, flag FROM t WHERE id = ?", binding: Int64(4)) { row in
                try "\(row[0] as String) \(row[1] as String? ?? "-") \(row[2] as Bool)"
            }
            #expect(inserted == "Микроволновка - true")
            let duplicate = #expect(throws: DatabaseError.self) {
                try db.run("INSERT INTO t (id, name) VALUES (?, ?)", Int64(4), "+7 900 123-45-67")
            }
            #expect(duplicate?.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY)
            #expect(duplicate.map { "\($0)" }?.contains("123-45") == false)
            let miscounted = #expect(throws: DatabaseError.self) {
                try db.run("UPDATE t SET name = ? WHERE id = ?", "Чайник")
            }
            #expect(miscounted?.resultCode == .SQLITE_MISUSE)
            // Neither failure left a value bound or the statement busy: the next run works.
            try db.run("UPDATE t SET name = ? WHERE id = ?", "Чайник электрический", Int64(2))
            #expect(db.changesCount == 1)
        }
    }
}
