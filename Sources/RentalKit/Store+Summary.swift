import Foundation
import GRDB

extension RentalStore {
    /// Counts of centres, units, families, open and overdue loans.
    public func summary() async throws(RentalError) -> StoreSummary {
        let now = clock.now()
        return try await read { db in
            let (overdueSQL, arguments) = try Self.overdueScan(db, now: now, columns: "id")
            return StoreSummary(
                centres: try Int.fetchOne(db, sql: "SELECT count(*) FROM centre") ?? 0,
                units: try Int.fetchOne(db, sql: "SELECT count(*) FROM unit WHERE status <> 'retired'") ?? 0,
                families: try Int.fetchOne(db, sql: "SELECT count(*) FROM family") ?? 0,
                openLoans: try Int.fetchOne(db, sql: "SELECT count(*) FROM loan WHERE state = 'open'") ?? 0,
                overdueLoans: try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(overdueSQL))", arguments: arguments) ?? 0)
        }
    }

    /// A query for `columns` (of `loan_open_by_due`: id, centre_id, due_date, unit_id, family_id) of
    /// every overdue loan: one range scan of the covering partial index per centre, each with the
    /// centre's own today.
    static func overdueScan(_ db: Database, now: Date, columns: String) throws -> (String, StatementArguments) {
        let centres = try Row.fetchAll(db, sql: "SELECT id, time_zone FROM centre ORDER BY id")
        guard !centres.isEmpty else { return ("SELECT \(columns) FROM loan WHERE 0", []) }
        var arguments: StatementArguments = []
        for row in centres {
            let zone = TimeZone(identifier: row["time_zone"]) ?? .gmt
            arguments += [row["id"] as Int64, LocalDate(now, in: zone).description]
        }
        let one = "SELECT \(columns) FROM loan WHERE state = 'open' AND centre_id = ? AND due_date < ?"
        return (Array(repeating: one, count: centres.count).joined(separator: " UNION ALL "), arguments)
    }
}
