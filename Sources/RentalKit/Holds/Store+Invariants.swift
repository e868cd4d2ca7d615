import Foundation
import GRDB

extension RentalStore {
    /// Checks the store's circulation invariants and describes each broken one (empty when all hold):
    /// a unit is on loan exactly when it has one open loan; a held unit has exactly one held reservation
    /// pointing at it, at its centre and of its type, and a held reservation points at a held unit; no
    /// available unit of a type in circulation stands at a centre where an eligible family waits for it
    /// (a family passed over is offered free units by the change that makes it eligible again).
    /// Descriptions carry inventory numbers and reservation ids only.
    public func invariantViolations() async throws(RentalError) -> [String] {
        let now = clock.now()
        return try await readWholeStore { db in
            var problems: [String] = []
            for row in try Row.fetchAll(db, sql: """
                SELECT u.inventory_number, u.status, (SELECT count(*) FROM loan l WHERE l.unit_id = u.id AND l.state = 'open')
                FROM unit u WHERE (u.status = 'on_loan') <> ((SELECT count(*) FROM loan l WHERE l.unit_id = u.id AND l.state = 'open') = 1)
                """) {
                problems.append("unit \(row[0] as String) is \(row[1] as String) with \(row[2] as Int) open loan(s)")
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT u.inventory_number, (SELECT count(*) FROM reservation r WHERE r.held_unit_id = u.id AND r.state = 'held') AS n
                FROM unit u WHERE u.status = 'held' AND n <> 1
                """) {
                problems.append("held unit \(row[0] as String) has \(row[1] as Int) held reservation(s)")
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT r.id, u.inventory_number, u.status FROM reservation r JOIN unit u ON u.id = r.held_unit_id
                WHERE r.state = 'held' AND (u.status <> 'held' OR u.current_centre_id <> r.centre_id OR u.item_type_id <> r.item_type_id)
                """) {
                problems.append("reservation \(row[0] as Int64) holds unit \(row[1] as String), which is \(row[2] as String) or elsewhere")
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT r.id FROM reservation r WHERE r.state = 'held' AND r.held_unit_id IS NULL
                """) {
                problems.append("reservation \(row[0] as Int64) is held without a unit")
            }
            // A free unit where an eligible family waits: the hold should have been made with the change.
            let free = try Row.fetchAll(db, sql: """
                SELECT DISTINCT u.inventory_number, t.code, c.code, u.item_type_id, u.current_centre_id
                FROM unit u JOIN item_type t ON t.id = u.item_type_id JOIN centre c ON c.id = u.current_centre_id
                WHERE u.status = 'available' AND t.recalled = 0 AND EXISTS (SELECT 1 FROM reservation r
                    WHERE r.state = 'waiting' AND r.centre_id = u.current_centre_id
                      AND r.item_type_id = u.item_type_id)
                """)
            for row in free {
                let centre = try Lookup.centre(db, row[2]).centre
                let type = try Lookup.itemType(db, row[1]).itemType
                let today = LocalDate(now, in: Lookup.zone(centre))
                for reference in try String.fetchAll(db, sql: """
                    SELECT f.reference FROM reservation r JOIN family f ON f.id = r.family_id
                    WHERE r.state = 'waiting' AND r.centre_id = ? AND r.item_type_id = ? ORDER BY r.id
                    """, arguments: [row[4] as Int64, row[3] as Int64]) {
                    let (familyID, family) = try Lookup.family(db, reference)
                    guard (try? Self.checkEligible(db, familyID: familyID, family: family, centre: centre, type: type,
                                                   on: today, now: now, policy: self.policy)) != nil else { continue }
                    problems.append("unit \(row[0] as String) is available at \(centre.code) while family \(reference) waits for it")
                    break
                }
            }
            return problems
        }
    }
}
