import Foundation
import GRDB

extension RentalStore {
    /// Counts of centres, units, families, open and overdue loans.
    public func summary() async throws(RentalError) -> StoreSummary {
        let now = clock.now()
        return try await read { db in
            let (overdueSQL, arguments) = try Self.overdueScan(db, now: now, columns: "l.id")
            return StoreSummary(
                centres: try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM centre")) ?? 0,
                units: try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM unit WHERE status <> 'retired'")) ?? 0,
                families: try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM family")) ?? 0,
                openLoans: try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM loan WHERE state = 'open'")) ?? 0,
                overdueLoans: try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM (\(overdueSQL))"), arguments: arguments) ?? 0)
        }
    }

    /// A query for `columns` (of `loan l`, from the covering partial index `loan_open_by_due`: `l.id`,
    /// `l.centre_id`, `l.due_date`, `l.unit_id`, `l.family_id`) of every overdue loan: a list of
    /// (centre, that centre's today) joined to one range scan of the index per centre.
    static func overdueScan(_ db: Database, now: Date, columns: String) throws -> (String, StatementArguments) {
        let (today, arguments) = try todayByCentre(db, now: now)
        return ("""
            WITH \(today)
            SELECT \(columns) FROM today CROSS JOIN loan l
            WHERE l.state = 'open' AND l.centre_id = today.centre_id AND l.due_date < today.day
            """, arguments)
    }

    /// A common table expression `today(centre_id, day)`: today's date in each centre's zone, by `now`.
    static func todayByCentre(_ db: Database, now: Date) throws -> (String, StatementArguments) {
        let (sql, arguments, _) = try todayByCentreWithRange(db, now: now)
        return (sql, arguments)
    }

    /// ``todayByCentre(_:now:)`` and the earliest and latest of those days (nil without centres).
    static func todayByCentreWithRange(_ db: Database, now: Date) throws
        -> (String, StatementArguments, ClosedRange<LocalDate>?) {
        // Read through `Columns`, the values bound in one `StatementArguments`: with GRDB's `Row` (a dictionary
        // of lowercased names per row) and an argument list grown pair by pair, this took about a tenth of
        // rentald's CPU for a page of the overdue listing (`perf record` over empty pages).
        let centres = try db.all("SELECT id, time_zone FROM centre ORDER BY id") { row in
            (id: try row[0] as Int64, day: LocalDate(now, in: Lookup.zone(try row[1] as String)))
        }
        guard let earliest = centres.map(\.day).min(), let latest = centres.map(\.day).max() else {
            return ("today(centre_id, day) AS (SELECT NULL, NULL WHERE 0)", [], nil)
        }
        var values: [any DatabaseValueConvertible] = []
        values.reserveCapacity(centres.count * 2)
        for centre in centres {
            values.append(centre.id)
            values.append(centre.day.description)
        }
        let rows = String(repeating: "(?, ?), ", count: centres.count - 1) + "(?, ?)"
        return ("today(centre_id, day) AS (VALUES \(rows))", StatementArguments(values), earliest...latest)
    }
}
