import GRDB

extension RentalStore {
    /// Puts a family on the waiting list for an item type at a centre (where it will collect the unit).
    /// Admin or staff of the centre. When a unit of the type is free there, it is held for the family at
    /// once (if the family passes the checkout's family checks).
    ///
    /// Refused, each with its own code: ``RentalError/Code/familyNotActive`` (suspended),
    /// ``RentalError/Code/noEligibleChild`` (an infant item and no child under the limit),
    /// ``RentalError/Code/itemTypeRecalled``, ``RentalError/Code/alreadyReserved`` (the family already
    /// waits for, or holds, that type anywhere), ``RentalError/Code/reservationLimitReached``
    /// (``RentalPolicy/maxReservationsPerFamily`` open reservations).
    public func reserve(family reference: String, itemType: String, at centre: String,
                        by who: Principal) async throws(RentalError) -> Reservation {
        try who.requireCirculation(at: centre, "reservation")
        let now = clock.now()
        return try await write { db in
            let (familyID, family) = try Lookup.family(db, reference)
            let (typeID, type) = try Lookup.itemType(db, itemType)
            let (centreID, pickup) = try Lookup.centre(db, centre)
            guard family.status == .active else {
                throw RentalError(.familyNotActive, "family \(family.reference) is suspended")
            }
            guard !type.recalled else {
                throw RentalError(.itemTypeRecalled, "item type \(type.code) is recalled")
            }
            let today = LocalDate(now, in: Lookup.zone(pickup))
            let rule = try Self.effectiveRule(db, centre: pickup.code, itemType: type)
            if let limit = rule.infantAgeLimitMonths ?? type.infantAgeLimitMonths {
                guard family.children.contains(where: { $0.isUnder(months: limit, on: today) }) else {
                    throw RentalError(.noEligibleChild,
                                      "family \(family.reference) has no child under \(limit) months for item type \(type.code)")
                }
            }
            let open = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT r.item_type_id, c.code FROM reservation r JOIN centre c ON c.id = r.centre_id
                WHERE r.family_id = ? AND r.state IN ('waiting', 'held')
                """), arguments: [familyID])
            if let same = open.first(where: { $0[0] as Int64 == typeID }) {
                throw RentalError(.alreadyReserved, "family \(family.reference) already waits for \(type.code) at centre \(same[1] as String)")
            }
            guard open.count < self.policy.maxReservationsPerFamily else {
                throw RentalError(.reservationLimitReached,
                                  "family \(family.reference) has \(open.count) open reservations; the limit is \(self.policy.maxReservationsPerFamily)")
            }
            try db.cachedStatement(sql: "INSERT INTO reservation (family_id, item_type_id, centre_id, placed_at) VALUES (?, ?, ?, ?)").execute(
                           arguments: [familyID, typeID, centreID, Self.millis(now)])
            let id = db.lastInsertedRowID
            try self.audit(db, who, "reservation.place", "reservation", "\(id)",
                           ["family": family.reference, "itemType": type.code, "centre": pickup.code])
            // A unit free here now: held for the queue at once (this family if nobody eligible is ahead).
            if let free = try Int64.fetchOne(db.cachedStatement(sql: """
                SELECT id FROM unit WHERE item_type_id = ? AND status = 'available' AND current_centre_id = ?
                ORDER BY inventory_number LIMIT 1
                """), arguments: [typeID, centreID]) {
                _ = try self.assignHold(db, unitID: free, who: who, now: now)
            }
            return try Self.reservation(db, id: id)
        }
    }

    /// Takes a family off the waiting list (`fulfilled` when it got the item, else cancelled). A held
    /// unit goes on to the next family. Admin or staff of the centre.
    public func closeReservation(_ id: Int64, fulfilled: Bool = false, by who: Principal) async throws(RentalError) {
        try await write { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT c.code, r.state, r.held_unit_id FROM reservation r JOIN centre c ON c.id = r.centre_id
                WHERE r.id = ? AND r.state IN ('waiting', 'held')
                """), arguments: [id]) else {
                throw RentalError(.reservationNotFound, "no open reservation with id \(id)")
            }
            try who.requireCirculation(at: row[0], "closing a reservation")
            if row[1] as String == "held", !fulfilled {
                try self.releaseHold(db, reservation: id, unitID: row[2], closing: .cancelled, reason: "cancelled", who: who,
                                     now: self.clock.now())
                return
            }
            if row[1] as String == "held" {
                try db.cachedStatement(sql: "UPDATE unit SET status = 'available' WHERE id = ? AND status = 'held'")
                    .execute(arguments: [row[2] as Int64])
            }
            try db.cachedStatement(sql: "UPDATE reservation SET state = ?, closed_at = ?, close_reason = ? WHERE id = ?").execute(
                           arguments: [fulfilled ? "fulfilled" : "cancelled", self.nowMillis, fulfilled ? nil : "cancelled", id])
            try self.audit(db, who, fulfilled ? "reservation.fulfil" : "reservation.cancel", "reservation", "\(id)")
            if row[1] as String == "held" { _ = try self.assignHold(db, unitID: row[2], who: who) }
        }
    }

    /// The open reservations for an item type at a centre, in queue order: held ones and waiting ones.
    public func reservations(itemType: String, at centre: String) async throws(RentalError) -> [Reservation] {
        try await read { db in
            try Self.reservations(db, where: "r.centre_id = ? AND r.item_type_id = ? AND r.state IN ('waiting', 'held')",
                                  [try Lookup.centreID(db, centre), try Lookup.itemType(db, itemType).id])
        }
    }

    /// A family's reservations, open ones first, newest first within each.
    public func reservations(family reference: String) async throws(RentalError) -> [Reservation] {
        try await read { db in
            try Self.reservations(db, where: "r.family_id = ?", [try Lookup.family(db, reference).id],
                                  order: "r.state IN ('waiting', 'held') DESC, r.id DESC")
        }
    }

    /// One reservation, with its position, expected date and transfer proposal while waiting.
    public func reservation(_ id: Int64) async throws(RentalError) -> Reservation {
        try await read { db in try Self.reservation(db, id: id) }
    }

    static func reservation(_ db: Database, id: Int64) throws -> Reservation {
        guard let reservation = try reservations(db, where: "r.id = ?", [id]).first else {
            throw RentalError(.reservationNotFound, "no reservation with id \(id)")
        }
        return reservation
    }

    /// Reservations matching an SQL condition on `reservation r`, each waiting one with its position, the
    /// date a unit may come back and a transfer proposal.
    static func reservations(_ db: Database, where condition: String, _ arguments: StatementArguments,
                             order: String = "r.id") throws -> [Reservation] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT r.id, f.reference, t.code, c.code, r.placed_at, r.state, u.inventory_number, r.pickup_by, r.skip_reason,
                   r.close_reason, r.centre_id, r.item_type_id,
                   CASE WHEN r.state = 'waiting' THEN (SELECT count(*) FROM reservation q WHERE q.centre_id = r.centre_id
                       AND q.item_type_id = r.item_type_id AND q.state = 'waiting' AND q.id <= r.id) ELSE 0 END
            FROM reservation r JOIN family f ON f.id = r.family_id JOIN item_type t ON t.id = r.item_type_id
            JOIN centre c ON c.id = r.centre_id LEFT JOIN unit u ON u.id = r.held_unit_id
            WHERE \(condition) ORDER BY \(order)
            """, arguments: arguments)
        var proposals: [Int64: TransferProposal]?
        return try rows.map { row in
            var reservation = Reservation(
                id: row[0], family: row[1], itemType: row[2], centre: row[3], placedAt: RentalStore.date(millis: row[4]),
                position: row[12], state: ReservationState(rawValue: row[5]) ?? .cancelled, heldUnit: row[6],
                pickupBy: (row[7] as String?).flatMap(LocalDate.init), skipReason: row[8], closeReason: row[9])
            if reservation.state == .waiting {
                reservation.expectedBy = try String.fetchOne(db.cachedStatement(sql: """
                    SELECT l.due_date FROM loan l JOIN unit u ON u.id = l.unit_id
                    WHERE l.state = 'open' AND l.centre_id = ? AND u.item_type_id = ? ORDER BY l.due_date LIMIT 1 OFFSET ?
                    """), arguments: [row[10] as Int64, row[11] as Int64, max(0, reservation.position - 1)]).flatMap(LocalDate.init)
                if proposals == nil {
                    proposals = Dictionary(uniqueKeysWithValues: try transferProposals(db).map { ($0.reservation, $0) })
                }
                reservation.proposal = proposals?[reservation.id]
            }
            return reservation
        }
    }
}
