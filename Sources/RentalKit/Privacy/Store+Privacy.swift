import Foundation
import GRDB

extension RentalStore {
    /// Anonymises every family that has no open loan, no waiting reservation and no hold, and no activity (a loan
    /// issued or closed, a reservation placed or closed, a change to the family) since `period` before
    /// today: names, phone, address and social-contract number removed, children kept as birth year and
    /// month, the reference replaced by an opaque one; loans stay for the figures. Admin only.
    ///
    /// Only the count is recorded (audit event `privacy.anonymise`); freed pages are overwritten
    /// (`secure_delete`), the write-ahead log emptied and the file rebuilt, so the data is gone from the
    /// files too.
    public func anonymiseInactiveFamilies(after period: RetentionPeriod, dryRun: Bool = false,
                                          by who: Principal) async throws(RentalError) -> AnonymisationResult {
        try who.requireAdmin("anonymising families")
        let start = period.start(before: LocalDate(clock.now(), in: ZoneRules.utc))
        let cut = Self.millis(start.startOfDay(in: ZoneRules.utc))
        if dryRun {
            let count = try await read { db in try Self.inactiveFamilies(db, before: cut).count }
            return AnonymisationResult(families: count, dryRun: true, inactiveBefore: start)
        }
        let today = LocalDate(clock.now(), in: ZoneRules.utc)
        let count = try await writeAlone { db in
            let families = try Self.inactiveFamilies(db, before: cut)
            guard !families.isEmpty else { return 0 }
            for id in families { try Self.anonymise(db, family: id, on: today) }
            try self.audit(db, who, "privacy.anonymise", "privacy", "retention",
                           ["families": "\(families.count)", "after": period.description])
            return families.count
        }
        if count > 0 { try await purgeFreedData(vacuum: true) }
        return AnonymisationResult(families: count, dryRun: false, inactiveBefore: start)
    }

    /// Erases a family's personal data on request (withdrawn consent): the same anonymisation at once.
    /// Refused while the family has an open loan or a unit held for it (the error names them); waiting
    /// reservations are cancelled. The audit trail records `family.erase` with the reference only. Admin only.
    public func eraseFamily(_ reference: String, by who: Principal) async throws(RentalError) -> ErasureResult {
        try who.requireAdmin("erasing a family")
        let today = LocalDate(clock.now(), in: ZoneRules.utc)
        let now = nowMillis
        let result = try await writeAlone { db in
            let (id, family) = try Lookup.family(db, reference)
            let open = try Int64.fetchAll(db, sql: "SELECT id FROM loan WHERE family_id = ? AND state = 'open' ORDER BY id",
                                          arguments: [id])
            guard open.isEmpty else {
                throw RentalError(.familyHasOpenLoans, "family \(family.reference) has open loans (\(open.map(String.init).joined(separator: ", "))): return them first")
            }
            // A unit held for the family goes back through the hold's own cancellation (the next family in the
            // queue may be waiting for it): refused here, like an open loan.
            let held = try Int64.fetchAll(db, sql: "SELECT id FROM reservation WHERE family_id = ? AND state = 'held' ORDER BY id",
                                          arguments: [id])
            guard held.isEmpty else {
                throw RentalError(.familyHasOpenLoans, "family \(family.reference) has units held for it (reservations \(held.map(String.init).joined(separator: ", "))): cancel the holds first")
            }
            try db.execute(sql: "UPDATE reservation SET state = 'cancelled', closed_at = ? WHERE family_id = ? AND state = 'waiting'",
                           arguments: [now, id])
            try Self.anonymise(db, family: id, on: today)
            try self.audit(db, who, "family.erase", "family", family.reference)
            let loans = try Int.fetchOne(db, sql: "SELECT count(*) FROM loan WHERE family_id = ?", arguments: [id]) ?? 0
            return ErasureResult(reference: family.reference, loansKept: loans)
        }
        try await purgeFreedData()
        return result
    }

    /// Everything stored about one family, for the family itself (subject access). Admin only.
    public func familyRecord(_ reference: String, by who: Principal) async throws(RentalError) -> FamilyRecord {
        try who.requireAdmin("exporting a family's data")
        let (family, loans, reservations) = try await read { db in
            let (id, family) = try Lookup.family(db, reference)
            let loans = try Lookup.loans(db, " WHERE l.family_id = ? ORDER BY l.id", binding: id)
            let reservations = try Row.fetchAll(db, sql: """
                SELECT r.id, t.code, c.code, r.placed_at, r.state FROM reservation r
                JOIN item_type t ON t.id = r.item_type_id JOIN centre c ON c.id = r.centre_id
                WHERE r.family_id = ? ORDER BY r.id
                """, arguments: [id]).map { row in
                FamilyReservation(id: row[0], itemType: row[1], centre: row[2], placedAt: Self.date(millis: row[3]), state: row[4])
            }
            return (family, loans, reservations)
        }
        var events: [AuditEvent] = []
        var since: Int64 = 0
        while true {
            let page = try await auditEvents(since: since, entity: "family", key: family.reference, limit: 1000)
            events += page
            guard page.count == 1000, let last = page.last else { break }
            since = last.sequence
        }
        return FamilyRecord(family: family, loans: loans, reservations: reservations, events: events)
    }

    /// Families with nothing open and no activity since `cut` (milliseconds), not yet anonymised.
    static func inactiveFamilies(_ db: Database, before cut: Int64) throws -> [Int64] {
        try Int64.fetchAll(db, sql: """
            SELECT f.id FROM family f
            WHERE f.anonymised_on IS NULL
              AND NOT EXISTS (SELECT 1 FROM loan l WHERE l.family_id = f.id
                              AND (l.state = 'open' OR l.issued_at >= ?1 OR l.closed_at >= ?1))
              AND NOT EXISTS (SELECT 1 FROM reservation r WHERE r.family_id = f.id
                              AND (r.state IN ('waiting', 'held') OR r.placed_at >= ?1 OR r.closed_at >= ?1))
              AND NOT EXISTS (SELECT 1 FROM audit_event a WHERE a.entity = 'family' AND a.entity_key = f.reference
                              AND a.at >= ?1)
            ORDER BY f.id
            """, arguments: [cut])
    }

    /// Removes a family's personal data in the caller's transaction (the writer runs with
    /// `secure_delete`, so the old values are overwritten in the pages too).
    static func anonymise(_ db: Database, family id: Int64, on today: LocalDate) throws {
        let opaque = "ANON-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16)
        try db.execute(sql: """
            UPDATE family SET reference = ?, contact_surname = '-', contact_given_names = '', surname_folded = '',
                phone = '', phone_digits = '', address = '', social_contract = NULL, consent_on = NULL,
                status = 'suspended', anonymised_on = ?
            WHERE id = ?
            """, arguments: [opaque, today.description, id])
        // The reports count children by age: keep the year and month only.
        try db.execute(sql: "UPDATE child SET birth_date = substr(birth_date, 1, 8) || '01' WHERE family_id = ?",
                       arguments: [id])
        // Staff's free-text notes on returns may name people.
        try db.execute(sql: "UPDATE loan SET return_note = NULL WHERE family_id = ? AND return_note IS NOT NULL",
                       arguments: [id])
    }

    /// Moves everything into the main file and empties the write-ahead log (whose older frames still hold
    /// the values as they were). The writer runs with `secure_delete`, so the pages themselves keep nothing;
    /// with `vacuum` the file is also rebuilt, which clears what a store written before `secure_delete` was
    /// on may still hold in free space (the retention run does it; an erasure, which must be quick on a
    /// large store, does not).
    func purgeFreedData(vacuum: Bool = false) async throws(RentalError) {
        do {
            try await writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                if vacuum {
                    try db.execute(sql: "VACUUM")
                    try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                }
            }
        } catch {
            throw RentalError(mapping: error)
        }
    }
}
