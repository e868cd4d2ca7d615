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
        var sql = "SELECT * FROM closure"
        var arguments: StatementArguments = []
        if let centreID {
            sql += " WHERE centre_id = ?"
            arguments = [centreID]
        }
        sql += " ORDER BY first_day, id"
        var result: [Int64: [Closure]] = [:]
        for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
            guard let first = LocalDate(row["first_day"] as String), let last = LocalDate(row["last_day"] as String) else { continue }
            let closure = Closure(id: row["id"], firstDay: first, lastDay: last,
                                  kind: Closure.Kind(rawValue: row["kind"]) ?? .other, note: row["note"])
            result[row["centre_id"], default: []].append(closure)
        }
        return result
    }

    static func centre(_ row: Row, closures: [Closure]) -> Centre {
        Centre(code: row["code"], name: row["name"], region: row["region"], timeZone: row["time_zone"],
               openDays: days(row["open_days"]), closures: closures)
    }

    static func centre(_ db: Database, _ code: String) throws -> (id: Int64, centre: Centre) {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM centre WHERE code = ?"), arguments: [code]) else {
            throw RentalError(.centreNotFound, "no centre with code \(code)")
        }
        let id: Int64 = row["id"]
        return (id, centre(row, closures: try closuresByCentre(db, centreID: id)[id] ?? []))
    }

    static func centreID(_ db: Database, _ code: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM centre WHERE code = ?"), arguments: [code]) else {
            throw RentalError(.centreNotFound, "no centre with code \(code)")
        }
        return id
    }

    static func zone(_ centre: Centre) -> TimeZone {
        zone(centre.timeZone)
    }

    /// A stored zone identifier (validated when the centre was added, so the fallback is unreachable).
    static func zone(_ identifier: String) -> TimeZone {
        TimeZone(identifier: identifier) ?? .gmt
    }

    // MARK: Catalogue

    static func itemType(_ row: Row) -> ItemType {
        ItemType(code: row["code"], name: row["name"], category: Category(rawValue: row["category"]) ?? .other,
                 sanitiseAfterReturn: row["sanitise_after_return"], safetyCheckDays: row["safety_check_days"],
                 infantAgeLimitMonths: row["infant_age_limit_months"], recalled: row["recalled"],
                 recallNote: row["recall_note"])
    }

    static func itemType(_ db: Database, _ code: String) throws -> (id: Int64, itemType: ItemType) {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM item_type WHERE code = ?"), arguments: [code]) else {
            throw RentalError(.itemTypeNotFound, "no item type with code \(code)")
        }
        return (row["id"], itemType(row))
    }

    // MARK: Units

    static let unitSelect = """
        SELECT u.*, t.code AS type_code, h.code AS home_code, c.code AS current_code, d.code AS transit_code
        FROM unit u
        JOIN item_type t ON t.id = u.item_type_id
        JOIN centre h ON h.id = u.home_centre_id
        JOIN centre c ON c.id = u.current_centre_id
        LEFT JOIN centre d ON d.id = u.transit_to_centre_id
        """

    static func unit(_ row: Row) -> RentalUnit {
        RentalUnit(inventoryNumber: row["inventory_number"], itemType: row["type_code"], homeCentre: row["home_code"],
             currentCentre: row["current_code"], transitTo: row["transit_code"],
             status: UnitStatus(rawValue: row["status"]) ?? .retired,
             condition: Condition(rawValue: row["condition"]) ?? .fair,
             acquiredOn: (row["acquired_on"] as String?).flatMap(LocalDate.init),
             costMinor: row["cost_minor"], fundingSource: row["funding_source"],
             lastSafetyCheck: (row["last_safety_check"] as String?).flatMap(LocalDate.init), note: row["note"])
    }

    static func unit(_ db: Database, _ inventoryNumber: String) throws -> (id: Int64, unit: RentalUnit) {
        let number = try Validate.identifier(inventoryNumber, field: "inventoryNumber")
        guard let row = try Row.fetchOne(db.cachedStatement(sql: unitSelect + " WHERE u.inventory_number = ?"), arguments: [number]) else {
            throw RentalError(.unitNotFound, "no unit with inventory number \(number)")
        }
        return (row["id"], unit(row))
    }

    // MARK: Families

    static func family(_ db: Database, _ reference: String) throws -> (id: Int64, family: Family) {
        let ref = try Validate.identifier(reference, field: "family")
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM family WHERE reference = ?"), arguments: [ref]) else {
            // Not repeated: staff may have typed a surname or a phone number where the reference belongs.
            throw RentalError(.familyNotFound, "no family with that reference")
        }
        let id: Int64 = row["id"]
        let children = try Row.fetchAll(db.cachedStatement(sql: "SELECT birth_date, expected FROM child WHERE family_id = ? ORDER BY birth_date"),
                                        arguments: [id]).compactMap { child in
            LocalDate(child["birth_date"] as String).map { Child(birthDate: $0, expected: child["expected"]) }
        }
        let family = Family(
            reference: row["reference"], contactSurname: row["contact_surname"],
            contactGivenNames: row["contact_given_names"], phone: row["phone"], address: row["address"],
            lowIncomeUntil: date(row["low_income_until"]),
            socialContract: row["social_contract"],
            consentOn: (row["consent_on"] as String?).flatMap(LocalDate.init), children: children,
            status: FamilyStatus(rawValue: row["status"]) ?? .suspended)
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

    static func loan(_ db: Database, id: Int64) throws -> Loan {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: loanSelect + " WHERE l.id = ?"), arguments: [id]) else {
            throw RentalError(.loanNotFound, "no loan with id \(id)")
        }
        return loan(row)
    }
}
