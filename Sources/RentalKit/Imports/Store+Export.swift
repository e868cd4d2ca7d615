import Foundation
import GRDB
import Synchronization

extension RentalStore {
    /// A register as CSV in the format ``importCSV(_:from:options:by:)`` reads (UTF-8 with a byte-order
    /// mark, `;`, Russian headers, CRLF, dd.mm.yyyy, decimal comma) or as JSON. Exporting, importing into a
    /// store without those records and exporting again gives the same bytes. Families are admin only;
    /// units, centres and loans any role. `centre` narrows units (home centre) and loans. Anonymised
    /// families are left out of the families register (their loans stay in the loans export).
    public func export(_ kind: ExportKind, format: ExportFormat = .csv, centre: String? = nil,
                       by who: Principal) async throws(RentalError) -> Data {
        let whole = Mutex(Data())
        try await export(kind, format: format, centre: centre, by: who) { chunk in whole.withLock { $0.append(chunk) } }
        return whole.withLock { $0 }
    }

    /// The same register, handed to `write` in pieces of about `chunkBytes` as the rows are read, so that a
    /// register of any size takes bounded memory. `write` is called in order on a reader's queue and may
    /// block until its consumer has room (that holds only the reader, on its snapshot); what it throws ends
    /// the export. Refusals (role, unknown centre) come before the first piece; the first piece of a CSV is
    /// its header.
    public func export(_ kind: ExportKind, format: ExportFormat = .csv, centre: String? = nil, by who: Principal,
                       chunkBytes: Int = 64 * 1024,
                       write: @escaping @Sendable (Data) throws -> Void) async throws(RentalError) {
        if kind == .families { try who.requireAdmin("exporting families") }
        try await readWholeStore { db in
            let centreID = try centre.map { try Lookup.centreID(db, $0) }
            var out = ExportSink(chunkBytes: chunkBytes, write: write)
            switch (kind, format) {
            case (.units, .csv): try Self.unitsCSV(db, centreID: centreID, &out)
            case (.families, .csv): try Self.familiesCSV(db, &out)
            case (.centres, .csv): try Self.centresCSV(db, &out)
            case (.loans, .csv): try Self.loansCSV(db, centreID: centreID, &out)
            case (.units, .json):
                let rows = try Row.fetchCursor(db, sql: Lookup.unitSelect
                    + (centreID == nil ? "" : " WHERE u.home_centre_id = \(centreID ?? 0)") + " ORDER BY u.inventory_number")
                try out.jsonArray(rows.map { row in try Lookup.unit(row) })
            case (.families, .json):
                let references = try String.fetchCursor(db, sql: Self.familyReferences)
                try out.jsonArray(references.map { try Lookup.family(db, $0).family })
            case (.centres, .json):
                let closures = try Lookup.closuresByCentre(db)
                try out.jsonArray(try Row.fetchCursor(db, sql: Lookup.centreSelect + " ORDER BY code")
                    .map { row in try Lookup.centre(row, closures: closures[row[0]] ?? []) })
            case (.loans, .json):
                let rows = try Row.fetchCursor(db, sql: Lookup.loanSelect
                    + (centreID == nil ? "" : " WHERE l.centre_id = \(centreID ?? 0)") + " ORDER BY l.id")
                try out.jsonArray(rows.map { row in try Lookup.loan(row) })
            }
            try out.flush()
        }
    }

    /// Families in a register: anonymised ones are no one's record any more (and could not be imported).
    private static let familyReferences = "SELECT reference FROM family WHERE anonymised_on IS NULL ORDER BY reference"

    private static func unitsCSV(_ db: Database, centreID: Int64?, _ out: inout ExportSink) throws {
        try out.csvHeader(CSVColumn.columns(.units).map(\.russian))
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT u.inventory_number, t.code, c.code, u.condition, u.acquired_on, u.cost_minor, u.funding_source,
                   u.last_safety_check
            FROM unit u JOIN item_type t ON t.id = u.item_type_id JOIN centre c ON c.id = u.home_centre_id
            \(centreID == nil ? "" : "WHERE u.home_centre_id = ?") ORDER BY u.inventory_number
            """, arguments: centreID.map { [$0] } ?? [])
        while let row = try cursor.next() {
            try out.csvRow([row[0], row[1], row[2], CSVValues.condition(Condition(rawValue: row[3]) ?? .new),
                            CSVValues.date((row[4] as String?).flatMap(LocalDate.init)), CSVValues.roubles(row[5]),
                            row[6] ?? "", CSVValues.date((row[7] as String?).flatMap(LocalDate.init))])
        }
    }

    private static func familiesCSV(_ db: Database, _ out: inout ExportSink) throws {
        try out.csvHeader(CSVColumn.columns(.families).map(\.russian))
        let references = try String.fetchCursor(db, sql: familyReferences)
        while let reference = try references.next() {
            let family = try Lookup.family(db, reference).family
            try out.csvRow([family.reference, family.contactSurname, family.contactGivenNames, family.phone, family.address,
                            CSVValues.date(family.lowIncomeUntil), family.socialContract ?? "", CSVValues.date(family.consentOn),
                            CSVValues.children(family.children), CSVValues.status(family.status)])
        }
    }

    private static func centresCSV(_ db: Database, _ out: inout ExportSink) throws {
        try out.csvHeader(CSVColumn.columns(.centres).map(\.russian))
        for row in try Row.fetchAll(db, sql: Lookup.centreSelect + " ORDER BY code") {
            let centre = try Lookup.centre(row, closures: [])
            try out.csvRow([centre.code, centre.name, centre.region, centre.timeZone, CSVValues.weekdays(centre.openDays)])
        }
    }

    private static func loansCSV(_ db: Database, centreID: Int64?, _ out: inout ExportSink) throws {
        try out.csvHeader(["Номер выдачи", "Инвентарный номер", "Тип", "Номер семьи", "Центр", "Дата выдачи",
                           "Срок возврата", "Продлений", "Состояние", "Дата закрытия", "Возвращено в центр"])
        let rows = try Row.fetchCursor(db, sql: Lookup.loanSelect
            + (centreID == nil ? "" : " WHERE l.centre_id = ?") + " ORDER BY l.id", arguments: centreID.map { [$0] } ?? [])
        let zone = ZoneRules.utc
        while let row = try rows.next() {
            let loan = try Lookup.loan(row)
            let state = switch loan.state { case .open: "выдано"; case .returned: "возвращено"; case .lost: "утеряно" }
            try out.csvRow(["\(loan.id)", loan.inventoryNumber, loan.itemType, loan.family, loan.centre, CSVValues.date(loan.issuedOn),
                            CSVValues.date(loan.dueDate), "\(loan.renewals)", state,
                            CSVValues.date(loan.closedAt.map { LocalDate($0, in: zone) }), loan.returnedTo ?? ""])
        }
    }
}
