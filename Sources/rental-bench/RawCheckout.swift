import Foundation
import GRDBSQLite
import RentalKit

/// The durable-store limit: the checkout's writes through SQLite's C API on one connection, with the
/// store's pragmas (WAL, `synchronous=FULL`, foreign keys on) and one commit per operation. Each
/// operation inserts the loan, marks the unit on loan, reads the last audit event (the chain's previous
/// link) and appends the audit event. It skips what the library adds around those writes: the lookups
/// and rule checks, the due-date calendar, SHA-256 of the audit chain (a fixed-width placeholder is
/// stored), and reading the loan back. SQLite allows one writer at a time and each commit waits for its
/// fsync, so one connection running back to back is the most one-commit-per-operation can do.
enum RawCheckout {
    /// Runs checkouts on `store` for `seconds` (or until its units run out): successful operations and
    /// the seconds they took.
    static func run(_ store: CirculationStore, seconds: Double) throws -> LoadResult {
        let db = try SQLiteConnection(path: store.path)
        try db.useStorePragmas()
        guard let centreID = Int64(try db.text("SELECT id FROM centre WHERE code = '\(CirculationStore.centre)'") ?? "") else {
            throw BenchError("the circulation store has no centre")
        }
        // Units and families were inserted in order: unit k has the k-th id, its family the (k/2)-th.
        let unitIDs = try db.texts("SELECT id FROM unit ORDER BY id").compactMap { Int64($0) }
        let familyIDs = try db.texts("SELECT id FROM family ORDER BY id").compactMap { Int64($0) }
        let begin = try db.prepare("BEGIN IMMEDIATE")
        let commit = try db.prepare("COMMIT")
        let insertLoan = try db.prepare("""
            INSERT INTO loan (unit_id, family_id, centre_id, issued_by, issued_at, issued_on, backdated, due_date, request_key)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, NULL)
            """)
        let markUnit = try db.prepare("UPDATE unit SET status = 'on_loan' WHERE id = ?1 AND status = 'available'")
        let lastEvent = try db.prepare("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
        let appendEvent = try db.prepare("""
            INSERT INTO audit_event (seq, at, actor, action, entity, entity_key, details, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        let today = LocalDate(Date(), in: .gmt)
        let issuedOn = today.description
        let due = today.adding(days: 30).description

        var result = LoadResult()
        let cpuStart = ChildProcess.ownCPUSeconds()
        let start = Monotonic.now()
        var now = start
        var index = 0
        while now - start < seconds {
            guard index < unitIDs.count else {
                result.exhausted = true
                break
            }
            let millis = Int64(Date().timeIntervalSince1970 * 1000)
            try begin.run([])
            try insertLoan.run([unitIDs[index], familyIDs[index / 2], centreID, "root", millis, issuedOn, due])
            let loanID = sqlite3_last_insert_rowid(db.handle)
            try markUnit.run([unitIDs[index]])
            guard sqlite3_changes(db.handle) == 1 else { throw BenchError("raw checkout: unit \(index) was not available") }
            let seq = (try lastEvent.step() ? lastEvent.int64(0) : 0) + 1
            lastEvent.reset()
            let details = #"{"centre":"\#(CirculationStore.centre)","due":"\#(due)","family":"\#(CirculationStore.family(forUnit: index))","rule":"1","unit":"\#(CirculationStore.unit(index))"}"#
            let hash = String(repeating: "0", count: 48) + String(format: "%016llx", seq)
            try appendEvent.run([seq, millis, "root", "loan.checkout", "loan", "\(loanID)", details, hash])
            try commit.run([])
            result.ok += 1
            index += 1
            now = Monotonic.now()
        }
        result.seconds = now - start
        result.cpuSeconds = ChildProcess.ownCPUSeconds() - cpuStart
        return result
    }
}
