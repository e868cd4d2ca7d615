import Foundation
import GRDB

extension RentalStore {
    /// Imports a register (units, families with children, or centres) from a CSV file as Russian offices
    /// write it. Admin only.
    ///
    /// All or nothing: every row is checked first with the same rules as the API; when anything is wrong
    /// the report lists every problem (line, column, what) and nothing is written. A clean file is written
    /// in one transaction. Rows identical to the stored record change nothing; rows that differ are problems
    /// unless ``ImportOptions/update`` is set, which applies them and reports each changed field.
    /// The file is read twice as a stream (check, then write), never whole.
    public func importCSV(_ kind: ImportKind, from source: CSVSource, options: ImportOptions = .init(),
                          by who: Principal) async throws(RentalError) -> ImportReport {
        try who.requireAdmin("importing a register")
        let importer = CSVImporter(store: self, kind: kind, source: source, options: options, who: who,
                                   layout: CSVLayout.detect(source, encoding: options.encoding))
        if options.dryRun {
            // A whole file is long work: on a reader's own queue, not on a thread that serves requests.
            return try await readWholeStore { db in try importer.run(db, apply: false) }
        }
        // One transaction for the whole file (not one commit per row): taken alone, so that the writer is
        // not shared with operations that would wait for a long import.
        return try await writeAlone { db in try importer.run(db, apply: true) }
    }
}

/// Checks a register, then (when asked and clean) writes it; both passes run the same code.
struct CSVImporter: Sendable {
    let store: RentalStore
    let kind: ImportKind
    let source: CSVSource
    let options: ImportOptions
    let who: Principal
    let layout: CSVLayout

    private enum Outcome { case add, same, change([String]) }

    func run(_ db: Database, apply: Bool) throws -> ImportReport {
        var report = try pass(db, write: false)
        guard apply, report.problems.isEmpty, report.added + report.updated > 0 else { return report }
        _ = try pass(db, write: true)
        try store.audit(db, who, "import.\(kind.rawValue)", "import", kind.rawValue,
                        ["rows": "\(report.rows)", "added": "\(report.added)", "updated": "\(report.updated)"])
        // New units, and families whose status or children changed, meet the families waiting.
        if kind != .centres { _ = try store.offerFreeUnits(db, to: .everyone, who: who, now: store.clock.now()) }
        report.written = true
        return report
    }

    private func pass(_ db: Database, write: Bool) throws -> ImportReport {
        var report = ImportReport(kind: kind, encoding: layout.encoding, separator: String(layout.separator), rows: 0,
                                  added: 0, updated: 0, unchanged: 0, changes: [], problems: [], written: false)
        guard let last = source.lastByte() else {
            report.problems.append(.file("the file is empty", "файл пуст"))
            return report
        }
        let rows = try CSVRows(source, layout: layout)
        let columns = CSVColumn.columns(kind)
        var positions: [String: Int] = [:]
        var headers: [String: String] = [:]
        for (position, raw) in rows.header.enumerated() {
            let header = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if header.isEmpty { continue }
            guard let column = columns.first(where: { $0.matches(header) }) else {
                report.problems.append(.file("unknown column", "неизвестный столбец", line: 1, column: header))
                continue
            }
            guard positions[column.key] == nil else {
                report.problems.append(.file("the column appears twice", "столбец повторяется", line: 1, column: header))
                continue
            }
            positions[column.key] = position
            headers[column.key] = header
        }
        for column in columns where column.required && positions[column.key] == nil {
            report.problems.append(.file("required column missing (\(column.russian) or \(column.key))",
                                         "нет обязательного столбца (\(column.russian) или \(column.key))",
                                         line: 1, column: column.russian))
        }
        guard report.problems.isEmpty else { return report }
        let context = try Context(db)
        var seen: [String: Int] = [:]
        while let (line, fields) = rows.next() {
            report.rows += 1
            var row = CSVRow(line: line, fields: fields, positions: positions, headers: headers)
            if fields.count != rows.header.count {
                row.fail("", "has \(fields.count) fields, the header has \(rows.header.count)",
                         "полей в строке: \(fields.count), в заголовке: \(rows.header.count)")
            } else {
                let outcome: (key: String, outcome: Outcome)? = switch kind {
                case .units: try unit(db, &row, context, write: write)
                case .families: try family(db, &row, write: write)
                case .centres: try centre(db, &row, write: write)
                }
                if let (key, outcome) = outcome {
                    if let first = seen[key] {
                        row.fail(columns[0].key, "repeats line \(first) (the same \(kind == .units ? "inventory number" : kind == .families ? "reference" : "code"))",
                                 "повторяет строку \(first) (тот же \(kind == .units ? "инвентарный номер" : kind == .families ? "номер семьи" : "код"))")
                    } else {
                        seen[key] = line
                        if row.problems.isEmpty {
                            switch outcome {
                            case .add: report.added += 1
                            case .same: report.unchanged += 1
                            case .change(let fields):
                                report.updated += 1
                                report.changes.append(ImportChange(line: line, key: key, fields: fields))
                            }
                        }
                    }
                }
            }
            report.problems += row.problems
        }
        if rows.failedToDecode {
            report.problems.append(.file("is not valid \(layout.encoding.rawValue) from here on (try another encoding)",
                                         "с этого места не читается как \(layout.encoding.rawValue) (укажите другую кодировку)",
                                         line: rows.endLine))
        } else if last != 0x0A && last != 0x0D {
            report.problems.append(.file("the file does not end with a line break: it looks cut off (truncated)",
                                         "файл не заканчивается переводом строки: похоже, он обрезан",
                                         line: max(1, rows.endLine - 1)))
        }
        return report
    }

    /// Item types and centres by code, read once.
    private struct Context {
        let itemTypes: [String: Int64]
        let centres: [String: Int64]

        init(_ db: Database) throws {
            var types: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT code, id FROM item_type") { types[row[0]] = row[1] }
            var centres: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT code, id FROM centre") { centres[row[0]] = row[1] }
            itemTypes = types
            self.centres = centres
        }
    }

    // MARK: Units

    private static let unitFields = ["inventoryNumber": "inventory_number", "fundingSource": "funding_source",
                                     "costMinor": "cost", "acquiredOn": "acquired_on"]

    private func unit(_ db: Database, _ row: inout CSVRow, _ context: Context, write: Bool) throws -> (String, Outcome)? {
        let before = row.problems.count
        let number = row.required("inventory_number")
        let type = row.required("item_type").map(CSVRow.code)
        let centre = row.required("centre").map(CSVRow.code)
        var condition = Condition.new
        if !row.text("condition").isEmpty {
            if let value = CSVValues.condition(row.text("condition")) { condition = value } else {
                row.fail("condition", "must be new, good, fair or damaged (новое, хорошее, удовлетворительное, повреждено)",
                         "должно быть: новое, хорошее, удовлетворительное или повреждено")
            }
        }
        let acquired = row.optionalDate("acquired_on"), checked = row.optionalDate("last_safety_check")
        var cost: Int?
        if !row.text("cost").isEmpty {
            cost = CSVValues.kopecks(row.text("cost"))
            if cost == nil { row.fail("cost", "is not an amount in roubles such as 1 234,50", "не сумма в рублях вида 1 234,50") }
        }
        let funding = row.text("funding_source")
        if let type, context.itemTypes[type] == nil {
            row.fail("item_type", "no item type with this code", "нет типа предмета с таким кодом")
        }
        if let centre, context.centres[centre] == nil {
            row.fail("centre", "no centre with this code", "нет центра с таким кодом")
        }
        guard let number, let type, let centre, let acquired, let checked, let typeID = context.itemTypes[type],
              let centreID = context.centres[centre],
              let new = row.check(Self.unitFields, { () throws(RentalError) in
                  try store.validated(NewUnit(inventoryNumber: number, itemType: type, centre: centre, condition: condition,
                                              acquiredOn: acquired, costMinor: cost, fundingSource: funding,
                                              lastSafetyCheck: checked))
              }), row.problems.count == before else {
            return nil
        }
        guard let old = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT u.id, t.code, c.code, u.condition, u.acquired_on, u.cost_minor, u.funding_source, u.last_safety_check
            FROM unit u JOIN item_type t ON t.id = u.item_type_id JOIN centre c ON c.id = u.home_centre_id
            WHERE u.inventory_number = ?
            """), arguments: [new.inventoryNumber]) else {
            if write {
                try db.cachedStatement(sql: """
                    INSERT INTO unit (inventory_number, item_type_id, home_centre_id, current_centre_id, status,
                                      condition, acquired_on, cost_minor, funding_source, last_safety_check)
                    VALUES (?, ?, ?, ?, 'available', ?, ?, ?, ?, ?)
                    """).execute(arguments: [new.inventoryNumber, typeID, centreID, centreID, new.condition.rawValue,
                                     new.acquiredOn?.description, new.costMinor, new.fundingSource,
                                     new.lastSafetyCheck?.description])
                try store.audit(db, who, "unit.add", "unit", new.inventoryNumber,
                                ["itemType": type, "centre": centre, "source": "import"])
            }
            return (new.inventoryNumber, .add)
        }
        if old[1] as String != type { row.fail("item_type", "differs from the stored unit's and cannot be changed by an import", "отличается от записанного и не меняется импортом") }
        if old[2] as String != centre { row.fail("centre", "differs from the stored unit's home centre and cannot be changed by an import", "отличается от записанного домашнего центра и не меняется импортом") }
        var fields: [String] = []
        if old[3] as String != new.condition.rawValue { fields.append("condition") }
        if old[4] as String? != new.acquiredOn?.description { fields.append("acquired_on") }
        if old[5] as Int? != new.costMinor { fields.append("cost") }
        if old[6] as String? != new.fundingSource { fields.append("funding_source") }
        if old[7] as String? != new.lastSafetyCheck?.description { fields.append("last_safety_check") }
        guard row.problems.count == before else { return nil }
        if fields.isEmpty { return (new.inventoryNumber, .same) }
        guard options.update else {
            differs(&row, fields)
            return nil
        }
        if write {
            try db.cachedStatement(sql: """
                UPDATE unit SET condition = ?, acquired_on = ?, cost_minor = ?, funding_source = ?, last_safety_check = ?
                WHERE id = ?
                """).execute(arguments: [new.condition.rawValue, new.acquiredOn?.description, new.costMinor,
                                 new.fundingSource, new.lastSafetyCheck?.description, old[0] as Int64])
            try store.audit(db, who, "unit.update", "unit", new.inventoryNumber,
                            ["fields": fields.joined(separator: ","), "source": "import"])
        }
        return (new.inventoryNumber, .change(fields))
    }

    private func differs(_ row: inout CSVRow, _ fields: [String]) {
        let names = fields.joined(separator: ", ")
        row.fail("", "differs from the stored record in \(names): import with update to change it",
                 "отличается от записанного (\(names)): чтобы изменить, импортируйте с обновлением (--update)")
    }

    // MARK: Families

    private static let familyFields = ["reference": "reference", "contactSurname": "surname",
                                       "contactGivenNames": "given_names", "phone": "phone", "address": "address",
                                       "socialContract": "social_contract", "consentOn": "consent_on",
                                       "children": "children"]

    private func family(_ db: Database, _ row: inout CSVRow, write: Bool) throws -> (String, Outcome)? {
        let before = row.problems.count
        let reference = row.required("reference"), surname = row.required("surname"), phone = row.required("phone")
        let lowIncome = row.date("low_income_until"), consent = row.optionalDate("consent_on")
        var children: [Child] = []
        if !row.text("children").isEmpty {
            if let value = CSVValues.children(row.text("children")) { children = value } else {
                row.fail("children", "must be birth dates dd.mm.yyyy separated by commas, an expected child marked (ожидается)",
                         "должны быть даты рождения дд.мм.гггг через запятую, ожидаемый ребёнок с пометкой (ожидается)")
            }
        }
        var status = FamilyStatus.active
        if !row.text("status").isEmpty {
            if let value = CSVValues.status(row.text("status")) { status = value } else {
                row.fail("status", "must be active or suspended (активна, приостановлена)", "должно быть: активна или приостановлена")
            }
        }
        guard let reference, let surname, let phone, let lowIncome, let consent else { return nil }
        let social = row.text("social_contract"), given = row.text("given_names"), address = row.text("address")
        guard let new = row.check(Self.familyFields, { () throws(RentalError) -> Family in
            var family = Family(reference: try Validate.identifier(reference, field: "reference"), contactSurname: surname,
                                contactGivenNames: given, phone: phone, address: address,
                                lowIncomeUntil: lowIncome, socialContract: social.isEmpty ? nil : social,
                                consentOn: consent, children: children, status: status)
            try store.validate(&family)
            return family
        }), row.problems.count == before else { return nil }
        guard let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM family WHERE reference = ?"),
                                          arguments: [new.reference]) else {
            if write {
                try db.cachedStatement(sql: """
                    INSERT INTO family (reference, contact_surname, contact_given_names, surname_folded, phone, phone_digits,
                                        address, low_income_until, social_contract, consent_on, status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [new.reference, new.contactSurname, new.contactGivenNames,
                                     Validate.folded(new.contactSurname), new.phone, Validate.phoneDigits(new.phone),
                                     new.address, new.lowIncomeUntil.description, new.socialContract,
                                     new.consentOn?.description, new.status.rawValue])
                try RentalStore.saveChildren(db, familyID: db.lastInsertedRowID, new.children)
                try store.audit(db, who, "family.register", "family", new.reference,
                                ["children": "\(new.children.count)", "source": "import"])
            }
            return (new.reference, .add)
        }
        let old = try Lookup.family(db, new.reference).family
        var fields = RentalStore.changedFields(old, new)
        if old.status != new.status { fields.append("status") }
        if fields.isEmpty { return (new.reference, .same) }
        guard options.update else {
            differs(&row, fields)
            return nil
        }
        if write {
            try db.cachedStatement(sql: """
                UPDATE family SET contact_surname = ?, contact_given_names = ?, surname_folded = ?, phone = ?,
                    phone_digits = ?, address = ?, low_income_until = ?, social_contract = ?, consent_on = ?, status = ?
                WHERE id = ?
                """).execute(arguments: [new.contactSurname, new.contactGivenNames, Validate.folded(new.contactSurname),
                                 new.phone, Validate.phoneDigits(new.phone), new.address, new.lowIncomeUntil.description,
                                 new.socialContract, new.consentOn?.description, new.status.rawValue, id])
            if old.children != new.children {
                try db.cachedStatement(sql: "DELETE FROM child WHERE family_id = ?").execute(arguments: [id])
                try RentalStore.saveChildren(db, familyID: id, new.children)
            }
            try store.audit(db, who, "family.update", "family", new.reference,
                            ["fields": fields.joined(separator: ","), "source": "import"])
        }
        return (new.reference, .change(fields))
    }

    // MARK: Centres

    private static let centreFields = ["code": "code", "name": "name", "region": "region", "timeZone": "time_zone"]

    private func centre(_ db: Database, _ row: inout CSVRow, write: Bool) throws -> (String, Outcome)? {
        let before = row.problems.count
        let code = row.required("code").map(CSVRow.code), name = row.required("name"), zone = row.required("time_zone")
        var days = Centre.weekdays
        if !row.text("open_days").isEmpty {
            if let value = CSVValues.weekdays(row.text("open_days")) { days = value } else {
                row.fail("open_days", "must be weekdays such as пн, вт, ср (or mon, tue, wed)",
                         "должны быть дни недели вида пн, вт, ср")
            }
        }
        let region = row.text("region")
        guard let code, let name, let zone, let new = row.check(Self.centreFields, { () throws(RentalError) in
            try RentalStore.validated(NewCentre(code: code, name: name, region: region, timeZone: zone,
                                                openDays: days))
        }), row.problems.count == before else { return nil }
        guard let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM centre WHERE code = ?"),
                                          arguments: [new.code]) else {
            if write {
                try db.execute(sql: "INSERT INTO centre (code, name, region, time_zone, open_days) VALUES (?, ?, ?, ?, ?)",
                               arguments: [new.code, new.name, new.region, new.timeZone, Lookup.mask(new.openDays)])
                try store.audit(db, who, "centre.add", "centre", new.code, ["timeZone": new.timeZone, "source": "import"])
            }
            return (new.code, .add)
        }
        let old = try Lookup.centre(db, new.code).centre
        if old.timeZone != new.timeZone {
            row.fail("time_zone", "differs from the stored centre's and cannot be changed by an import",
                     "отличается от записанного и не меняется импортом")
            return nil
        }
        var fields: [String] = []
        if old.name != new.name { fields.append("name") }
        if old.region != new.region { fields.append("region") }
        if old.openDays != new.openDays { fields.append("open_days") }
        if fields.isEmpty { return (new.code, .same) }
        guard options.update else {
            differs(&row, fields)
            return nil
        }
        if write {
            try db.execute(sql: "UPDATE centre SET name = ?, region = ?, open_days = ? WHERE id = ?",
                           arguments: [new.name, new.region, Lookup.mask(new.openDays), id])
            try store.audit(db, who, "centre.update", "centre", new.code,
                            ["fields": fields.joined(separator: ","), "source": "import"])
        }
        return (new.code, .change(fields))
    }
}
