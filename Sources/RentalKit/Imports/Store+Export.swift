import Foundation
import GRDB

extension RentalStore {
    /// A register as CSV in the format ``importCSV(_:from:options:by:)`` reads (UTF-8 with a byte-order
    /// mark, `;`, Russian headers, CRLF, dd.mm.yyyy, decimal comma) or as JSON. Exporting, importing into a
    /// store without those records and exporting again gives the same bytes. Families are admin only;
    /// units, centres and loans any role. `centre` narrows units (home centre) and loans. Anonymised
    /// families are left out of the families register (their loans stay in the loans export).
    public func export(_ kind: ExportKind, format: ExportFormat = .csv, centre: String? = nil,
                       by who: Principal) async throws(RentalError) -> Data {
        if kind == .families { try who.requireAdmin("exporting families") }
        return try await readWholeStore { db in
            let centreID = try centre.map { try Lookup.centreID(db, $0) }
            switch (kind, format) {
            case (.units, .csv): return try Self.unitsCSV(db, centreID: centreID)
            case (.families, .csv): return try Self.familiesCSV(db)
            case (.centres, .csv): return try Self.centresCSV(db)
            case (.loans, .csv): return try Self.loansCSV(db, centreID: centreID)
            case (.units, .json): return try Self.json(try Row.fetchAll(db, sql: Lookup.unitSelect
                + (centreID == nil ? "" : " WHERE u.home_centre_id = \(centreID ?? 0)") + " ORDER BY u.inventory_number").map(Lookup.unit))
            case (.families, .json): return try Self.json(try String.fetchAll(db, sql: Self.familyReferences)
                .map { try Lookup.family(db, $0).family })
            case (.centres, .json):
                let closures = try Lookup.closuresByCentre(db)
                return try Self.json(try Row.fetchAll(db, sql: Lookup.centreSelect + " ORDER BY code")
                    .map { Lookup.centre($0, closures: closures[$0[0]] ?? []) })
            case (.loans, .json):
                return try Self.json(try Lookup.loans(db.makeStatement(sql: Lookup.loanSelect
                    + (centreID == nil ? "" : " WHERE l.centre_id = \(centreID ?? 0)") + " ORDER BY l.id"), arguments: []))
            }
        }
    }

    /// Families in a register: anonymised ones are no one's record any more (and could not be imported).
    private static let familyReferences = "SELECT reference FROM family WHERE anonymised_on IS NULL ORDER BY reference"

    private static func json<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(value)
    }

    private static func unitsCSV(_ db: Database, centreID: Int64?) throws -> Data {
        var csv = CSVText(.units)
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT u.inventory_number, t.code, c.code, u.condition, u.acquired_on, u.cost_minor, u.funding_source,
                   u.last_safety_check
            FROM unit u JOIN item_type t ON t.id = u.item_type_id JOIN centre c ON c.id = u.home_centre_id
            \(centreID == nil ? "" : "WHERE u.home_centre_id = ?") ORDER BY u.inventory_number
            """, arguments: centreID.map { [$0] } ?? [])
        while let row = try cursor.next() {
            csv.row([row[0], row[1], row[2], CSVValues.condition(Condition(rawValue: row[3]) ?? .new),
                     CSVValues.date((row[4] as String?).flatMap(LocalDate.init)), CSVValues.roubles(row[5]),
                     row[6] ?? "", CSVValues.date((row[7] as String?).flatMap(LocalDate.init))])
        }
        return csv.data
    }

    private static func familiesCSV(_ db: Database) throws -> Data {
        var csv = CSVText(.families)
        for reference in try String.fetchAll(db, sql: familyReferences) {
            let family = try Lookup.family(db, reference).family
            csv.row([family.reference, family.contactSurname, family.contactGivenNames, family.phone, family.address,
                     CSVValues.date(family.lowIncomeUntil), family.socialContract ?? "", CSVValues.date(family.consentOn),
                     CSVValues.children(family.children), CSVValues.status(family.status)])
        }
        return csv.data
    }

    private static func centresCSV(_ db: Database) throws -> Data {
        var csv = CSVText(.centres)
        for row in try Row.fetchAll(db, sql: Lookup.centreSelect + " ORDER BY code") {
            let centre = Lookup.centre(row, closures: [])
            csv.row([centre.code, centre.name, centre.region, centre.timeZone, CSVValues.weekdays(centre.openDays)])
        }
        return csv.data
    }

    private static func loansCSV(_ db: Database, centreID: Int64?) throws -> Data {
        var csv = CSVText(header: ["Номер выдачи", "Инвентарный номер", "Тип", "Номер семьи", "Центр", "Дата выдачи",
                                   "Срок возврата", "Продлений", "Состояние", "Дата закрытия", "Возвращено в центр"])
        let statement = try db.makeStatement(sql: Lookup.loanSelect
            + (centreID == nil ? "" : " WHERE l.centre_id = ?") + " ORDER BY l.id")
        let zone = TimeZone.gmt
        for loan in try Lookup.loans(statement, arguments: centreID.map { [$0] } ?? []) {
            let state = switch loan.state { case .open: "выдано"; case .returned: "возвращено"; case .lost: "утеряно" }
            csv.row(["\(loan.id)", loan.inventoryNumber, loan.itemType, loan.family, loan.centre, CSVValues.date(loan.issuedOn),
                     CSVValues.date(loan.dueDate), "\(loan.renewals)", state,
                     CSVValues.date(loan.closedAt.map { LocalDate($0, in: zone) }), loan.returnedTo ?? ""])
        }
        return csv.data
    }
}

/// CSV as Excel in a Russian locale writes it: UTF-8 with a byte-order mark, `;`, CRLF, fields quoted when
/// they hold `;`, `"`, a line break or spaces at either end.
struct CSVText {
    private(set) var data = Data([0xEF, 0xBB, 0xBF])

    init(header: [String]) { row(header) }

    init(_ kind: ImportKind) { self.init(header: CSVColumn.columns(kind).map(\.russian)) }

    mutating func row(_ fields: [String]) {
        var line = ""
        for (index, field) in fields.enumerated() {
            if index > 0 { line += ";" }
            let quote = field.contains { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "," }
                || field.first?.isWhitespace == true || field.last?.isWhitespace == true
            line += quote ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
        data.append(contentsOf: (line + "\r\n").utf8)
    }
}
