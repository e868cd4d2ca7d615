import Foundation
import GRDB

/// Fetching rows by their public keys and turning them into values; throws not-found errors.
enum Lookup {
    /// A stored date. The schema only ever receives validated dates, so the fallback is unreachable.
    static func date(_ text: String) -> LocalDate {
        LocalDate(text) ?? LocalDate(serialDay: 0)
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
        for row in try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments) {
            guard let first = LocalDate(row[0] as String), let last = LocalDate(row[1] as String) else { continue }
            result[row[5], default: []].append(
                Closure(id: row[4], firstDay: first, lastDay: last, kind: Closure.Kind(rawValue: row[2]) ?? .other, note: row[3]))
        }
        return result
    }

    /// The columns ``centre(_:closures:)`` reads, by position (reading by name costs a search per column).
    static let centreSelect = "SELECT id, code, name, region, time_zone, open_days FROM centre"

    /// A centre from a row of ``centreSelect``.
    static func centre(_ row: Row, closures: [Closure]) -> Centre {
        Centre(code: row[1], name: row[2], region: row[3], timeZone: row[4], openDays: days(row[5]), closures: closures)
    }

    static func centre(_ db: Database, _ code: String) throws -> (id: Int64, centre: Centre) {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: centreSelect + " WHERE code = ?"), arguments: [code]) else {
            throw RentalError(.centreNotFound, "no centre with code \(code)")
        }
        let id: Int64 = row[0]
        return (id, centre(row, closures: try closuresByCentre(db, centreID: id)[id] ?? []))
    }

    static func centreID(_ db: Database, _ code: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM centre WHERE code = ?"), arguments: [code]) else {
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
    static func itemType(_ row: Row) -> ItemType {
        ItemType(code: row[1], name: row[2], category: Category(rawValue: row[3]) ?? .other,
                 sanitiseAfterReturn: row[4], safetyCheckDays: row[5], infantAgeLimitMonths: row[6], recalled: row[7],
                 recallNote: row[8])
    }

    static func itemType(_ db: Database, _ code: String) throws -> (id: Int64, itemType: ItemType) {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: itemTypeSelect + " WHERE code = ?"), arguments: [code]) else {
            throw RentalError(.itemTypeNotFound, "no item type with code \(code)")
        }
        return (row[0], itemType(row))
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
    static func unit(_ row: Row) -> RentalUnit {
        RentalUnit(inventoryNumber: row[1], itemType: row[2], homeCentre: row[3], currentCentre: row[4], transitTo: row[5],
                   status: UnitStatus(rawValue: row[6]) ?? .retired,
                   condition: Condition(rawValue: row[7]) ?? .fair,
                   acquiredOn: (row[8] as String?).flatMap(LocalDate.init),
                   costMinor: row[9], fundingSource: row[10],
                   lastSafetyCheck: (row[11] as String?).flatMap(LocalDate.init), note: row[12])
    }

    static func unit(_ db: Database, _ inventoryNumber: String) throws -> (id: Int64, unit: RentalUnit) {
        let number = try Validate.identifier(inventoryNumber, field: "inventoryNumber")
        guard let row = try Row.fetchOne(db.cachedStatement(sql: unitSelect + " WHERE u.inventory_number = ?"), arguments: [number]) else {
            throw RentalError(.unitNotFound, "no unit with inventory number \(number)")
        }
        return (row[0], unit(row))
    }

    // MARK: Families

    static func family(_ db: Database, _ reference: String) throws -> (id: Int64, family: Family) {
        let ref = try Validate.identifier(reference, field: "family")
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, reference, contact_surname, contact_given_names, phone, address, low_income_until, social_contract,
                   consent_on, status
            FROM family WHERE reference = ?
            """), arguments: [ref]) else {
            // Not repeated: staff may have typed a surname or a phone number where the reference belongs.
            throw RentalError(.familyNotFound, "no family with that reference")
        }
        let id: Int64 = row[0]
        let children = try Row.fetchAll(db.cachedStatement(sql: "SELECT birth_date, expected FROM child WHERE family_id = ? ORDER BY birth_date"),
                                        arguments: [id]).compactMap { child in
            LocalDate(child[0] as String).map { Child(birthDate: $0, expected: child[1]) }
        }
        let family = Family(
            reference: row[1], contactSurname: row[2], contactGivenNames: row[3], phone: row[4], address: row[5],
            lowIncomeUntil: date(row[6]), socialContract: row[7],
            consentOn: (row[8] as String?).flatMap(LocalDate.init), children: children,
            status: FamilyStatus(rawValue: row[9]) ?? .suspended)
        return (id, family)
    }

    // MARK: Loans

    /// The columns ``loan(_:)`` reads, by position (reading by name costs a search per column per row).
    static let loanSelect = """
        SELECT l.id, u.inventory_number, t.code, f.reference, c.code, l.issued_by, l.issued_at, l.issued_on,
               l.backdated, l.due_date, l.renewals, l.state, l.closed_at, l.closed_by, r.code,
               l.return_condition, l.return_note
        FROM loan l
        JOIN unit u ON u.id = l.unit_id
        JOIN item_type t ON t.id = u.item_type_id
        JOIN family f ON f.id = l.family_id
        JOIN centre c ON c.id = l.centre_id
        LEFT JOIN centre r ON r.id = l.returned_to_centre_id
        """

    /// A loan from a row of ``loanSelect``.
    static func loan(_ row: Row) -> Loan {
        Loan(id: row[0], inventoryNumber: row[1], itemType: row[2], family: row[3], centre: row[4], issuedBy: row[5],
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

    /// Loans from a statement selecting ``loanSelect``'s columns, each decoded from the live statement
    /// (a fetched `Row` would copy every column first).
    static func loans(_ statement: Statement, arguments: StatementArguments) throws -> [Loan] {
        try LoanRecord.fetchAll(statement, arguments: arguments).map(\.loan)
    }

    private struct LoanRecord: FetchableRecord {
        let loan: Loan

        init(row: Row) {
            loan = Lookup.loan(row)
        }
    }

    static func loan(_ db: Database, id: Int64) throws -> Loan {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: loanSelect + " WHERE l.id = ?"), arguments: [id]) else {
            throw RentalError(.loanNotFound, "no loan with id \(id)")
        }
        return loan(row)
    }
}
