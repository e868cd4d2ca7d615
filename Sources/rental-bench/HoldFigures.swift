import Foundation
import GRDBSQLite
import RentalKit

/// What holds cost a return: a return that finds a family waiting and holds the unit for it (in the same
/// transaction) against a plain return, alternated in one store; medians of the return calls alone. Once
/// with `synchronous=FULL` (rentald's default: an fsync per commit) and once with `NORMAL` (no fsync, so
/// that the extra work is not hidden behind it).
struct HoldFigures {
    let options: BenchOptions
    let record: (Row) -> Void

    func run() async throws {
        for synchronous in [RentalStore.Synchronous.full, .normal] {
            try await run(synchronous)
        }
    }

    private func run(_ synchronous: RentalStore.Synchronous) async throws {
        let directory = options.work + "/holds-\(synchronous.rawValue)"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try RentalStore.open(path: directory + "/rental.sqlite", options: .init(synchronous: synchronous))
        defer { try? store.close() }
        _ = try await store.addCentre(NewCentre(code: "bench", name: "Стенд", region: "Тест", timeZone: "UTC",
                                                openDays: Set(Weekday.allCases)), by: benchAdmin)
        _ = try await store.addItemType(ItemType(code: "bench-item", name: "Шкаф", category: .furniture,
                                                 sanitiseAfterReturn: false), by: benchAdmin)
        _ = try await store.setRule(LoanRule(scope: RuleScope(), period: .days(30), maxOpenLoans: 4), by: benchAdmin)
        let today = LocalDate(Date(), in: .gmt)
        for reference in ["BH-A", "BH-B"] {
            _ = try await store.registerFamily(Family(reference: reference, contactSurname: "Стенд", contactGivenNames: "",
                                                      phone: "+7 900 000-00-0\(reference == "BH-A" ? 1 : 2)", address: "", lowIncomeUntil: today.adding(days: 365),
                                                      consentOn: today, children: []), by: benchAdmin)
        }
        let unit = try await store.addUnit(NewUnit(inventoryNumber: "BH-1", itemType: "bench-item", centre: "bench"),
                                           by: benchAdmin).inventoryNumber
        let rounds = options.quick ? 300 : 2000
        var plain: [Double] = []
        var holding: [Double] = []
        for round in 0..<rounds {
            for withHold in round % 2 == 0 ? [false, true] : [true, false] {
                _ = try await store.checkout(family: "BH-A", unit: unit, at: "bench", by: benchAdmin)
                let waiting = withHold ? try await store.reserve(family: "BH-B", itemType: "bench-item", at: "bench", by: benchAdmin) : nil
                let (seconds, receipt) = try await Monotonic.time {
                    try await store.returnUnit(unit, at: "bench", condition: .good, by: benchAdmin)
                }
                if let waiting {
                    guard receipt.heldFor == waiting.id else { throw BenchError("the return did not hold the unit") }
                    _ = try await store.cancelHold(reservation: waiting.id, by: benchAdmin)
                    holding.append(seconds)
                } else {
                    plain.append(seconds)
                }
            }
        }
        let plainMedian = plain.sorted()[plain.count / 2], holdMedian = holding.sorted()[holding.count / 2]
        let ratio = holdMedian / plainMedian
        record(Row("a return that holds the unit for a waiting family (median of \(rounds), in-process, synchronous=\(synchronous.rawValue))",
                   measured: String(format: "%.0f µs", holdMedian * 1e6),
                   baseline: String(format: "plain return %.0f µs", plainMedian * 1e6),
                   ratio: Format.ratio(ratio), target: "≤ 1.1×", met: ratio <= 1.1))
        try store.close()
        let (rawPlain, rawHolding) = try RawHoldReturn.run(path: directory + "/rental.sqlite", synchronous: synchronous, rounds: rounds)
        let rawRatio = rawHolding / rawPlain
        record(Row("  the same writes through SQLite's C API, nothing else (the floor; median of \(rounds), synchronous=\(synchronous.rawValue))",
                   measured: String(format: "%.0f µs", rawHolding * 1e6),
                   baseline: String(format: "plain return's writes %.0f µs", rawPlain * 1e6),
                   ratio: Format.ratio(rawRatio), target: "—", met: nil))
    }
}

/// The floor under the held-return ratio: a return's rows and a held return's rows written through SQLite's
/// C API with prepared statements, one commit each, on the same store — no lookups, checks, calendar,
/// hashing or Swift values around them. The hold adds the reservation (held, its unit, pickup date: five
/// of the reservation's indexes change), the unit again, a queued notice and a second audit event, so
/// its commit writes more pages to the WAL; with `synchronous=FULL` the fsync carries them.
enum RawHoldReturn {
    /// Median seconds of a plain return's writes and of a held return's, alternated over `rounds`.
    static func run(path: String, synchronous: RentalStore.Synchronous, rounds: Int) throws -> (plain: Double, holding: Double) {
        let db = try SQLiteConnection(path: path)
        try db.useStorePragmas()
        try db.execute("PRAGMA synchronous = \(synchronous == .full ? "FULL" : "NORMAL")")
        func id(_ sql: String) throws -> Int64 {
            guard let text = try db.text(sql), let id = Int64(text) else { throw BenchError("raw hold: no row for \(sql)") }
            return id
        }
        let unit = try id("SELECT id FROM unit WHERE inventory_number = 'BH-1'")
        let centre = try id("SELECT id FROM centre WHERE code = 'bench'")
        let type = try id("SELECT id FROM item_type WHERE code = 'bench-item'")
        let borrower = try id("SELECT id FROM family WHERE reference = 'BH-A'")
        let waiter = try id("SELECT id FROM family WHERE reference = 'BH-B'")
        let begin = try db.prepare("BEGIN IMMEDIATE"), commit = try db.prepare("COMMIT")
        let checkout = try db.prepare("""
            INSERT INTO loan (unit_id, family_id, centre_id, issued_by, issued_at, issued_on, due_date) VALUES (?1, ?2, ?3, 'bench', ?4, ?5, ?5)
            """)
        let onLoan = try db.prepare("UPDATE unit SET status = 'on_loan' WHERE id = ?1")
        let reserve = try db.prepare("INSERT INTO reservation (family_id, item_type_id, centre_id, placed_at) VALUES (?1, ?2, ?3, ?4)")
        let cancel = try db.prepare("UPDATE reservation SET state = 'cancelled', held_unit_id = NULL, closed_at = ?2 WHERE id = ?1")
        let closeLoan = try db.prepare("""
            UPDATE loan SET state = 'returned', closed_at = ?2, closed_by = 'bench', returned_to_centre_id = ?3, return_condition = 'good'
            WHERE id = ?1
            """)
        let markUnit = try db.prepare("UPDATE unit SET status = ?2, condition = 'good', current_centre_id = ?3 WHERE id = ?1")
        let lastEvent = try db.prepare("SELECT seq FROM audit_event ORDER BY seq DESC LIMIT 1")
        let appendEvent = try db.prepare("""
            INSERT INTO audit_event (seq, at, actor, action, entity, entity_key, details, hash) VALUES (?1, ?2, 'bench', ?3, ?4, ?5, ?6, ?7)
            """)
        let hold = try db.prepare("""
            UPDATE reservation SET state = 'held', held_unit_id = ?2, held_at = ?3, pickup_by = ?4, skip_reason = NULL WHERE id = ?1
            """)
        let notice = try db.prepare("INSERT INTO circulation_notice (kind, reservation_id, at) VALUES ('hold-ready', ?1, ?2)")
        func append(_ action: String, _ entity: String, _ key: Int64, _ details: String, at millis: Int64) throws {
            let seq = (try lastEvent.step() ? lastEvent.int64(0) : 0) + 1
            lastEvent.reset()
            let hash = String(repeating: "0", count: 48) + String(format: "%016llx", seq)
            try appendEvent.run([seq, millis, action, entity, "\(key)", details, hash])
        }
        let today = LocalDate(Date(), in: .gmt).description
        var plain: [Double] = [], holding: [Double] = []
        for round in 0..<rounds {
            for withHold in round % 2 == 0 ? [false, true] : [true, false] {
                let millis = Int64(Date().timeIntervalSince1970 * 1000)
                try begin.run([])
                try checkout.run([unit, borrower, centre, millis, today])
                let loan = sqlite3_last_insert_rowid(db.handle)
                try onLoan.run([unit])
                var reservation: Int64 = 0
                if withHold {
                    try reserve.run([waiter, type, centre, millis])
                    reservation = sqlite3_last_insert_rowid(db.handle)
                }
                try commit.run([])
                let start = Monotonic.now()
                try begin.run([])
                try closeLoan.run([loan, millis, centre])
                try markUnit.run([unit, withHold ? "held" : "available", centre])
                try append("loan.return", "loan", loan,
                           #"{"centre":"bench","condition":"good","overdue":"no","unit":"BH-1","unitStatus":"available"}"#, at: millis)
                if withHold {
                    try hold.run([reservation, unit, millis, today])
                    try notice.run([reservation, millis])
                    try append("reservation.hold", "reservation", reservation,
                               #"{"centre":"bench","family":"BH-B","pickupBy":"\#(today)","unit":"BH-1"}"#, at: millis)
                }
                try commit.run([])
                let seconds = Monotonic.now() - start
                if withHold {
                    holding.append(seconds)
                    try begin.run([])
                    try cancel.run([reservation, millis])
                    try markUnit.run([unit, "available", centre])
                    try commit.run([])
                } else {
                    plain.append(seconds)
                }
            }
        }
        return (plain.sorted()[plain.count / 2], holding.sorted()[holding.count / 2])
    }
}
