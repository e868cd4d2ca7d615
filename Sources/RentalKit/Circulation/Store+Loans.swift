import Foundation
import GRDB

extension RentalStore {
    /// Lends a unit to a family at a centre. Admin or staff of the centre.
    ///
    /// The due date is the issue date in the centre's zone plus the rule's period, moved forward to the
    /// centre's next open day. Refusals, each with its own code: ``RentalError/Code/unitNotAvailable``,
    /// ``RentalError/Code/unitNotAtCentre``, ``RentalError/Code/itemTypeRecalled``,
    /// ``RentalError/Code/safetyCheckDue``, ``RentalError/Code/familyNotActive``,
    /// ``RentalError/Code/consentMissing``, ``RentalError/Code/lowIncomeExpired``,
    /// ``RentalError/Code/noLoanRule``, ``RentalError/Code/familyHasOverdue``,
    /// ``RentalError/Code/loanLimitReached``, ``RentalError/Code/categoryLimitReached``,
    /// ``RentalError/Code/noEligibleChild``.
    ///
    /// - Parameters:
    ///   - issuedAt: Backdates the checkout (admin only, at most ``RentalPolicy/maxBackdateDays`` days
    ///     back); the loan and its audit event are marked as backdated.
    ///   - requestKey: Makes the checkout safe to retry: a second call by the same principal with the same
    ///     key returns the first loan and creates nothing; with the same key but another family, unit or
    ///     centre it fails with ``RentalError/Code/idempotencyKeyReused``.
    public func checkout(family reference: String, unit inventoryNumber: String, at centreCode: String,
                         issuedAt: Date? = nil, requestKey: String? = nil,
                         by who: Principal) async throws(RentalError) -> Loan {
        try who.requireCirculation(at: centreCode, "checkout")
        if let requestKey {
            guard (1...200).contains(requestKey.utf8.count),
                  requestKey.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value <= 0x7E }) else {
                throw .invalid("requestKey", "must be 1–200 visible ASCII characters")
            }
        }
        let now = clock.now()
        let backdated = try backdating(issuedAt, now: now, by: who)
        let issueInstant = backdated ? (issuedAt ?? now) : now
        let policy = self.policy
        return try await write { db in
            if let requestKey, let earlier = try db.first("SELECT id FROM loan WHERE issued_by = ? AND request_key = ?",
                                                          binding: who.name, requestKey, read: { row in try row[0] as Int64 }) {
                let loan = try Lookup.loan(db, id: earlier)
                let sameRequest = loan.centre == centreCode
                    && loan.family == (try? Validate.identifier(reference, field: "family"))
                    && loan.inventoryNumber == (try? Validate.identifier(inventoryNumber, field: "unit"))
                guard sameRequest else {
                    throw RentalError(.idempotencyKeyReused, "this request key was used for another checkout (loan \(earlier))")
                }
                return loan
            }
            let (centreID, centre) = try Lookup.centre(db, centreCode)
            let zone = Lookup.zone(centre)
            let issuedOn = LocalDate(issueInstant, in: zone)
            let (unitID, unit) = try Lookup.unit(db, inventoryNumber)
            let (typeID, type) = try Lookup.itemType(db, unit.itemType)

            // A held unit goes only to the family it is held for (checked once the family is known).
            let hold = unit.status == .held ? try Self.holdOf(db, unitID: unitID) : nil
            guard unit.status == .available || hold != nil else {
                throw RentalError(.unitNotAvailable, "unit \(unit.inventoryNumber) is \(unit.status.rawValue)")
            }
            guard unit.currentCentre == centre.code else {
                throw RentalError(.unitNotAtCentre, "unit \(unit.inventoryNumber) is at centre \(unit.currentCentre)")
            }
            guard !type.recalled else {
                throw RentalError(.itemTypeRecalled, "item type \(type.code) is recalled")
            }
            if let days = type.safetyCheckDays {
                guard let last = unit.lastSafetyCheck, last.days(until: issuedOn) <= days else {
                    throw RentalError(.safetyCheckDue, "unit \(unit.inventoryNumber) needs an electrical safety check (every \(days) days)")
                }
            }

            let (familyID, family) = try Lookup.family(db, reference)
            if let hold, hold.family != family.reference {
                throw RentalError(.unitHeldForAnother,
                                  "unit \(unit.inventoryNumber) is held for reservation \(hold.id) until \(hold.pickupBy)")
            }
            let rule = try Self.checkEligible(db, familyID: familyID, family: family, centre: centre, type: type,
                                              on: issuedOn, now: now, policy: policy)

            let due = try centre.calendar.dueDate(issuedOn: issuedOn, period: rule.period)
            try db.run("""
                INSERT INTO loan (unit_id, family_id, centre_id, issued_by, issued_at, issued_on, backdated, due_date,
                                  request_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, unitID, familyID, centreID, who.name, RentalStore.millis(issueInstant), issuedOn.description, backdated,
                       due.description, requestKey)
            let loanID = db.lastInsertedRowID
            try db.run("UPDATE unit SET status = 'on_loan' WHERE id = ? AND status IN ('available', 'held')", unitID)
            try self.fulfilReservation(db, hold: hold?.id, familyID: familyID, typeID: typeID, centreID: centreID,
                                       loanID: loanID, who: who)
            var details = ["unit": unit.inventoryNumber, "family": family.reference, "centre": centre.code,
                           "due": due.description, "rule": "\(rule.id)", "condition": unit.condition.rawValue]
            if backdated { details["backdatedTo"] = issuedOn.description }
            try self.audit(db, who, backdated ? "loan.checkout.backdated" : "loan.checkout", "loan", "\(loanID)", details)
            // What reading the row back would give (the instant at the store's millisecond precision).
            return Loan(id: loanID, inventoryNumber: unit.inventoryNumber, itemType: type.code, family: family.reference,
                        centre: centre.code, issuedBy: who.name, issuedAt: RentalStore.date(millis: RentalStore.millis(issueInstant)),
                        issuedOn: issuedOn, backdated: backdated, dueDate: due, renewals: 0, state: .open, closedAt: nil,
                        closedBy: nil, returnedTo: nil, returnCondition: nil, returnNote: nil)
        }
    }

    /// Whether a family may borrow an item type at a centre on `day`: the family checks of a checkout
    /// (active, consent, low-income status, a rule, no overdue loan, limits, infant age), in that order.
    /// Also decides whether a waiting family gets a unit that comes free. Returns the rule that applies.
    static func checkEligible(_ db: Database, familyID: Int64, family: Family, centre: Centre, type: ItemType,
                              on day: LocalDate, now: Date, policy: RentalPolicy) throws -> LoanRule {
        guard family.status == .active else {
            throw RentalError(.familyNotActive, "family \(family.reference) is suspended")
        }
        guard family.consentOn != nil else {
            throw RentalError(.consentMissing, "family \(family.reference) has no recorded consent to personal-data processing")
        }
        guard family.lowIncomeUntil >= day else {
            throw RentalError(.lowIncomeExpired, "family \(family.reference): low-income status expired on \(family.lowIncomeUntil)")
        }

        let rule = try Self.effectiveRule(db, centre: centre.code, itemType: type)
        // The family's open loans, read once for the overdue check and both limits (a family has a few).
        let open = try Self.openLoans(db, familyID: familyID, now: now)
        if policy.refuseCheckoutWhenOverdue, let overdue = open.first(where: \.overdue) {
            throw RentalError(.familyHasOverdue, "family \(family.reference) has overdue loan \(overdue.id)")
        }
        if let max = rule.maxOpenLoans {
            guard open.count < max else {
                throw RentalError(.loanLimitReached, "family \(family.reference) has \(open.count) open loans; the limit is \(max)")
            }
        }
        if let max = rule.maxOpenLoansInCategory {
            let inCategory = open.count { $0.category == type.category.rawValue }
            guard inCategory < max else {
                throw RentalError(.categoryLimitReached,
                                  "family \(family.reference) has \(inCategory) open \(type.category.rawValue) loans; the limit is \(max)")
            }
        }
        if let limit = rule.infantAgeLimitMonths ?? type.infantAgeLimitMonths {
            guard family.children.contains(where: { $0.isUnder(months: limit, on: day) }) else {
                throw RentalError(.noEligibleChild,
                                  "family \(family.reference) has no child under \(limit) months for item type \(type.code)")
            }
        }
        return rule
    }

    /// Whether `issuedAt` backdates a checkout made `now`, after checking that it may.
    private func backdating(_ issuedAt: Date?, now: Date, by who: Principal) throws(RentalError) -> Bool {
        guard let issuedAt, abs(issuedAt.timeIntervalSince(now)) >= 1 else { return false }
        try who.requireAdmin("backdating a checkout")
        guard issuedAt < now else { throw .invalid("issuedAt", "must not be in the future") }
        guard now.timeIntervalSince(issuedAt) <= Double(policy.maxBackdateDays) * 86_400 else {
            throw .invalid("issuedAt", "may be at most \(policy.maxBackdateDays) days in the past")
        }
        return true
    }

    /// Extends an open loan by its rule's renewal period, counted from the later of the due date and
    /// today, moved to the next open day. Admin or staff of the issuing centre.
    ///
    /// Refused with ``RentalError/Code/renewalLimitReached`` after the rule's number of renewals, and
    /// with ``RentalError/Code/renewalBlockedByReservations`` while other families wait for the item type
    /// at that centre.
    public func renew(loan id: Int64, by who: Principal) async throws(RentalError) -> Loan {
        try await write { db in
            let loan = try Lookup.loan(db, id: id)
            try who.requireCirculation(at: loan.centre, "renewal")
            guard loan.state == .open else { throw RentalError(.loanClosed, "loan \(id) is \(loan.state.rawValue)") }
            let (centreID, centre) = try Lookup.centre(db, loan.centre)
            let (typeID, type) = try Lookup.itemType(db, loan.itemType)
            let rule = try Self.effectiveRule(db, centre: centre.code, itemType: type)
            guard loan.renewals < rule.renewalsAllowed else {
                throw RentalError(.renewalLimitReached, "loan \(id) was renewed \(loan.renewals) times; the limit is \(rule.renewalsAllowed)")
            }
            let waiting = try Int.fetchOne(db.cachedStatement(sql: """
                SELECT count(*) FROM reservation WHERE centre_id = ? AND item_type_id = ? AND state = 'waiting'
                """), arguments: [centreID, typeID]) ?? 0
            guard waiting == 0 else {
                throw RentalError(.renewalBlockedByReservations,
                                  "\(waiting) famil\(waiting == 1 ? "y waits" : "ies wait") for item type \(type.code) at centre \(centre.code)")
            }
            let today = LocalDate(self.clock.now(), in: Lookup.zone(centre))
            let due = try centre.calendar.dueDate(issuedOn: max(loan.dueDate, today), period: rule.renewalPeriod)
            try db.cachedStatement(sql: "UPDATE loan SET due_date = ?, renewals = renewals + 1 WHERE id = ?").execute(
                           arguments: [due.description, id])
            try self.audit(db, who, "loan.renew", "loan", "\(id)", ["from": loan.dueDate.description, "to": due.description])
            return try Lookup.loan(db, id: id)
        }
    }

    /// Takes a unit back at any centre, closing its open loan. The unit goes to
    /// ``UnitStatus/inRepair`` when returned damaged, to ``UnitStatus/sanitising`` when its item type
    /// says so, else to ``UnitStatus/available``, at the centre it was returned to. Admin or staff of
    /// that centre.
    public func returnUnit(_ inventoryNumber: String, at centreCode: String, condition: Condition,
                           note: String? = nil, by who: Principal) async throws(RentalError) -> ReturnReceipt {
        try who.requireCirculation(at: centreCode, "return")
        let note = try Validate.optionalText(note, field: "note", max: 500)
        return try await write { db in
            let (unitID, unit) = try Lookup.unit(db, inventoryNumber)
            let (centreID, centre) = try Lookup.centre(db, centreCode)
            guard let loanID = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM loan WHERE unit_id = ? AND state = 'open'"),
                                                  arguments: [unitID]) else {
                throw RentalError(.invalidTransition, "unit \(unit.inventoryNumber) is not on loan")
            }
            let loan = try Lookup.loan(db, id: loanID)
            let (typeID, type) = try Lookup.itemType(db, unit.itemType)
            let next: UnitStatus = condition == .damaged ? .inRepair : type.sanitiseAfterReturn ? .sanitising : .available
            let issuing = loan.centre == centre.code ? centre : try Lookup.centre(db, loan.centre).centre
            let wasOverdue = loan.isOverdue(on: LocalDate(self.clock.now(), in: Lookup.zone(issuing)))
            try db.run("""
                UPDATE loan SET state = 'returned', closed_at = ?, closed_by = ?, returned_to_centre_id = ?,
                    return_condition = ?, return_note = ?
                WHERE id = ?
                """, self.nowMillis, who.name, centreID, condition.rawValue, note, loanID)
            try db.run("UPDATE unit SET status = ?, condition = ?, current_centre_id = ? WHERE id = ?",
                       next.rawValue, condition.rawValue, centreID, unitID)
            try self.audit(db, who, "loan.return", "loan", "\(loanID)", [
                "unit": unit.inventoryNumber, "centre": centre.code, "condition": condition.rawValue,
                "unitStatus": next.rawValue, "overdue": wasOverdue ? "yes" : "no",
            ])
            var receipt = ReturnReceipt(loan: try Lookup.loan(db, id: loanID), unitStatus: next, wasOverdue: wasOverdue)
            let elsewhere = unit.homeCentre != centre.code
            if elsewhere { receipt.returnElsewhere = self.policy.returnElsewhere }
            if next == .available {
                // In the same transaction: the first eligible family waiting here gets it; else, by the
                // rule, a unit returned away from home goes home.
                let freed = FreedUnit(number: unit.inventoryNumber, typeID: typeID, type: type, centreID: centreID, centre: centre)
                if let hold = try self.assignHold(db, unitID: unitID, who: who, freed: freed) {
                    receipt.unitStatus = .held
                    receipt.heldFor = hold.id
                    receipt.pickupBy = hold.pickupBy
                } else if elsewhere, self.policy.returnElsewhere == .sendHome {
                    try self.sendUnit(db, unitID: unitID, unit: unit.inventoryNumber, from: centre.code, to: unit.homeCentre,
                                      reservation: nil, who: who)
                    receipt.unitStatus = .inTransit
                    receipt.sentTo = unit.homeCentre
                }
            }
            // The return may make the family eligible for what it waits for (under its limit, no overdue).
            _ = try self.offerFreeUnits(db, to: .familyOfLoan(loanID), who: who, now: self.clock.now())
            return receipt
        }
    }

    /// Closes an open loan as lost; the unit becomes ``UnitStatus/lost``. Admin or staff of the
    /// issuing centre.
    public func markLost(loan id: Int64, note: String? = nil, by who: Principal) async throws(RentalError) -> Loan {
        let note = try Validate.optionalText(note, field: "note", max: 500)
        return try await write { db in
            let loan = try Lookup.loan(db, id: id)
            try who.requireCirculation(at: loan.centre, "marking a loan lost")
            guard loan.state == .open else { throw RentalError(.loanClosed, "loan \(id) is \(loan.state.rawValue)") }
            try db.cachedStatement(sql: "UPDATE loan SET state = 'lost', closed_at = ?, closed_by = ?, return_note = ? WHERE id = ?").execute(
                           arguments: [self.nowMillis, who.name, note, id])
            try db.cachedStatement(sql: "UPDATE unit SET status = 'lost' WHERE inventory_number = ?").execute(arguments: [loan.inventoryNumber])
            try self.audit(db, who, "loan.lost", "loan", "\(id)", ["unit": loan.inventoryNumber, "family": loan.family])
            _ = try self.offerFreeUnits(db, to: .familyOfLoan(id), who: who, now: self.clock.now())
            return try Lookup.loan(db, id: id)
        }
    }

    /// One loan.
    public func loan(_ id: Int64) async throws(RentalError) -> Loan {
        try await read { db in try Lookup.loan(db, id: id) }
    }

    /// Loans matching a filter, by id. "Overdue" is evaluated now, in each centre's own zone.
    public func loans(_ filter: LoanFilter = LoanFilter()) async throws(RentalError) -> [Loan] {
        _ = try Validate.range(filter.limit, 1...1000, field: "limit")
        let now = clock.now()
        return try await read { db in
            let (sql, arguments) = try Self.loanListing(db, filter, now: now)
            return try db.all(sql, arguments: arguments) { row in try Lookup.loan(row) }
        }
    }

    /// The same loans as ``loans(_:)``, each handed to `each` as its row is read, in place (no ``Loan`` made
    /// for each: for writing a listing out). `each` runs before this returns, in id order. What it throws
    /// ends the listing and is thrown here.
    public func loanRows(_ filter: LoanFilter, each: (LoanRow) throws -> Void) async throws(RentalError) {
        _ = try Validate.range(filter.limit, 1...1000, field: "limit")
        let now = clock.now()
        try await read { db in
            let (sql, arguments) = try Self.loanListing(db, filter, now: now)
            try db.each(sql, arguments: arguments) { row in try each(Lookup.loanRow(row)) }
        }
    }

    /// The query behind ``loans(_:)``.
    static func loanListing(_ db: Database, _ filter: LoanFilter, now: Date) throws -> (String, StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let centre = filter.centre {
            conditions.append("l.centre_id = ?")
            arguments += [try Lookup.centreID(db, centre)]
        }
        if let family = filter.family {
            conditions.append("l.family_id = ?")
            arguments += [try Lookup.family(db, family).id]
        }
        if filter.openOnly || filter.overdueOnly { conditions.append("l.state = 'open'") }
        if let before = filter.dueBefore {
            conditions.append("l.due_date < ?")
            arguments += [before.description]
        }
        var from = Lookup.loanSelect
        if filter.overdueOnly {
            // Walk the open loans in id order from the cursor (index loan_open_listing, which holds every loan
            // column shown) and keep those due before today in their centre's zone: a page reads about its
            // own size of index entries instead of collecting every overdue loan again. The centres'
            // todays lie within a day of each other: a due date before the earliest is overdue everywhere,
            // one from the latest on nowhere, and only a loan due in between looks up its centre's today.
            // (Joining every loan to the list of todays instead cost a quarter of the listing.) With a
            // family, its few loans are the shorter walk.
            let (today, todayArguments, range) = try todayByCentreWithRange(db, now: now)
            if filter.family == nil { from = Lookup.openLoanSelectByID }
            from = "WITH \(today) " + from
            conditions.append("""
                l.due_date < ? AND (l.due_date < ? OR l.due_date < (SELECT day FROM today WHERE today.centre_id = l.centre_id))
                """)
            arguments = todayArguments + arguments + [range?.upperBound.description, range?.lowerBound.description]
        }
        if let after = filter.afterID {
            conditions.append("l.id > ?")
            arguments += [after]
        }
        let filterSQL = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return (from + filterSQL + " ORDER BY l.id LIMIT ?", arguments + [filter.limit])
    }

    /// Today's date in a centre's zone, by the store's clock.
    public func today(at centre: String) async throws(RentalError) -> LocalDate {
        let now = clock.now()
        return try await read { db in LocalDate(now, in: Lookup.zone(try Lookup.centre(db, centre).centre)) }
    }

    /// The family's open loans, by id: each one's category and whether it is overdue today in its
    /// centre's zone.
    static func openLoans(_ db: Database, familyID: Int64, now: Date) throws -> [(id: Int64, category: String, overdue: Bool)] {
        var todayInZone: [String: LocalDate] = [:]  // a family's loans are mostly from one centre
        return try db.all("""
            SELECT l.id, l.due_date, c.time_zone, t.category FROM loan l JOIN centre c ON c.id = l.centre_id
            JOIN unit u ON u.id = l.unit_id JOIN item_type t ON t.id = u.item_type_id
            WHERE l.family_id = ? AND l.state = 'open' ORDER BY l.id
            """, binding: familyID) { row in
            let zone: String = try row[2]
            let today = todayInZone[zone] ?? LocalDate(now, in: Lookup.zone(zone))
            todayInZone[zone] = today
            return try (row[0], row[3], Lookup.date(row[1]) < today)
        }
    }
}
