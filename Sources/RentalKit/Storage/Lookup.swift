import Foundation
import GRDB

/// Fetching rows by their public keys and turning them into values; throws not-found errors.
enum Lookup {
    /// A stored date. The schema only ever receives validated dates, so the fallback is unreachable.
    static func date(_ text: String) -> LocalDate {
        LocalDate(text) ?? LocalDate(serialDay: 0)
    }

    /// A stored date read in place, decoded as ``date(_:)`` decodes it.
    static func date(utf8 text: UnsafeRawBufferPointer) -> LocalDate {
        LocalDate(utf8: text) ?? LocalDate(serialDay: 0)
    }

    // MARK: Centres

    static func mask(_ days: Set<Weekday>) -> Int {
        days.reduce(0) { $0 | (1 << ($1.isoNumber - 1)) }
    }

    static func days(_ mask: Int) -> Set<Weekday> {
        Set(Weekday.allCases.filter { mask & (1 << ($0.isoNumber - 1)) != 0 })
    }

    static func closuresByCentre(_ db: Database, centreID: Int64? = nil) throws -> [Int64: [Closure]] {
        var sql = "SELECT first_day, last_day, kind, note, id, centre_id FROM closure"
        var arguments: StatementArguments = []
        if let centreID {
            sql += " WHERE centre_id = ?"
            arguments = [centreID]
        }
        sql += " ORDER BY first_day, id"
        var result: [Int64: [Closure]] = [:]
        for (centreID, closure) in try db.all(sql, arguments: arguments, read: { row -> (Int64, Closure?) in
            guard let first = LocalDate(try row[0] as String), let last = LocalDate(try row[1] as String) else { return (0, nil) }
            return try (row[5], Closure(id: row[4], firstDay: first, lastDay: last, kind: Closure.Kind(rawValue: row[2]) ?? .other,
                                        note: row[3]))
        }) {
            if let closure { result[centreID, default: []].append(closure) }
        }
        return result
    }

    /// The columns ``centre(_:closures:)`` reads, by position (reading by name costs a search per column).
    static let centreSelect = "SELECT id, code, name, region, time_zone, open_days FROM centre"

    /// A centre from a row of ``centreSelect``.
    static func centre(_ row: some ColumnReading, closures: [Closure]) throws -> Centre {
        try Centre(code: row[1], name: row[2], region: row[3], timeZone: row[4], openDays: days(row[5]), closures: closures)
    }

    static func centre(_ db: Database, _ code: String) throws -> (id: Int64, centre: Centre) {
        guard let (id, centre) = try db.first(centreSelect + " WHERE code = ?", binding: code, read: { row in
            (try row[0] as Int64, try centre(row, closures: []))
        }) else {
            throw RentalError(.centreNotFound, "no centre with code \(code)")
        }
        var withClosures = centre
        withClosures.closures = try closuresByCentre(db, centreID: id)[id] ?? []
        return (id, withClosures)
    }

    static func centreID(_ db: Database, _ code: String) throws -> Int64 {
        guard let id = try db.first("SELECT id FROM centre WHERE code = ?", binding: code, read: { row in try row[0] as Int64 }) else {
            throw RentalError(.centreNotFound, "no centre with code \(code)")
        }
        return id
    }

    static func zone(_ centre: Centre) -> ZoneRules {
        zone(centre.timeZone)
    }

    /// A stored zone identifier: validated when the centre was added, and checked again when a store opens
    /// (``RentalStore/unknownTimeZones()``), so the fallback is unreachable.
    static func zone(_ identifier: String) -> ZoneRules {
        ZoneRules.named(identifier) ?? .utc
    }

    // MARK: Catalogue

    /// The columns ``itemType(_:)`` reads, by position.
    static let itemTypeSelect = """
        SELECT id, code, name, category, sanitise_after_return, safety_check_days, infant_age_limit_months, recalled,
               recall_note
        FROM item_type
        """

    /// An item type from a row of ``itemTypeSelect``.
    static func itemType(_ row: some ColumnReading) throws -> ItemType {
        try ItemType(code: row[1], name: row[2], category: Category(rawValue: row[3]) ?? .other,
                 sanitiseAfterReturn: row[4], safetyCheckDays: row[5], infantAgeLimitMonths: row[6], recalled: row[7],
                 recallNote: row[8])
    }

    static func itemType(_ db: Database, _ code: String) throws -> (id: Int64, itemType: ItemType) {
        guard let found = try db.first(itemTypeSelect + " WHERE code = ?", binding: code, read: { row in (try row[0] as Int64, try itemType(row)) }) else {
            throw RentalError(.itemTypeNotFound, "no item type with code \(code)")
        }
        return found
    }

    // MARK: Units

    /// The columns ``unit(_:)`` reads, by position.
    static let unitSelect = """
        SELECT u.id, u.inventory_number, t.code, h.code, c.code, d.code, u.status, u.condition, u.acquired_on,
               u.cost_minor, u.funding_source, u.last_safety_check, u.note
        FROM unit u
        JOIN item_type t ON t.id = u.item_type_id
        JOIN centre h ON h.id = u.home_centre_id
        JOIN centre c ON c.id = u.current_centre_id
        LEFT JOIN centre d ON d.id = u.transit_to_centre_id
        """

    /// A unit from a row of ``unitSelect``.
    static func unit(_ row: some ColumnReading) throws -> RentalUnit {
        try RentalUnit(inventoryNumber: row[1], itemType: row[2], homeCentre: row[3], currentCentre: row[4], transitTo: row[5],
                   status: UnitStatus(rawValue: row[6]) ?? .retired,
                   condition: Condition(rawValue: row[7]) ?? .fair,
                   acquiredOn: (row[8] as String?).flatMap(LocalDate.init),
                   costMinor: row[9], fundingSource: row[10],
                   lastSafetyCheck: (row[11] as String?).flatMap(LocalDate.init), note: row[12])
    }

    static func unit(_ db: Database, _ inventoryNumber: String) throws -> (id: Int64, unit: RentalUnit) {
        let number = try Validate.identifier(inventoryNumber, field: "inventoryNumber")
        guard let found = try db.first(unitSelect + " WHERE u.inventory_number = ?", binding: number, read: { row in (try row[0] as Int64, try unit(row)) }) else {
            throw RentalError(.unitNotFound, "no unit with inventory number \(number)")
        }
        return found
    }

    // MARK: Families

    static func family(_ db: Database, _ reference: String) throws -> (id: Int64, family: Family) {
        let ref = try Validate.identifier(reference, field: "family")
        guard let (id, family) = try db.first("""
            SELECT id, reference, contact_surname, contact_given_names, phone, address, low_income_until, social_contract,
                   consent_on, status
            FROM family WHERE reference = ?
            """, binding: ref, read: { row in
                try (row[0] as Int64, Family(
                    reference: row[1], contactSurname: row[2], contactGivenNames: row[3], phone: row[4], address: row[5],
                    lowIncomeUntil: date(row[6]), socialContract: row[7],
                    consentOn: (row[8] as String?).flatMap(LocalDate.init), children: [],
                    status: FamilyStatus(rawValue: row[9]) ?? .suspended))
            }) else {
            // Not repeated: staff may have typed a surname or a phone number where the reference belongs.
            throw RentalError(.familyNotFound, "no family with that reference")
        }
        var withChildren = family
        withChildren.children = try db.all("SELECT birth_date, expected FROM child WHERE family_id = ? ORDER BY birth_date", binding: id) { child in
            try LocalDate(child[0] as String).map { Child(birthDate: $0, expected: try child[1]) }
        }.compactMap { $0 }
        return (id, withChildren)
    }

    // MARK: Loans

    /// The columns ``loan(_:)`` reads, by position (reading by name costs a search per column per row).
    static let loanSelect = loanSelect(from: "loan l")

    /// ``loanSelect`` with another `FROM` for the loan table (`loan l INDEXED BY …`).
    static func loanSelect(from loanTable: String) -> String {
        """
        SELECT l.id, u.inventory_number, t.code, f.reference, c.code, l.issued_by, l.issued_at, l.issued_on,
               l.backdated, l.due_date, l.renewals, l.state, l.closed_at, l.closed_by, r.code,
               l.return_condition, l.return_note
        FROM \(loanTable)
        JOIN unit u ON u.id = l.unit_id
        JOIN item_type t ON t.id = u.item_type_id
        JOIN family f ON f.id = l.family_id
        JOIN centre c ON c.id = l.centre_id
        LEFT JOIN centre r ON r.id = l.returned_to_centre_id
        """
    }

    /// ``loanSelect`` walking the open loans in id order (the partial index `loan_open_listing`, which holds
    /// every loan column it reads).
    static let openLoanSelectByID = loanSelect(from: "loan l INDEXED BY loan_open_listing")

    /// A loan from a row of ``loanSelect``.
    static func loan(_ row: some ColumnReading) throws -> Loan {
        try Loan(id: row[0], inventoryNumber: row[1], itemType: row[2], family: row[3], centre: row[4], issuedBy: row[5],
             issuedAt: RentalStore.date(millis: row[6]),
             issuedOn: date(row[7]),
             backdated: row[8],
             dueDate: date(row[9]),
             renewals: row[10], state: LoanState(rawValue: row[11]) ?? .open,
             closedAt: (row[12] as Int64?).map(RentalStore.date(millis:)), closedBy: row[13],
             returnedTo: row[14],
             returnCondition: (row[15] as String?).flatMap(Condition.init(rawValue:)),
             returnNote: row[16])
    }

    /// Loans selected by ``loanSelect`` followed by `rest` (conditions on one id, and order), each decoded
    /// from the live statement.
    static func loans(_ db: Database, _ rest: String, binding id: Int64) throws -> [Loan] {
        try db.all(loanSelect + rest, binding: id) { row in try loan(row) }
    }

    static func loan(_ db: Database, id: Int64) throws -> Loan {
        guard let found = try db.first(loanSelect + " WHERE l.id = ?", binding: id, read: { row in try loan(row) }) else {
            throw RentalError(.loanNotFound, "no loan with id \(id)")
        }
        return found
    }
}
