import GRDB

extension RentalStore {
    /// Puts a family on the waiting list for an item type at a centre. Admin or staff of the centre.
    public func reserve(family reference: String, itemType: String, at centre: String,
                        by who: Principal) async throws(RentalError) -> Reservation {
        try who.requireCirculation(at: centre, "reservation")
        return try await write { db in
            let (familyID, family) = try Lookup.family(db, reference)
            let (typeID, _) = try Lookup.itemType(db, itemType)
            let centreID = try Lookup.centreID(db, centre)
            let exists = try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT 1 FROM reservation WHERE family_id = ? AND item_type_id = ? AND centre_id = ? AND state = 'waiting'
                """), arguments: [familyID, typeID, centreID]) ?? false
            guard !exists else {
                throw RentalError(.alreadyReserved, "family \(family.reference) already waits for \(itemType) at centre \(centre)")
            }
            try db.cachedStatement(sql: "INSERT INTO reservation (family_id, item_type_id, centre_id, placed_at) VALUES (?, ?, ?, ?)").execute(
                           arguments: [familyID, typeID, centreID, self.nowMillis])
            let id = db.lastInsertedRowID
            try self.audit(db, who, "reservation.place", "reservation", "\(id)",
                           ["family": family.reference, "itemType": itemType, "centre": centre])
            return try Self.reservations(db, centreID: centreID, typeID: typeID).first { $0.id == id }
                ?? Reservation(id: id, family: family.reference, itemType: itemType, centre: centre,
                               placedAt: self.clock.now(), position: 1)
        }
    }

    /// Takes a family off the waiting list (`fulfilled` when it got the item, else cancelled).
    /// Admin or staff of the centre.
    public func closeReservation(_ id: Int64, fulfilled: Bool = false, by who: Principal) async throws(RentalError) {
        try await write { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT c.code FROM reservation r JOIN centre c ON c.id = r.centre_id WHERE r.id = ? AND r.state = 'waiting'
                """), arguments: [id]) else {
                throw RentalError(.reservationNotFound, "no waiting reservation with id \(id)")
            }
            try who.requireCirculation(at: row["code"], "closing a reservation")
            try db.cachedStatement(sql: "UPDATE reservation SET state = ?, closed_at = ? WHERE id = ?").execute(
                           arguments: [fulfilled ? "fulfilled" : "cancelled", self.nowMillis, id])
            try self.audit(db, who, fulfilled ? "reservation.fulfil" : "reservation.cancel", "reservation", "\(id)")
        }
    }

    /// The waiting list for an item type at a centre, in queue order.
    public func reservations(itemType: String, at centre: String) async throws(RentalError) -> [Reservation] {
        try await read { db in
            try Self.reservations(db, centreID: try Lookup.centreID(db, centre), typeID: try Lookup.itemType(db, itemType).id)
        }
    }

    static func reservations(_ db: Database, centreID: Int64, typeID: Int64) throws -> [Reservation] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT r.id, r.placed_at, f.reference, t.code AS type_code, c.code AS centre_code
            FROM reservation r JOIN family f ON f.id = r.family_id JOIN item_type t ON t.id = r.item_type_id
            JOIN centre c ON c.id = r.centre_id
            WHERE r.centre_id = ? AND r.item_type_id = ? AND r.state = 'waiting' ORDER BY r.id
            """), arguments: [centreID, typeID]).enumerated().map { index, row in
            Reservation(id: row["id"], family: row["reference"], itemType: row["type_code"], centre: row["centre_code"],
                        placedAt: RentalStore.date(millis: row["placed_at"]), position: index + 1)
        }
    }
}
