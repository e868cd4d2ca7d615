import Foundation
import GRDB

extension RentalStore {
    /// Recalls an item type (a manufacturer's safety recall): no checkout, hold or reservation of it while
    /// recalled; units held for families are released (their reservations closed with reason `recalled`),
    /// waiting lists for it are closed the same way, and one journal notice is queued per open loan so that
    /// staff can call the families back. Admin only.
    public func recall(itemType code: String, note: String? = nil, by who: Principal) async throws(RentalError) -> RecallReport {
        try who.requireAdmin("recalling an item type")
        let note = try Validate.optionalText(note, field: "note", max: 500)
        return try await write { db in
            let (typeID, type) = try Lookup.itemType(db, code)
            guard !type.recalled else { throw RentalError(.invalidTransition, "item type \(type.code) is recalled already") }
            let now = self.nowMillis
            try db.cachedStatement(sql: "UPDATE item_type SET recalled = 1, recall_note = ?, recalled_at = ? WHERE id = ?")
                .execute(arguments: [note, now, typeID])
            let held = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, held_unit_id FROM reservation WHERE item_type_id = ? AND state = 'held' ORDER BY id
                """), arguments: [typeID])
            for row in held {
                try db.cachedStatement(sql: "UPDATE reservation SET state = 'cancelled', closed_at = ?, close_reason = 'recalled' WHERE id = ?")
                    .execute(arguments: [now, row[0] as Int64])
                try db.cachedStatement(sql: "UPDATE unit SET status = 'available' WHERE id = ? AND status = 'held'")
                    .execute(arguments: [row[1] as Int64])
            }
            let waiting = try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT id FROM reservation WHERE item_type_id = ? AND state = 'waiting' ORDER BY id
                """), arguments: [typeID])
            try db.cachedStatement(sql: """
                UPDATE reservation SET state = 'cancelled', closed_at = ?, close_reason = 'recalled'
                WHERE item_type_id = ? AND state = 'waiting'
                """).execute(arguments: [now, typeID])
            let withdrawn = try String.fetchAll(db.cachedStatement(sql: """
                SELECT inventory_number FROM unit WHERE item_type_id = ?
                  AND status IN ('available', 'sanitising', 'in_repair', 'in_transit') ORDER BY inventory_number
                """), arguments: [typeID])
            let loans = try Lookup.loans(db, " WHERE u.item_type_id = ? AND l.state = 'open' ORDER BY l.id", binding: typeID)
            for loan in loans {
                try db.cachedStatement(sql: "INSERT INTO circulation_notice (kind, loan_id, at) VALUES ('recall', ?, ?)")
                    .execute(arguments: [loan.id, now])
            }
            try self.audit(db, who, "item_type.recall", "item_type", type.code, [
                "units": "\(withdrawn.count)", "holds": "\(held.count)", "reservations": "\(waiting.count)",
                "openLoans": "\(loans.count)",
            ])
            return RecallReport(itemType: try Lookup.itemType(db, code).itemType, withdrawnUnits: withdrawn,
                                releasedHolds: held.map { $0[0] }, closedReservations: waiting, openLoans: loans)
        }
    }

    /// Lifts a recall once every unit of the type that is in service (not on loan, lost or retired) has
    /// passed a safety check recorded on or after the day of the recall (``recordSafetyCheck(unit:on:passed:by:)``);
    /// refused with ``RentalError/Code/recallSafetyCheckMissing`` naming the units still to check. Units on
    /// loan are checked when they come back. Admin only.
    public func liftRecall(itemType code: String, by who: Principal) async throws(RentalError) -> ItemType {
        try who.requireAdmin("lifting a recall")
        return try await write { db in
            let (typeID, type) = try Lookup.itemType(db, code)
            guard type.recalled else { throw RentalError(.invalidTransition, "item type \(type.code) is not recalled") }
            let recalledAt = try Int64.fetchOne(db.cachedStatement(sql: "SELECT recalled_at FROM item_type WHERE id = ?"),
                                                arguments: [typeID]) ?? 0
            let recallDay = LocalDate(RentalStore.date(millis: recalledAt), in: ZoneRules.utc).adding(days: -1)
            let unchecked = try String.fetchAll(db.cachedStatement(sql: """
                SELECT inventory_number FROM unit WHERE item_type_id = ?
                  AND status IN ('available', 'held', 'sanitising', 'in_repair', 'in_transit')
                  AND (last_safety_check IS NULL OR last_safety_check < ?)
                ORDER BY inventory_number
                """), arguments: [typeID, recallDay.description])
            guard unchecked.isEmpty else {
                let shown = unchecked.prefix(5).joined(separator: ", ") + (unchecked.count > 5 ? ", …" : "")
                throw RentalError(.recallSafetyCheckMissing,
                                  "\(unchecked.count) unit(s) of \(type.code) have no safety check since the recall: \(shown)")
            }
            try db.cachedStatement(sql: "UPDATE item_type SET recalled = 0, recall_note = NULL, recalled_at = NULL WHERE id = ?")
                .execute(arguments: [typeID])
            try self.audit(db, who, "item_type.recall_lifted", "item_type", type.code)
            return try Lookup.itemType(db, code).itemType
        }
    }
}
