import Foundation
import GRDB

/// A hold as checkout and the hold logic see it.
struct HeldFor: Sendable {
    let id: Int64
    let family: String
    let pickupBy: LocalDate
}

/// What a caller that has just made a unit available already read about it: ``RentalStore/assignHold(_:unitID:who:now:preferring:freed:)``
/// then reads none of it again (a return's hold costs four statements less).
struct FreedUnit {
    let number: String
    let typeID: Int64
    let type: ItemType
    let centreID: Int64
    let centre: Centre
}

extension RentalStore {
    // MARK: Public operations

    /// Units held for families, soonest pickup deadline first; `centre` narrows to one pickup centre.
    public func holds(centre: String? = nil) async throws(RentalError) -> [Reservation] {
        try await read { db in
            var condition = "r.state = 'held'"
            var arguments: StatementArguments = []
            if let centre {
                condition += " AND r.centre_id = ?"
                arguments += [try Lookup.centreID(db, centre)]
            }
            return try Self.reservations(db, where: condition, arguments, order: "r.pickup_by, r.id")
        }
    }

    /// Cancels a hold: the reservation is closed as cancelled and its unit goes on to the next eligible
    /// family waiting at that centre, or back to available. Admin or staff of the pickup centre.
    public func cancelHold(reservation id: Int64, by who: Principal) async throws(RentalError) -> Reservation {
        try await write { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT c.code, r.held_unit_id FROM reservation r JOIN centre c ON c.id = r.centre_id
                WHERE r.id = ? AND r.state = 'held'
                """), arguments: [id]) else {
                throw RentalError(.reservationNotFound, "no held reservation with id \(id)")
            }
            try who.requireCirculation(at: row[0], "cancelling a hold")
            try self.releaseHold(db, reservation: id, unitID: row[1], closing: .cancelled, reason: "cancelled", who: who,
                                 now: self.clock.now())
            return try Self.reservation(db, id: id)
        }
    }

    /// Closes every hold whose pickup deadline has passed in its pickup centre's calendar (the day after
    /// the deadline has begun in the centre's zone) as expired, exactly once, and passes each unit on to
    /// the next eligible family waiting there, or back to available; then offers units already free to
    /// the families waiting for them (a family passed over yesterday may be eligible today). Run by the
    /// daemon at start-up and in its scheduled scans; safe to run again at any time (a closed hold is
    /// never closed twice).
    ///
    /// - Parameter now: The instant to judge by (default: the store's clock).
    /// - Returns: The reservations that expired.
    public func expireHolds(now: Date? = nil, by who: Principal = .admin("rentald")) async throws(RentalError) -> [Reservation] {
        let now = now ?? clock.now()
        return try await write { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT r.id, r.held_unit_id, r.pickup_by, c.time_zone FROM reservation r JOIN centre c ON c.id = r.centre_id
                WHERE r.state = 'held' ORDER BY r.pickup_by, r.id
                """))
            var expired: [Int64] = []
            var todayInZone: [String: LocalDate] = [:]
            for row in rows {
                let zone: String = row[3]
                let today = todayInZone[zone] ?? LocalDate(now, in: Lookup.zone(zone))
                todayInZone[zone] = today
                guard Lookup.date(row[2]) < today else { continue }
                let id: Int64 = row[0]
                try self.releaseHold(db, reservation: id, unitID: row[1], closing: .expired, reason: "expired", who: who, now: now)
                expired.append(id)
            }
            // A family passed over earlier may be eligible today (and one that was may not be).
            _ = try self.offerFreeUnits(db, to: .everyone, who: who, now: now)
            return try expired.map { id in try Self.reservation(db, id: id) }
        }
    }

    // MARK: Inside a transaction

    /// Whose queues ``offerFreeUnits(_:to:who:now:)`` looks at.
    enum WaitingFamilies {
        /// Every family waiting anywhere (the scheduled scan).
        case everyone
        /// One family, after a change that may make it eligible (details, status).
        case family(Int64)
        /// The family of a loan just closed (a return frees a place under its limits, or ends an overdue).
        case familyOfLoan(Int64)
    }

    /// Offers units that are free (available, at a centre where families wait for their type) to those
    /// queues, in queue order: a family passed over when the unit came free — its status lapsed, an overdue
    /// loan, its limit reached — gets it as soon as it is eligible, instead of when the next unit comes back.
    /// Each centre and type is tried until a unit finds no eligible family.
    ///
    /// - Returns: The holds made.
    func offerFreeUnits(_ db: Database, to waiting: WaitingFamilies, who: Principal, now: Date) throws -> [HeldFor] {
        var condition = "r.state = 'waiting'"
        var arguments: StatementArguments = []
        switch waiting {
        case .everyone: break
        case .family(let id):
            condition += " AND r.family_id = ?"
            arguments = [id]
        case .familyOfLoan(let id):
            condition += " AND r.family_id = (SELECT family_id FROM loan WHERE id = ?)"
            arguments = [id]
        }
        let free = try db.all("""
            SELECT DISTINCT u.id, u.current_centre_id, u.item_type_id FROM reservation r
            JOIN unit u ON u.current_centre_id = r.centre_id AND u.item_type_id = r.item_type_id AND u.status = 'available'
            WHERE \(condition) ORDER BY u.current_centre_id, u.item_type_id, u.inventory_number
            """, arguments: arguments) { row in (unit: try row[0] as Int64, queue: [try row[1] as Int64, try row[2]]) }
        var held: [HeldFor] = []
        var noneEligible: Set<[Int64]> = []
        for (unit, queue) in free {
            guard !noneEligible.contains(queue) else { continue }
            if let hold = try assignHold(db, unitID: unit, who: who, now: now) {
                held.append(hold)
            } else {
                noneEligible.insert(queue)
            }
        }
        return held
    }

    /// After a centre's calendar changes (a closure added, other open days): each hold there lasts until
    /// the `holdPickupOpenDays`-th open day after the day it was made, by the new calendar, when that is
    /// later than its deadline. A deadline is never brought forward: the family was told a date.
    func extendPickupDeadlines(_ db: Database, centreID: Int64, centre: Centre, who: Principal) throws {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT id, held_at, pickup_by FROM reservation WHERE centre_id = ? AND state = 'held'
            """), arguments: [centreID])
        let zone = Lookup.zone(centre)
        let days = max(0, policy.holdPickupOpenDays)
        for row in rows {
            let heldAt: Int64 = row[1]
            let heldOn = LocalDate(Date(timeIntervalSince1970: Double(heldAt) / 1000), in: zone)
            let old = Lookup.date(row[2])
            guard let new = try? centre.calendar.openDay(days, after: heldOn), new > old else { continue }
            let id: Int64 = row[0]
            try db.cachedStatement(sql: "UPDATE reservation SET pickup_by = ? WHERE id = ?").execute(arguments: [new.description, id])
            try audit(db, who, "reservation.pickup_extend", "reservation", "\(id)", ["from": old.description, "to": new.description])
        }
    }

    /// The open hold on a unit, if any.
    static func holdOf(_ db: Database, unitID: Int64) throws -> HeldFor? {
        try db.first("""
            SELECT r.id, f.reference, r.pickup_by FROM reservation r JOIN family f ON f.id = r.family_id
            WHERE r.held_unit_id = ? AND r.state = 'held'
            """, binding: unitID) { row in try HeldFor(id: row[0], family: row[1], pickupBy: Lookup.date(row[2])) }
    }

    /// After a checkout: closes the family's open reservation for the type at the centre as fulfilled
    /// (the hold on the unit lent, or a waiting one). When the family took another unit than the one held
    /// for it, that one goes on to the next family.
    func fulfilReservation(_ db: Database, hold: Int64?, familyID: Int64, typeID: Int64, centreID: Int64, loanID: Int64,
                           who: Principal) throws {
        var heldElsewhere: Int64?
        var id = hold
        if id == nil {
            guard let open = try db.first("""
                SELECT id, held_unit_id FROM reservation
                WHERE family_id = ? AND item_type_id = ? AND centre_id = ? AND state IN ('waiting', 'held')
                """, binding: familyID, typeID, centreID, read: { row in (id: try row[0] as Int64, held: try row[1] as Int64?) })
            else { return }
            (id, heldElsewhere) = (open.id, open.held)
        }
        guard let id else { return }
        try db.run("UPDATE reservation SET state = 'fulfilled', closed_at = ?, loan_id = ?, skip_reason = NULL WHERE id = ?",
                   nowMillis, loanID, id)
        try audit(db, who, "reservation.fulfil", "reservation", "\(id)", ["loan": "\(loanID)"])
        if let heldElsewhere {
            try db.cachedStatement(sql: "UPDATE unit SET status = 'available' WHERE id = ? AND status = 'held'")
                .execute(arguments: [heldElsewhere])
            _ = try assignHold(db, unitID: heldElsewhere, who: who)
        }
    }

    /// Closes a hold (expired or cancelled), frees its unit and offers the unit to the next family.
    func releaseHold(_ db: Database, reservation id: Int64, unitID: Int64, closing state: ReservationState, reason: String,
                     who: Principal, now: Date) throws {
        try db.cachedStatement(sql: """
            UPDATE reservation SET state = ?, closed_at = ?, close_reason = ? WHERE id = ? AND state = 'held'
            """).execute(arguments: [state.rawValue, Self.millis(now), reason, id])
        guard db.changesCount == 1 else { return }
        try db.cachedStatement(sql: "UPDATE unit SET status = 'available' WHERE id = ? AND status = 'held'").execute(arguments: [unitID])
        if state == .expired {
            try db.cachedStatement(sql: "INSERT INTO circulation_notice (kind, reservation_id, at) VALUES ('hold-expired', ?, ?)")
                .execute(arguments: [id, Self.millis(now)])
        }
        try audit(db, who, state == .expired ? "reservation.expire" : "reservation.cancel_hold", "reservation", "\(id)",
                  ["reason": reason])
        _ = try assignHold(db, unitID: unitID, who: who, now: now)
    }

    /// A held unit that leaves circulation (missing, retired): its family goes back to waiting, in its
    /// old place (queue order is the reservation's id).
    func requeueHold(_ db: Database, unitID: Int64, who: Principal) throws {
        guard let hold = try Self.holdOf(db, unitID: unitID) else { return }
        try db.cachedStatement(sql: """
            UPDATE reservation SET state = 'waiting', held_unit_id = NULL, held_at = NULL, pickup_by = NULL WHERE id = ?
            """).execute(arguments: [hold.id])
        try audit(db, who, "reservation.requeue", "reservation", "\(hold.id)")
        // Another unit of the type free at that centre goes to the queue at once.
        if let free = try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT f.id FROM unit f JOIN unit u ON u.id = ?
            WHERE f.item_type_id = u.item_type_id AND f.current_centre_id = u.current_centre_id AND f.status = 'available'
            ORDER BY f.inventory_number LIMIT 1
            """), arguments: [unitID]) {
            _ = try assignHold(db, unitID: free, who: who)
        }
    }

    /// Offers an available unit to the families waiting for its type at its centre, in queue order
    /// (`preferring` first: the reservation it was sent for). The first that passes the checkout's family
    /// checks gets it held until the `holdPickupOpenDays`-th open day of the centre; each family passed
    /// over keeps its place and the reason is recorded. Nothing happens to a unit that is not available
    /// or whose type is recalled. `freed`: the unit as the caller knows it, available at that centre.
    func assignHold(_ db: Database, unitID: Int64, who: Principal, now: Date? = nil, preferring: Int64? = nil,
                    freed: FreedUnit? = nil) throws -> HeldFor? {
        let typeID: Int64, centreID: Int64, number: String
        var codes: (type: String, centre: String)?
        if let freed {
            guard !freed.type.recalled else { return nil }
            (typeID, centreID, number) = (freed.typeID, freed.centreID, freed.number)
        } else {
            guard let found = try db.first("""
                SELECT u.item_type_id, u.current_centre_id, u.inventory_number, t.code, c.code
                FROM unit u JOIN item_type t ON t.id = u.item_type_id JOIN centre c ON c.id = u.current_centre_id
                WHERE u.id = ? AND u.status = 'available' AND NOT t.recalled
                """, binding: unitID, read: { row in try (row[0] as Int64, row[1] as Int64, row[2] as String, row[3] as String, row[4] as String) })
            else { return nil }
            (typeID, centreID, number) = (found.0, found.1, found.2)
            codes = (found.3, found.4)
        }
        let candidates = try db.all("""
            SELECT r.id, f.reference FROM reservation r JOIN family f ON f.id = r.family_id
            WHERE r.centre_id = ? AND r.item_type_id = ? AND r.state = 'waiting' ORDER BY r.id = ? DESC, r.id
            """, binding: centreID, typeID, preferring ?? 0) { row in (id: try row[0] as Int64, family: try row[1] as String) }
        guard !candidates.isEmpty else { return nil }
        let now = now ?? clock.now()
        let centre = try freed?.centre ?? Lookup.centre(db, codes?.centre ?? "").centre
        let type = try freed?.type ?? Lookup.itemType(db, codes?.type ?? "").itemType
        let today = LocalDate(now, in: Lookup.zone(centre))
        for candidate in candidates {
            let reservationID = candidate.id
            let (familyID, family) = try Lookup.family(db, candidate.family)
            do {
                _ = try Self.checkEligible(db, familyID: familyID, family: family, centre: centre, type: type, on: today,
                                           now: now, policy: policy)
            } catch let refusal as RentalError {
                try db.cachedStatement(sql: "UPDATE reservation SET skip_reason = ? WHERE id = ?")
                    .execute(arguments: [refusal.code.rawValue, reservationID])
                continue
            }
            let days = max(0, policy.holdPickupOpenDays)
            let pickupBy = (try? centre.calendar.openDay(days, after: today)) ?? today.adding(days: days)
            try db.run("""
                UPDATE reservation SET state = 'held', held_unit_id = ?, held_at = ?, pickup_by = ?, skip_reason = NULL
                WHERE id = ?
                """, unitID, Self.millis(now), pickupBy.description, reservationID)
            try db.run("UPDATE unit SET status = 'held', sent_by = NULL, sent_at = NULL, transfer_reservation_id = NULL WHERE id = ?",
                       unitID)
            try db.run("INSERT INTO circulation_notice (kind, reservation_id, at) VALUES ('hold-ready', ?, ?)", reservationID, Self.millis(now))
            try audit(db, who, "reservation.hold", "reservation", "\(reservationID)",
                      ["unit": number, "family": family.reference, "centre": centre.code, "pickupBy": pickupBy.description])
            return HeldFor(id: reservationID, family: family.reference, pickupBy: pickupBy)
        }
        return nil
    }
}
