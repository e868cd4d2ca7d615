import Foundation
import GRDB

extension RentalStore {
    /// Sends an available unit to another centre, recording who sent it and when; with `reservation`, for
    /// that waiting reservation at the destination (on receipt the unit is held for it). Admin or staff of
    /// the centre where the unit is.
    public func send(unit inventoryNumber: String, to destination: String, for reservation: Int64? = nil,
                     note: String? = nil, by who: Principal) async throws(RentalError) -> Transfer {
        let note = try Validate.optionalText(note, field: "note", max: 500)
        return try await write { db in
            let (id, unit) = try Lookup.unit(db, inventoryNumber)
            try who.requireCirculation(at: unit.currentCentre, "sending a unit")
            guard unit.status == .available else {
                throw RentalError(.invalidTransition, "unit \(unit.inventoryNumber) is \(unit.status.rawValue); only an available unit can be sent")
            }
            if let reservation {
                guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT t.code, c.code FROM reservation r JOIN item_type t ON t.id = r.item_type_id
                    JOIN centre c ON c.id = r.centre_id WHERE r.id = ? AND r.state = 'waiting'
                    """), arguments: [reservation]) else {
                    throw RentalError(.reservationNotFound, "no waiting reservation with id \(reservation)")
                }
                guard row[0] as String == unit.itemType, row[1] as String == destination else {
                    throw RentalError.invalid("reservation", "reservation \(reservation) waits for \(row[0] as String) at centre \(row[1] as String)")
                }
            }
            try self.sendUnit(db, unitID: id, unit: unit.inventoryNumber, from: unit.currentCentre, to: destination,
                              reservation: reservation, who: who, note: note)
            return try Self.transfers(db, where: "u.id = ?", [id], now: self.clock.now())[0]
        }
    }

    /// Takes in a unit in transit at its destination: it becomes available there, or held at once for the
    /// reservation it was sent for (or the first eligible family waiting there). Admin or staff of the
    /// destination.
    public func receive(unit inventoryNumber: String, note: String? = nil, by who: Principal) async throws(RentalError) -> TransferReceipt {
        let note = try Validate.optionalText(note, field: "note", max: 500)
        return try await write { db in
            let (id, unit) = try Lookup.unit(db, inventoryNumber)
            try who.requireCirculation(at: unit.transitTo ?? unit.currentCentre, "receiving a unit")
            guard unit.status == .inTransit else {
                throw RentalError(.invalidTransition, "unit \(unit.inventoryNumber) is \(unit.status.rawValue), not in transit")
            }
            let hold = try self.receiveUnit(db, unitID: id, unit: unit, who: who, note: note)
            return TransferReceipt(unit: try Lookup.unit(db, unit.inventoryNumber).unit,
                                   heldFor: try hold.map { try Self.reservation(db, id: $0.id) })
        }
    }

    /// Units in transit, longest on the way first; `centre` narrows to those going to or coming from it.
    public func transfers(centre: String? = nil) async throws(RentalError) -> [Transfer] {
        let now = clock.now()
        return try await read { db in
            guard let centre else { return try Self.transfers(db, where: "u.status = 'in_transit'", [], now: now) }
            let id = try Lookup.centreID(db, centre)
            return try Self.transfers(db, where: "u.status = 'in_transit' AND (u.transit_to_centre_id = ? OR u.current_centre_id = ?)",
                                      [id, id], now: now)
        }
    }

    /// Free units that could go to families waiting at other centres, one unit per waiting reservation,
    /// in queue order; `centre` narrows to proposals from or to it.
    public func transferProposals(centre: String? = nil) async throws(RentalError) -> [TransferProposal] {
        try await read { db in
            if let centre { _ = try Lookup.centreID(db, centre) }
            return try Self.transferProposals(db).filter { centre == nil || $0.from == centre || $0.to == centre }
        }
    }

    // MARK: Inside a transaction

    /// available → in transit to `destination`, with who, when and what for.
    func sendUnit(_ db: Database, unitID: Int64, unit number: String, from: String, to destination: String,
                  reservation: Int64?, who: Principal, note: String? = nil) throws {
        guard destination != from else {
            throw RentalError.invalid("to", "the unit is already at centre \(destination)")
        }
        let destinationID = try Lookup.centreID(db, destination)
        try db.cachedStatement(sql: """
            UPDATE unit SET status = 'in_transit', transit_to_centre_id = ?, sent_by = ?, sent_at = ?,
                transfer_reservation_id = ?, note = IFNULL(?, note)
            WHERE id = ? AND status = 'available'
            """).execute(arguments: [destinationID, who.name, nowMillis, reservation, note, unitID])
        guard db.changesCount == 1 else { throw RentalError(.invalidTransition, "unit \(number) is not available") }
        var details = ["from": "available", "to": "in_transit", "destination": destination]
        if let reservation { details["reservation"] = "\(reservation)" }
        try audit(db, who, "unit.send", "unit", number, details)
    }

    /// in transit → available at the destination, then offered to the reservation it was sent for first.
    func receiveUnit(_ db: Database, unitID: Int64, unit: RentalUnit, who: Principal, note: String?) throws -> HeldFor? {
        let preferring = try Int64.fetchOne(db.cachedStatement(sql: "SELECT transfer_reservation_id FROM unit WHERE id = ?"),
                                            arguments: [unitID])
        try db.cachedStatement(sql: """
            UPDATE unit SET status = 'available', current_centre_id = transit_to_centre_id, transit_to_centre_id = NULL,
                sent_by = NULL, sent_at = NULL, transfer_reservation_id = NULL, note = IFNULL(?, note)
            WHERE id = ? AND status = 'in_transit'
            """).execute(arguments: [note, unitID])
        try audit(db, who, "unit.receive", "unit", unit.inventoryNumber,
                  ["from": "in_transit", "to": "available", "centre": unit.transitTo ?? unit.currentCentre])
        return try assignHold(db, unitID: unitID, who: who, preferring: preferring)
    }

    static func transfers(_ db: Database, where condition: String, _ arguments: StatementArguments, now: Date) throws -> [Transfer] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT u.inventory_number, t.code, c.code, d.code, u.sent_by, u.sent_at, u.transfer_reservation_id, d.time_zone
            FROM unit u JOIN item_type t ON t.id = u.item_type_id JOIN centre c ON c.id = u.current_centre_id
            JOIN centre d ON d.id = u.transit_to_centre_id
            WHERE \(condition) ORDER BY u.sent_at IS NULL, u.sent_at, u.inventory_number
            """), arguments: arguments).map { row in
            let sentAt = (row[5] as Int64?).map(RentalStore.date(millis:))
            let zone = Lookup.zone(row[7] as String)
            return Transfer(unit: row[0], itemType: row[1], from: row[2], to: row[3], sentBy: row[4], sentAt: sentAt,
                            reservation: row[6],
                            daysOnTheWay: sentAt.map { LocalDate($0, in: zone).days(until: LocalDate(now, in: zone)) })
        }
    }

    /// For each waiting reservation (queue order, all centres) with no unit free at its centre and none
    /// on the way for it, the first free unit of its type at another centre not proposed already.
    static func transferProposals(_ db: Database) throws -> [TransferProposal] {
        let waiting = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT r.id, r.item_type_id, t.code, c.code FROM reservation r
            JOIN item_type t ON t.id = r.item_type_id JOIN centre c ON c.id = r.centre_id
            WHERE r.state = 'waiting' AND t.recalled = 0
              AND NOT EXISTS (SELECT 1 FROM unit s WHERE s.transfer_reservation_id = r.id AND s.status = 'in_transit')
            ORDER BY r.id
            """))
        var free: [Int64: [(unit: String, centre: String)]] = [:]
        var proposals: [TransferProposal] = []
        for row in waiting {
            let typeID: Int64 = row[1]
            if free[typeID] == nil {
                free[typeID] = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT u.inventory_number, c.code FROM unit u JOIN centre c ON c.id = u.current_centre_id
                    WHERE u.item_type_id = ? AND u.status = 'available' ORDER BY c.code, u.inventory_number
                    """), arguments: [typeID]).map { ($0[0], $0[1]) }
            }
            let to: String = row[3]
            // A unit free at the pickup centre itself: the family was passed over there, no transfer helps.
            guard free[typeID]?.contains(where: { $0.centre == to }) == false,
                  let index = free[typeID]?.firstIndex(where: { $0.centre != to }), let unit = free[typeID]?.remove(at: index) else {
                continue
            }
            proposals.append(TransferProposal(reservation: row[0], itemType: row[2], from: unit.centre, to: to, unit: unit.unit))
        }
        return proposals
    }
}
