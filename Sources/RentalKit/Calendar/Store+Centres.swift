import Foundation
import GRDB

extension RentalStore {
    /// Creates a centre. Admin only.
    public func addCentre(_ new: NewCentre, by who: Principal) async throws(RentalError) -> Centre {
        try who.requireAdmin("adding a centre")
        let valid = try Self.validated(new)
        let code = valid.code, name = valid.name, region = valid.region
        let centre = Centre(code: code, name: name, region: region, timeZone: new.timeZone, openDays: new.openDays)
        return try await write { db in
            try db.execute(
                sql: "INSERT INTO centre (code, name, region, time_zone, open_days) VALUES (?, ?, ?, ?, ?)",
                arguments: [code, name, region, new.timeZone, Lookup.mask(new.openDays)])
            try self.audit(db, who, "centre.add", "centre", code, ["timeZone": new.timeZone])
            return centre
        }
    }

    /// The checks ``addCentre(_:by:)`` makes (the CSV import makes the same): the centre in normal form.
    static func validated(_ new: NewCentre) throws(RentalError) -> NewCentre {
        var new = new
        new.code = try Validate.code(new.code, field: "code")
        new.name = try Validate.text(new.name, field: "name", max: 200)
        new.region = try Validate.text(new.region, field: "region", min: 0, max: 200)
        _ = try Validate.timeZone(new.timeZone)
        return new
    }

    /// One centre with its closures.
    public func centre(_ code: String) async throws(RentalError) -> Centre {
        try await read { db in try Lookup.centre(db, code).centre }
    }

    /// Every centre, by code.
    public func centres() async throws(RentalError) -> [Centre] {
        try await read { db in
            let closures = try Lookup.closuresByCentre(db)
            return try db.all(Lookup.centreSelect + " ORDER BY code") { row in
                try Lookup.centre(row, closures: closures[row[0]] ?? [])
            }
        }
    }

    /// Centres whose time zone the system's tz database (``ZoneRules/databaseDirectory``) does not have, as
    /// `code: zone`: their days could not be told. Empty when every zone is known. A daemon checks this before
    /// it serves (Debian's `tzdata` missing, or a zone removed from it).
    public func centresWithUnknownTimeZones() async throws(RentalError) -> [String] {
        try await centres().filter { ZoneRules.named($0.timeZone) == nil }.map { "\($0.code): \($0.timeZone)" }
    }

    /// Sets the days of the week a centre is normally open. Admin only. Existing due dates are not moved;
    /// holds waiting for pickup last their number of open days by the new week (later, never earlier).
    public func setOpenDays(_ days: Set<Weekday>, centre code: String, by who: Principal) async throws(RentalError) -> Centre {
        try who.requireAdmin("changing opening days")
        return try await write { db in
            let (id, _) = try Lookup.centre(db, code)
            try db.cachedStatement(sql: "UPDATE centre SET open_days = ? WHERE id = ?").execute(arguments: [Lookup.mask(days), id])
            try self.audit(db, who, "centre.open_days", "centre", code,
                           ["openDays": Weekday.allCases.filter(days.contains).map(\.rawValue).joined(separator: ",")])
            let centre = try Lookup.centre(db, code).centre
            try self.extendPickupDeadlines(db, centreID: id, centre: centre, who: who)
            return centre
        }
    }

    /// Records that a centre is closed from `firstDay` through `lastDay`. Admin or staff of the centre.
    ///
    /// Loans already due on those days keep their due date; call ``shiftDueDates(centre:by:)`` to move
    /// them (an explicit decision, as after an emergency closure). Holds waiting for pickup there last
    /// their number of open days by the new calendar (a deadline moves later, never earlier).
    public func addClosure(centre code: String, from firstDay: LocalDate, through lastDay: LocalDate,
                           kind: Closure.Kind, note: String = "", by who: Principal) async throws(RentalError) -> Closure {
        try who.requireCirculation(at: code, "adding a closure")
        guard firstDay <= lastDay else { throw .invalid("lastDay", "must not be before firstDay") }
        guard firstDay.days(until: lastDay) < 366 else { throw .invalid("lastDay", "a closure lasts at most 366 days") }
        let note = try Validate.text(note, field: "note", min: 0, max: 500)
        return try await write { db in
            let (centreID, _) = try Lookup.centre(db, code)
            try db.execute(
                sql: "INSERT INTO closure (centre_id, first_day, last_day, kind, note) VALUES (?, ?, ?, ?, ?)",
                arguments: [centreID, firstDay.description, lastDay.description, kind.rawValue, note])
            let id = db.lastInsertedRowID
            try self.audit(db, who, "centre.closure.add", "centre", code,
                           ["closure": "\(id)", "from": firstDay.description, "through": lastDay.description,
                            "kind": kind.rawValue])
            try self.extendPickupDeadlines(db, centreID: centreID, centre: try Lookup.centre(db, code).centre, who: who)
            return Closure(id: id, firstDay: firstDay, lastDay: lastDay, kind: kind, note: note)
        }
    }

    /// Removes a closure. Admin or staff of the centre.
    public func removeClosure(id: Int64, centre code: String, by who: Principal) async throws(RentalError) {
        try who.requireCirculation(at: code, "removing a closure")
        try await write { db in
            let (centreID, _) = try Lookup.centre(db, code)
            try db.cachedStatement(sql: "DELETE FROM closure WHERE id = ? AND centre_id = ?").execute(arguments: [id, centreID])
            guard db.changesCount == 1 else { throw RentalError(.invalidInput, "closure \(id) does not belong to centre \(code)") }
            try self.audit(db, who, "centre.closure.remove", "centre", code, ["closure": "\(id)"])
        }
    }

    /// Moves the due date of every open loan of the centre that falls on a closed day to the next open
    /// day, and returns the loans moved. Admin or staff of the centre.
    public func shiftDueDates(centre code: String, by who: Principal) async throws(RentalError) -> [Loan] {
        try who.requireCirculation(at: code, "moving due dates")
        return try await write { db in
            let (centreID, centre) = try Lookup.centre(db, code)
            let calendar = centre.calendar
            let open = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, due_date FROM loan WHERE centre_id = ? AND state = 'open'"),
                                        arguments: [centreID])
            var moved: [Loan] = []
            for row in open {
                let loanID: Int64 = row["id"]
                guard let due = LocalDate(row["due_date"] as String), !calendar.isOpen(due) else { continue }
                let newDue = try calendar.nextOpenDay(onOrAfter: due)
                try db.cachedStatement(sql: "UPDATE loan SET due_date = ? WHERE id = ?").execute(arguments: [newDue.description, loanID])
                try self.audit(db, who, "loan.due_date.shift", "loan", "\(loanID)",
                               ["from": due.description, "to": newDue.description])
                moved.append(try Lookup.loan(db, id: loanID))
            }
            // A loan no longer overdue may make its family eligible for what it waits for.
            if !moved.isEmpty { _ = try self.offerFreeUnits(db, to: .everyone, who: who, now: self.clock.now()) }
            return moved
        }
    }
}
