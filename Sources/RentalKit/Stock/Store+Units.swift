import GRDB

extension RentalStore {
    /// Registers a new unit, available at its home centre. Admin or staff of that centre.
    public func addUnit(_ new: NewUnit, by who: Principal) async throws(RentalError) -> RentalUnit {
        try who.requireCirculation(at: new.centre, "adding a unit")
        let valid = try validated(new)
        let number = valid.inventoryNumber, funding = valid.fundingSource
        return try await write { db in
            let (typeID, _) = try Lookup.itemType(db, new.itemType)
            let centreID = try Lookup.centreID(db, new.centre)
            try db.cachedStatement(sql: """
                INSERT INTO unit (inventory_number, item_type_id, home_centre_id, current_centre_id, status,
                                  condition, acquired_on, cost_minor, funding_source, last_safety_check)
                VALUES (?, ?, ?, ?, 'available', ?, ?, ?, ?, ?)
                """).execute(arguments: [number, typeID, centreID, centreID, new.condition.rawValue,
                                 new.acquiredOn?.description, new.costMinor, funding, new.lastSafetyCheck?.description])
            let unitID = db.lastInsertedRowID
            try self.audit(db, who, "unit.add", "unit", number, ["itemType": new.itemType, "centre": new.centre])
            // New stock is free stock: the first eligible family waiting here gets it.
            _ = try self.assignHold(db, unitID: unitID, who: who)
            return try Lookup.unit(db, number).unit
        }
    }

    /// The checks ``addUnit(_:by:)`` makes before touching the store (the CSV import makes the same):
    /// the new unit with its inventory number and funding source in normal form.
    func validated(_ new: NewUnit) throws(RentalError) -> NewUnit {
        var new = new
        new.inventoryNumber = try Validate.identifier(new.inventoryNumber, field: "inventoryNumber")
        // `/v1/units/labels` is the label sheet: a unit of that number could not be looked up by it.
        guard new.inventoryNumber != "LABELS" else {
            throw .invalid("inventoryNumber", "LABELS is a reserved word, not an inventory number")
        }
        new.fundingSource = try Validate.optionalText(new.fundingSource, field: "fundingSource", max: 200)
        if let cost = new.costMinor { _ = try Validate.range(cost, 0...1_000_000_000, field: "costMinor") }
        let today = LocalDate(clock.now(), in: ZoneRules.utc)
        if let acquired = new.acquiredOn, acquired > today.adding(days: 1) {
            throw .invalid("acquiredOn", "must not be in the future")
        }
        return new
    }

    /// One unit by inventory number (case-insensitive).
    public func unit(_ inventoryNumber: String) async throws(RentalError) -> RentalUnit {
        try await read { db in try Lookup.unit(db, inventoryNumber).unit }
    }

    /// Units, filtered, ordered by inventory number; `after` continues a previous page.
    public func units(centre: String? = nil, itemType: String? = nil, status: UnitStatus? = nil,
                      after: String? = nil, limit: Int = 100) async throws(RentalError) -> [RentalUnit] {
        let limit = try Validate.range(limit, 1...1000, field: "limit")
        return try await read { db in
            var (conditions, arguments) = try Self.unitPlace(db, centre: centre, itemType: itemType)
            if let status {
                conditions.append("u.status = ?")
                arguments += [status.rawValue]
            }
            if let after {
                conditions.append("u.inventory_number > ?")
                arguments += [after.uppercased()]
            }
            let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            arguments += [limit]
            return try Row.fetchAll(db, sql: Lookup.unitSelect + filter + " ORDER BY u.inventory_number LIMIT ?",
                                    arguments: arguments).map { row in try Lookup.unit(row) }
        }
    }

    /// Changes a unit's status, if the change is allowed from its current status. A unit that becomes
    /// available is held at once for the first eligible family waiting for its type there; a held unit
    /// that goes missing or is retired puts its family back in the queue, in its old place. Admin or staff of the
    /// centre where the unit is (for ``UnitChange/receive``: of the destination; for
    /// ``UnitChange/markFound(centre:)``: of the centre where it was found).
    public func change(_ change: UnitChange, unit inventoryNumber: String, note: String? = nil,
                       by who: Principal) async throws(RentalError) -> RentalUnit {
        let note = try Validate.optionalText(note, field: "note", max: 500)
        return try await write { db in
            let (id, unit) = try Lookup.unit(db, inventoryNumber)
            let actingCentre: String = switch change {
            case .receive: unit.transitTo ?? unit.currentCentre
            case .markFound(let centre): centre
            default: unit.currentCentre
            }
            try who.requireCirculation(at: actingCentre, "changing a unit")
            guard change.allowedFrom.contains(unit.status) else {
                throw RentalError(.invalidTransition,
                                  "unit \(unit.inventoryNumber) is \(unit.status.rawValue); cannot go to \(change.target.rawValue)")
            }
            if case .send(let destination) = change {
                try self.sendUnit(db, unitID: id, unit: unit.inventoryNumber, from: unit.currentCentre, to: destination,
                                  reservation: nil, who: who, note: note)
                return try Lookup.unit(db, inventoryNumber).unit
            }
            if case .receive = change {
                _ = try self.receiveUnit(db, unitID: id, unit: unit, who: who, note: note)
                return try Lookup.unit(db, inventoryNumber).unit
            }
            if unit.status == .held { try self.requeueHold(db, unitID: id, who: who) }
            var details = ["from": unit.status.rawValue, "to": change.target.rawValue]
            var sets = ["status = ?"]
            var arguments: StatementArguments = [change.target.rawValue]
            switch change {
            case .send, .receive:
                break
            case .markFound(let centre):
                sets.append("current_centre_id = ?")
                arguments += [try Lookup.centreID(db, centre)]
                details["centre"] = centre
            case .finishRepair(let condition):
                sets.append("condition = ?")
                arguments += [condition.rawValue]
            case .retire, .markMissing:
                sets.append("transit_to_centre_id = NULL, sent_by = NULL, sent_at = NULL, transfer_reservation_id = NULL")
            case .finishSanitising, .sendToRepair:
                break
            }
            if let note {
                sets.append("note = ?")
                arguments += [note]
            }
            arguments += [id]
            try db.execute(sql: "UPDATE unit SET \(sets.joined(separator: ", ")) WHERE id = ?", arguments: arguments)
            try self.audit(db, who, change.action, "unit", unit.inventoryNumber, details)
            // Free again (cleaned, repaired, found): the first eligible family waiting here gets it.
            if change.target == .available { _ = try self.assignHold(db, unitID: id, who: who) }
            return try Lookup.unit(db, inventoryNumber).unit
        }
    }

    /// Records an electrical safety check on `date`. A failed check sends an available unit to repair.
    /// Admin or staff of the unit's centre.
    public func recordSafetyCheck(unit inventoryNumber: String, on date: LocalDate, passed: Bool,
                                  by who: Principal) async throws(RentalError) -> RentalUnit {
        try await write { db in
            let (id, unit) = try Lookup.unit(db, inventoryNumber)
            try who.requireCirculation(at: unit.currentCentre, "recording a safety check")
            if passed {
                try db.cachedStatement(sql: "UPDATE unit SET last_safety_check = ? WHERE id = ?").execute(arguments: [date.description, id])
            } else if [.available, .sanitising].contains(unit.status) {
                try db.cachedStatement(sql: "UPDATE unit SET status = 'in_repair', condition = 'damaged' WHERE id = ?").execute(arguments: [id])
            } else {
                try db.cachedStatement(sql: "UPDATE unit SET condition = 'damaged' WHERE id = ?").execute(arguments: [id])
            }
            try self.audit(db, who, "unit.safety_check", "unit", unit.inventoryNumber,
                           ["on": date.description, "passed": passed ? "yes" : "no"])
            return try Lookup.unit(db, inventoryNumber).unit
        }
    }

    /// Per centre and item type, how many units are in each status. `centre` and `itemType` narrow it.
    public func stock(centre: String? = nil, itemType: String? = nil) async throws(RentalError) -> [StockLine] {
        try await read { db in
            let (conditions, arguments) = try Self.unitPlace(db, centre: centre, itemType: itemType)
            let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchAll(db, sql: """
                SELECT c.code AS centre, t.code AS item_type, u.status, count(*) AS n
                FROM unit u JOIN centre c ON c.id = u.current_centre_id JOIN item_type t ON t.id = u.item_type_id
                \(filter)
                GROUP BY u.current_centre_id, u.item_type_id, u.status
                ORDER BY c.code, t.code
                """, arguments: arguments)
            var lines: [StockLine] = []
            for row in rows {
                let centre: String = row["centre"]
                let type: String = row["item_type"]
                guard let status = UnitStatus(rawValue: row["status"]) else { continue }
                if lines.last?.centre != centre || lines.last?.itemType != type {
                    lines.append(StockLine(centre: centre, itemType: type, counts: [:]))
                }
                lines[lines.count - 1].counts[status] = row["n"]
            }
            return lines
        }
    }

    /// Available units of one item type (the argument) per centre: a range of `unit_availability`.
    static let availabilitySQL = """
        SELECT c.code, count(*) AS n FROM unit u JOIN centre c ON c.id = u.current_centre_id
        WHERE u.item_type_id = ? AND u.status = 'available'
        GROUP BY u.current_centre_id
        """

    /// Available units of an item type, per centre, and at `centre` if given: "is there a free cot
    /// here, and if not, where". One indexed query.
    public func availability(of itemType: String, at centre: String? = nil) async throws(RentalError) -> Availability {
        try await read { db in
            let (typeID, type) = try Lookup.itemType(db, itemType)
            if let centre { _ = try Lookup.centreID(db, centre) }
            let rows = try Row.fetchAll(db.cachedStatement(sql: Self.availabilitySQL), arguments: [typeID])
            var byCentre: [String: Int] = [:]
            for row in rows { byCentre[row["code"]] = row["n"] }
            return Availability(itemType: type.code, centre: centre, here: centre.flatMap { byCentre[$0] } ?? 0,
                                byCentre: byCentre)
        }
    }

    /// SQL conditions on `unit u` for an optional current centre and item type, with their arguments.
    private static func unitPlace(_ db: Database, centre: String?, itemType: String?) throws -> ([String], StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let centre {
            conditions.append("u.current_centre_id = ?")
            arguments += [try Lookup.centreID(db, centre)]
        }
        if let itemType {
            conditions.append("u.item_type_id = ?")
            arguments += [try Lookup.itemType(db, itemType).id]
        }
        return (conditions, arguments)
    }
}
