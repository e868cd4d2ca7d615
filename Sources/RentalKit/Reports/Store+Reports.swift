import Foundation
import GRDB

extension RentalStore {
    /// A report over a period of local dates (each centre's own zone), optionally for one centre, one
    /// category or one item type. Any role may read reports; the store takes no principal.
    ///
    /// Everything is counted from loans, units, reservations and the audit trail's renewal events, never
    /// from names or contacts, so the figures stay the same after a family is anonymised (children are
    /// counted from their birth dates). Fails with ``RentalError/Code/invalidInput`` for a period that
    /// ends before it starts or is longer than ten years, ``RentalError/Code/centreNotFound`` and
    /// ``RentalError/Code/itemTypeNotFound`` for unknown codes.
    public func report(_ name: ReportName, _ query: ReportQuery) async throws(RentalError) -> Report {
        let now = clock.now()
        return try await read { db in
            // A report reads most of the loan table: mapped, its pages are not copied through read(2) into a
            // page cache of a few megabytes (a quarter of the CPU over a million loans). The mapping ends
            // with the report, so the reader's memory is as before.
            let mapped = try Int.fetchOne(db, sql: "PRAGMA mmap_size") ?? 0
            try db.execute(sql: "PRAGMA mmap_size = \(Self.reportMapBytes)")
            defer { try? db.execute(sql: "PRAGMA mmap_size = \(mapped)") }
            return try Self.report(db, name, query, now: now)
        }
    }

    /// How much of the store file a report maps (SQLite's `mmap_size` for the duration of one report).
    static let reportMapBytes = 1 << 30

    static func report(_ db: Database, _ name: ReportName, _ query: ReportQuery, now: Date) throws -> Report {
        let scope = try ReportScope.resolve(db, query, now: now)
        var report = Report(name: name, query: query, asOf: now,
                            centres: scope.centres.values.sorted { $0.code < $1.code },
                            itemTypes: scope.itemTypes.values.sorted { $0.code < $1.code })
        func wants(_ section: ReportName) -> Bool { name == .summary || name == section }
        let loanSections: [ReportName] = [.families, .loans, .utilisation, .overdue, .popular]
        let pass = loanSections.contains(where: wants) ? try LoanPass.read(db, scope) : LoanPass()
        if wants(.families) {
            report.families = FamilyFigures(
                served: pass.families, children: pass.children, childrenUnderOne: pass.childrenUnderOne,
                newFamilies: pass.newFamilies,
                byCentre: pass.familiesByCentre.map { CentreCount(centre: scope.centreCode($0.key), count: $0.value) }
                    .sorted { $0.centre < $1.centre })
        }
        if wants(.loans) { report.loans = loanFigures(pass, scope) }
        let units = wants(.utilisation) || wants(.stock) ? try ReportStock.unitLines(db, scope) : []
        if wants(.utilisation) {
            report.utilisation = utilisation(onLoan: pass.loanDays, inService: ReportStock.daysInService(units), scope)
        }
        if wants(.overdue) { report.overdue = try overdueFigures(db, pass, scope, now: now) }
        if wants(.waiting) { report.waiting = try ReportWaiting.figures(db, scope) }
        if wants(.stock) { report.stock = try ReportStock.figures(units, db, scope) }
        if wants(.popular) { report.popular = popular(pass, scope) }
        return report
    }

    private static func loanFigures(_ pass: LoanPass, _ scope: ReportScope) -> LoanFigures {
        var total = LoanFlow()
        var byCentreAndType: [CentreTypeFlow] = []
        var byMonth: [String: [Int64: LoanFlow]] = [:]
        for (centre, types) in pass.flows {
            for (type, months) in types {
                var sum = LoanFlow()
                for (month, flow) in months {
                    sum = sum + flow
                    byMonth[month, default: [:]][centre, default: LoanFlow()] = byMonth[month]?[centre].map { $0 + flow } ?? flow
                }
                total = total + sum
                byCentreAndType.append(CentreTypeFlow(centre: scope.centreCode(centre), itemType: scope.typeCode(type), flow: sum))
            }
        }
        byCentreAndType.sort { ($0.centre, $0.itemType) < ($1.centre, $1.itemType) }
        let months = byMonth.flatMap { month, centres in
            centres.map { MonthFlow(month: month, centre: scope.centreCode($0.key), flow: $0.value) }
        }.sorted { ($0.month, $0.centre) < ($1.month, $1.centre) }
        return LoanFigures(total: total, byCentreAndType: byCentreAndType, byMonth: months)
    }

    private static func utilisation(onLoan: [Int64: [Int64: Int]], inService: [Int64: [Int64: Int]],
                                    _ scope: ReportScope) -> UtilisationFigures {
        var lines: [UtilisationLine] = []
        var byType: [Int64: (service: Int, loan: Int)] = [:]
        for centre in Set(onLoan.keys).union(inService.keys) {
            let types = Set(onLoan[centre]?.keys.map { $0 } ?? []).union(inService[centre]?.keys.map { $0 } ?? [])
            for type in types {
                let service = inService[centre]?[type] ?? 0
                let loan = onLoan[centre]?[type] ?? 0
                byType[type, default: (0, 0)].service += service
                byType[type, default: (0, 0)].loan += loan
                lines.append(UtilisationLine(centre: scope.centreCode(centre), itemType: scope.typeCode(type),
                                             unitDaysInService: service, unitDaysOnLoan: loan))
            }
        }
        lines.sort { ($0.centre ?? "", $0.itemType ?? "") < ($1.centre ?? "", $1.itemType ?? "") }
        let types = byType.map { UtilisationLine(centre: nil, itemType: scope.typeCode($0.key), unitDaysInService: $0.value.service,
                                                 unitDaysOnLoan: $0.value.loan) }
            .sorted { ($0.itemType ?? "") < ($1.itemType ?? "") }
        let total = UtilisationLine(centre: nil, itemType: nil, unitDaysInService: types.reduce(0) { $0 + $1.unitDaysInService },
                                    unitDaysOnLoan: types.reduce(0) { $0 + $1.unitDaysOnLoan })
        return UtilisationFigures(total: total, byItemType: types, byCentreAndType: lines)
    }

    private static func overdueFigures(_ db: Database, _ pass: LoanPass, _ scope: ReportScope, now: Date) throws -> OverdueFigures {
        let returned = pass.flows.values.reduce(0) { sum, types in
            sum + types.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.returned } }
        }
        let late = pass.lateDays.reduce(0) { $0 + $1.count }
        let (overdueSQL, arguments) = try overdueScan(db, now: now, columns: "l.unit_id, l.centre_id")
        let join = scope.typeFiltered ? " JOIN unit u ON u.id = o.unit_id" : ""
        let open = try Int.fetchOne(db, sql: """
            SELECT count(*) FROM (\(overdueSQL)) o\(join) WHERE 1\(scope.centreFilter("o.centre_id"))\(scope.typeFilter("u.item_type_id"))
            """, arguments: arguments) ?? 0
        return OverdueFigures(becameOverdue: pass.becameOverdue, returned: returned, returnedLate: late,
                              lateShare: returned > 0 ? Double(late) / Double(returned) : nil,
                              medianDaysLate: Median.of(pass.lateDays), openOverdueNow: open)
    }

    private static func popular(_ pass: LoanPass, _ scope: ReportScope) -> [PopularLine] {
        var loans: [Int64: Int] = [:]
        for types in pass.flows.values {
            for (type, months) in types { loans[type, default: 0] += months.values.reduce(0) { $0 + $1.started } }
        }
        return loans.filter { $0.value > 0 }
            .map { PopularLine(itemType: scope.typeCode($0.key), loans: $0.value, families: pass.familiesByType[$0.key] ?? 0) }
            .sorted { ($1.loans, $0.itemType) < ($0.loans, $1.itemType) }
            .prefix(10).map { $0 }
    }
}

extension RentalStore {
    /// The SQL statements behind a report's sections, each complete (no bound arguments), by label:
    /// for rental-bench, which times them through the SQLite C API beside ``report(_:_:)``.
    /// The open-overdue count (the overdue scan of `summary()`) is not among them.
    package func reportStatements(_ query: ReportQuery) async throws(RentalError) -> [(label: String, sql: String)] {
        let now = clock.now()
        return try await read { db in
            let scope = try ReportScope.resolve(db, query, now: now)
            return [("loans: one pass over the period's loans", LoanPass.sql(scope)),
                    ("loans: renewals from the audit trail", LoanPass.renewalsSQL(scope)),
                    ("units: one pass (stock, never lent, days in service)", ReportStock.unitsSQL(scope)),
                    ("units lost or retired in the period", ReportStock.leftServiceSQL(scope))]
        }
    }
}
