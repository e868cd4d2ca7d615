import Foundation
import GRDB

extension RentalStore {
    /// Hands each queued notice about holds and recalls (hold ready, hold expired, recalled item on loan)
    /// to `deliver`, oldest first, and marks it sent in the same transaction when `deliver` returns true;
    /// the others are offered again next time. Returns how many were delivered.
    public func deliverCirculationNotices(batchSize: Int = 200,
                                          deliver: @escaping @Sendable (CirculationNotice) -> Bool) async throws(RentalError) -> Int {
        let pending = try await read { db in
            try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM circulation_notice WHERE sent_at IS NULL LIMIT 1")) ?? false
        }
        guard pending else { return 0 }
        var total = 0
        while true {
            let (delivered, pending) = try await writeAlone { db in
                let notices = try Self.circulationNotices(db, where: "n.sent_at IS NULL", [], limit: batchSize)
                var delivered = 0
                for notice in notices where deliver(notice) {
                    try db.cachedStatement(sql: "UPDATE circulation_notice SET sent_at = ? WHERE id = ?")
                        .execute(arguments: [self.nowMillis, notice.id])
                    delivered += 1
                }
                return (delivered, notices.count)
            }
            total += delivered
            if pending < batchSize || delivered < pending { return total }
        }
    }

    /// Notices about holds and recalls sent, oldest first, after id `since`.
    public func circulationNotices(since: Int64 = 0, limit: Int = 100) async throws(RentalError) -> [CirculationNotice] {
        let limit = try Validate.range(limit, 1...1000, field: "limit")
        return try await read { db in
            try Self.circulationNotices(db, where: "n.sent_at IS NOT NULL AND n.id > ?", [since], limit: limit)
        }
    }

    static func circulationNotices(_ db: Database, where condition: String, _ arguments: StatementArguments,
                                   limit: Int) throws -> [CirculationNotice] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT n.id, n.kind, n.reservation_id, n.loan_id,
                   IFNULL(rc.code, lc.code), IFNULL(ru.inventory_number, lu.inventory_number),
                   IFNULL(rt.code, lt.code), IFNULL(rf.reference, lf.reference), r.pickup_by
            FROM circulation_notice n
            LEFT JOIN reservation r ON r.id = n.reservation_id
            LEFT JOIN centre rc ON rc.id = r.centre_id LEFT JOIN unit ru ON ru.id = r.held_unit_id
            LEFT JOIN item_type rt ON rt.id = r.item_type_id LEFT JOIN family rf ON rf.id = r.family_id
            LEFT JOIN loan l ON l.id = n.loan_id
            LEFT JOIN centre lc ON lc.id = l.centre_id LEFT JOIN unit lu ON lu.id = l.unit_id
            LEFT JOIN item_type lt ON lt.id = lu.item_type_id LEFT JOIN family lf ON lf.id = l.family_id
            WHERE \(condition) ORDER BY n.id LIMIT ?
            """), arguments: arguments + [limit]).map { row in
            CirculationNotice(id: row[0], kind: CirculationNoticeKind(rawValue: row[1]) ?? .holdReady, reservation: row[2],
                              loan: row[3], centre: row[4] ?? "", unit: row[5] ?? "", itemType: row[6] ?? "", family: row[7] ?? "",
                              pickupBy: (row[8] as String?).flatMap(LocalDate.init))
        }
    }
}
