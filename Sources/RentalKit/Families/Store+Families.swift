import Foundation
import GRDB

extension RentalStore {
    /// Registers a family. Any staff or admin.
    public func registerFamily(_ family: Family, by who: Principal) async throws(RentalError) -> Family {
        try who.requireWrite("registering a family")
        var family = family
        family.reference = try Validate.identifier(family.reference, field: "reference")
        try validate(&family)
        let stored = family
        return try await write { db in
            try db.cachedStatement(sql: """
                INSERT INTO family (reference, contact_surname, contact_given_names, surname_folded, phone, phone_digits,
                                    address, low_income_until, social_contract, consent_on, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [stored.reference, stored.contactSurname, stored.contactGivenNames,
                                 Validate.folded(stored.contactSurname), stored.phone, Validate.phoneDigits(stored.phone),
                                 stored.address, stored.lowIncomeUntil.description, stored.socialContract,
                                 stored.consentOn?.description, stored.status.rawValue])
            try Self.saveChildren(db, familyID: db.lastInsertedRowID, stored.children)
            try self.audit(db, who, "family.register", "family", stored.reference,
                           ["children": "\(stored.children.count)"])
            return try Lookup.family(db, stored.reference).family
        }
    }

    /// One family by reference number.
    public func family(_ reference: String) async throws(RentalError) -> Family {
        try await read { db in try Lookup.family(db, reference).family }
    }

    /// Changes a family's details. Any staff or admin. The audit names the changed fields, not their values.
    public func updateFamily(_ reference: String, _ update: FamilyUpdate, by who: Principal) async throws(RentalError) -> Family {
        try who.requireWrite("changing a family")
        return try await write { db in
            let (id, old) = try Lookup.family(db, reference)
            if try Bool.fetchOne(db.cachedStatement(sql: "SELECT anonymised_on IS NOT NULL FROM family WHERE id = ?"),
                                 arguments: [id]) == true {
                throw RentalError(.invalidInput, "family \(old.reference) is anonymised: its details cannot be changed")
            }
            var new = old
            if let value = update.contactSurname { new.contactSurname = value }
            if let value = update.contactGivenNames { new.contactGivenNames = value }
            if let value = update.phone { new.phone = value }
            if let value = update.address { new.address = value }
            if let value = update.lowIncomeUntil { new.lowIncomeUntil = value }
            if let value = update.socialContract { new.socialContract = value.isEmpty ? nil : value }
            if let value = update.consentOn { new.consentOn = value }
            if let value = update.children { new.children = value }
            try self.validate(&new)
            try db.cachedStatement(sql: """
                UPDATE family SET contact_surname = ?, contact_given_names = ?, surname_folded = ?, phone = ?,
                    phone_digits = ?, address = ?, low_income_until = ?, social_contract = ?, consent_on = ?
                WHERE id = ?
                """).execute(arguments: [new.contactSurname, new.contactGivenNames, Validate.folded(new.contactSurname),
                                 new.phone, Validate.phoneDigits(new.phone), new.address, new.lowIncomeUntil.description,
                                 new.socialContract, new.consentOn?.description, id])
            if new.children != old.children {
                try db.cachedStatement(sql: "DELETE FROM child WHERE family_id = ?").execute(arguments: [id])
                try Self.saveChildren(db, familyID: id, new.children)
            }
            let changed = Self.changedFields(old, new)
            try self.audit(db, who, "family.update", "family", old.reference, ["fields": changed.joined(separator: ",")])
            // A renewed status, a consent or a child may make the family eligible for a unit already free.
            _ = try self.offerFreeUnits(db, to: .family(id), who: who, now: self.clock.now())
            return try Lookup.family(db, old.reference).family
        }
    }

    /// Suspends a family (no more checkouts) or reinstates it. Any staff or admin.
    public func setFamilyStatus(_ status: FamilyStatus, family reference: String,
                                by who: Principal) async throws(RentalError) -> Family {
        try who.requireWrite("changing a family's status")
        return try await write { db in
            let (id, family) = try Lookup.family(db, reference)
            try db.cachedStatement(sql: "UPDATE family SET status = ? WHERE id = ?").execute(arguments: [status.rawValue, id])
            try self.audit(db, who, status == .active ? "family.reinstate" : "family.suspend", "family", family.reference)
            if status == .active { _ = try self.offerFreeUnits(db, to: .family(id), who: who, now: self.clock.now()) }
            return try Lookup.family(db, family.reference).family
        }
    }

    /// Finds families by reference number (exact), phone number (all its digits, or its last 5 or
    /// more) or part of the contact's surname, case-insensitively in any script («иван» finds
    /// «ИВАНОВА», «семёнов» finds «Семенова»). At most `limit` results, by reference.
    public func findFamilies(_ query: String, limit: Int = 50) async throws(RentalError) -> [Family] {
        let query = try Validate.text(query, field: "query", max: 100)
        let limit = try Validate.range(limit, 1...500, field: "limit")
        let digits = Validate.phoneDigits(query)
        let isPhone = digits.count >= 5 && query.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || " +-()".unicodeScalars.contains($0) }
        return try await read { db in
            let references: [String]
            if isPhone {
                references = try String.fetchAll(db.cachedStatement(sql: """
                    SELECT reference FROM family WHERE phone_digits = ? OR phone_digits LIKE ? ESCAPE '\\'
                    ORDER BY reference LIMIT ?
                    """), arguments: [digits, "%" + Validate.likeEscaped(digits), limit])
            } else {
                references = try String.fetchAll(db.cachedStatement(sql: """
                    SELECT reference FROM family WHERE reference = ? OR surname_folded LIKE ? ESCAPE '\\'
                    ORDER BY reference LIMIT ?
                    """), arguments: [query.uppercased(), "%" + Validate.likeEscaped(Validate.folded(query)) + "%", limit])
            }
            return try references.map { try Lookup.family(db, $0).family }
        }
    }

    /// The checks registering or changing a family makes (the CSV import makes the same); normal forms.
    func validate(_ family: inout Family) throws(RentalError) {
        family.contactSurname = try Validate.text(family.contactSurname, field: "contactSurname", max: 100)
        family.contactGivenNames = try Validate.text(family.contactGivenNames, field: "contactGivenNames", min: 0, max: 200)
        family.phone = try Validate.phone(family.phone).display
        family.address = try Validate.text(family.address, field: "address", min: 0, max: 500)
        family.socialContract = try Validate.optionalText(family.socialContract, field: "socialContract", max: 60)
        guard family.children.count <= 30 else { throw .invalid("children", "at most 30 children") }
        family.children.sort { ($0.birthDate, $0.expected ? 1 : 0) < ($1.birthDate, $1.expected ? 1 : 0) }
        let today = LocalDate(clock.now(), in: ZoneRules.utc)
        for (index, child) in family.children.enumerated() {
            if child.expected {
                guard child.birthDate <= today.adding(months: 10) else {
                    throw .invalid("children[\(index)].birthDate", "an expected birth date is at most 10 months ahead")
                }
            } else if child.birthDate > today.adding(days: 1) {
                throw .invalid("children[\(index)].birthDate", "is in the future: mark the child as expected")
            }
        }
        if let consent = family.consentOn, consent > today.adding(days: 1) {
            throw .invalid("consentOn", "must not be in the future")
        }
    }

    static func saveChildren(_ db: Database, familyID: Int64, _ children: [Child]) throws {
        for child in children {
            try db.cachedStatement(sql: "INSERT INTO child (family_id, birth_date, expected) VALUES (?, ?, ?)").execute(
                           arguments: [familyID, child.birthDate.description, child.expected])
        }
    }

    /// The names of the fields that differ (never their values).
    static func changedFields(_ old: Family, _ new: Family) -> [String] {
        var fields: [String] = []
        if old.contactSurname != new.contactSurname { fields.append("contactSurname") }
        if old.contactGivenNames != new.contactGivenNames { fields.append("contactGivenNames") }
        if old.phone != new.phone { fields.append("phone") }
        if old.address != new.address { fields.append("address") }
        if old.lowIncomeUntil != new.lowIncomeUntil { fields.append("lowIncomeUntil") }
        if old.socialContract != new.socialContract { fields.append("socialContract") }
        if old.consentOn != new.consentOn { fields.append("consentOn") }
        if old.children != new.children { fields.append("children") }
        return fields
    }
}
