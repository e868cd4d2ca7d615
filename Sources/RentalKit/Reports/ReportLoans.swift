import Foundation
import GRDB

/// The figures that come from the loans of the period: one scan of the loans that touch it (issued by
/// its last day, open at its start or later), each with its days as serial days of its issuing centre's
/// zone, aggregated here in hash tables (SQLite would sort the rows once per figure); then the children
/// of the families served, and which of those families borrowed before.
struct LoanPass {
    var flows: [Int64: [Int64: [String: LoanFlow]]] = [:]  // centre → type → month → flow
    var lateDays: [(days: Int, count: Int)] = []
    var becameOverdue = 0
    var loanDays: [Int64: [Int64: Int]] = [:]  // centre → type → unit-days on loan
    var familiesByCentre: [Int64: Int] = [:]
    var familiesByType: [Int64: Int] = [:]
    var families = 0
    var children = 0
    var childrenUnderOne = 0
    var newFamilies = 0

    /// A month as `year * 12 + month - 1`.
    static func monthIndex(_ date: LocalDate) -> Int { date.year * 12 + date.month - 1 }

    static func monthText(_ index: Int) -> String {
        let (year, month) = (index / 12, index % 12 + 1)
        return PlainText.padded(year, width: 4) + "-" + PlainText.padded(month, width: 2)
    }

    static func read(_ db: Database, _ scope: ReportScope) throws -> LoanPass {
        struct FlowKey: Hashable { let centre: Int64, type: Int64, month: Int }
        struct PairKey: Hashable { let centre: Int64, type: Int64 }
        var flows: [FlowKey: LoanFlow] = [:]
        var onLoan: [PairKey: Int] = [:]
        var late: [Int: Int] = [:]
        // Who borrowed where, what and when, as pairs sorted and counted once after the scan: a hash set
        // per centre, type and family cost a third of the whole report on a year of 1,000,000 loans.
        var byCentre: [IDPair] = []  // (centre, family)
        var byType: [IDPair] = []  // (type, family)
        var monthsOf: [IDPair] = []  // (family, month in which one of its loans started)
        var pass = LoanPass()
        let fromDay = scope.fromDay
        let statement = try db.makeStatement(sql: sql(scope))
        let rows = try Row.fetchCursor(statement)
        while let row = try rows.next() {
            let family: Int64 = row[0], centre: Int64 = row[1], type: Int64 = row[2]
            let issuedDay: Int = row[4], dueDay: Int = row[5], lastDay: Int = row[8]
            let closedDay: Int? = row[6]
            if row[3] as Bool {
                let month = monthIndex(LocalDate(serialDay: issuedDay))
                flows[FlowKey(centre: centre, type: type, month: month), default: LoanFlow()].started += 1
                byCentre.append(IDPair(centre, family))
                byType.append(IDPair(type, family))
                monthsOf.append(IDPair(family, Int64(month)))
            }
            if let closedDay, row[7] as Int != 0 {
                let key = FlowKey(centre: centre, type: type, month: monthIndex(LocalDate(serialDay: closedDay)))
                if row[7] as Int == 1 {
                    flows[key, default: LoanFlow()].returned += 1
                    if closedDay > dueDay { late[closedDay - dueDay, default: 0] += 1 }
                } else {
                    flows[key, default: LoanFlow()].lost += 1
                }
            }
            let days = min(closedDay.map { $0 - 1 } ?? lastDay, lastDay) - max(issuedDay, fromDay) + 1
            if days > 0 { onLoan[PairKey(centre: centre, type: type), default: 0] += days }
            if dueDay + 1 >= fromDay, dueDay + 1 <= lastDay, closedDay.map({ $0 > dueDay }) ?? true {
                pass.becameOverdue += 1
            }
        }
        for (key, flow) in flows { pass.flows[key.centre, default: [:]][key.type, default: [:]][monthText(key.month)] = flow }
        for (key, days) in onLoan { pass.loanDays[key.centre, default: [:]][key.type] = days }
        pass.lateDays = late.map { ($0.key, $0.value) }
        pass.familiesByCentre = IDPair.distinctSeconds(&byCentre)
        pass.familiesByType = IDPair.distinctSeconds(&byType)
        monthsOf.sort()
        let families = IDPair.firsts(monthsOf)
        pass.families = families.count

        // Children born by the period's last day, expected ones not counted; under one at a loan's start
        // by month (born in that month or the eleven before), as anonymisation keeps the birth month.
        let children = try Row.fetchCursor(db, sql: """
            SELECT family_id, CAST(substr(birth_date, 1, 4) AS INTEGER) * 12 + CAST(substr(birth_date, 6, 2) AS INTEGER) - 1
            FROM child WHERE expected = 0 AND birth_date <= '\(scope.to)'
            """)
        var infants: Int = 0
        while let row = try children.next() {
            let family: Int64 = row[0], born: Int64 = row[1]
            // The family's first month at or after the child's birth month, if any (pairs are sorted).
            guard IDPair.contains(families, family) else { continue }
            let first = IDPair.lowerBound(monthsOf, IDPair(family, born))
            pass.children += 1
            if first < monthsOf.count, monthsOf[first].first == family, monthsOf[first].second < born + 12 { infants += 1 }
        }
        pass.childrenUnderOne = infants

        // New families: served, and no loan (within the centres and item types asked for) before the period.
        if !families.isEmpty {
            let ids = "[" + families.map(String.init).joined(separator: ",") + "]"
            let earlier = scope.typeFiltered ? "loan e JOIN unit eu ON eu.id = e.unit_id" : "loan e"
            let returning = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM json_each(?) f
                WHERE EXISTS (SELECT 1 FROM \(earlier) WHERE e.family_id = f.value AND e.issued_on < '\(scope.from)'\(
                    scope.centreFilter("e.centre_id"))\(scope.typeFilter("eu.item_type_id")))
                """, arguments: [ids]) ?? 0
            pass.newFamilies = families.count - returning
        }
        try readRenewals(db, scope, into: &pass)
        return pass
    }

    /// The loans that touch the period: family, centre, item type, started in the period, issue day, due
    /// day, closing day (NULL while open), closed in the period (0 no, 1 returned, 2 lost), the last day
    /// counted at its centre.
    static func sql(_ scope: ReportScope) -> String {
        func day(_ column: String) -> String { "CAST(julianday(\(column)) - 2440587.5 AS INTEGER)" }
        return """
            SELECT l.family_id, l.centre_id, u.item_type_id, l.issued_on >= '\(scope.from)',
                   \(day("l.issued_on")), \(day("l.due_date")),
                   (l.closed_at + \(scope.offset("l.centre_id"))) / 86400000,
                   CASE WHEN l.closed_at < \(scope.end("l.centre_id")) THEN (CASE l.state WHEN 'returned' THEN 1 ELSE 2 END) ELSE 0 END,
                   \(scope.lastDay("l.centre_id"))
            FROM loan l JOIN unit u ON u.id = l.unit_id
            WHERE l.issued_on <= '\(scope.to)' AND (l.closed_at IS NULL OR l.closed_at >= \(scope.start("l.centre_id")))\(
                scope.centreFilter("l.centre_id"))\(scope.typeFilter("u.item_type_id"))
            """
    }

    /// Renewals made in the period: the audit trail's `loan.renew` events (a loan keeps only its count).
    private static func readRenewals(_ db: Database, _ scope: ReportScope, into pass: inout LoanPass) throws {
        let rows = try Row.fetchCursor(db, sql: renewalsSQL(scope))
        while let row = try rows.next() {
            pass.flows[row[0], default: [:]][row[1], default: [:]][row[2] ?? "", default: LoanFlow()].renewed += row[3] as Int
        }
    }

    static func renewalsSQL(_ scope: ReportScope) -> String {
        """
            SELECT l.centre_id, u.item_type_id, strftime('%Y-%m', (a.at + \(scope.offset("l.centre_id"))) / 1000, 'unixepoch'), count(*)
            FROM audit_event a JOIN loan l ON l.id = CAST(a.entity_key AS INTEGER)
            JOIN unit u ON u.id = l.unit_id
            WHERE a.action = 'loan.renew' AND a.at >= \(scope.start("l.centre_id")) AND a.at < \(scope.end("l.centre_id"))\(
                scope.centreFilter("l.centre_id"))\(scope.typeFilter("u.item_type_id"))
            GROUP BY 1, 2, 3
            """
    }
}

/// Two ids, ordered by the first then the second.
struct IDPair: Comparable {
    let first: Int64
    let second: Int64

    init(_ first: Int64, _ second: Int64) {
        self.first = first
        self.second = second
    }

    static func < (a: IDPair, b: IDPair) -> Bool { (a.first, a.second) < (b.first, b.second) }

    /// For each first, how many different seconds go with it (sorts `pairs`).
    static func distinctSeconds(_ pairs: inout [IDPair]) -> [Int64: Int] {
        pairs.sort()
        var counts: [Int64: Int] = [:]
        var previous: IDPair?
        for pair in pairs where pair != previous {
            counts[pair.first, default: 0] += 1
            previous = pair
        }
        return counts
    }

    /// The different firsts of sorted pairs, in order.
    static func firsts(_ sorted: [IDPair]) -> [Int64] {
        var firsts: [Int64] = []
        for pair in sorted where pair.first != firsts.last { firsts.append(pair.first) }
        return firsts
    }

    /// The index of the first element of `sorted` not less than `value` (`sorted.count` when none is).
    static func lowerBound<T: Comparable>(_ sorted: [T], _ value: T) -> Int {
        var (low, high) = (0, sorted.count)
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Whether sorted `ids` holds `id`.
    static func contains(_ ids: [Int64], _ id: Int64) -> Bool {
        let index = lowerBound(ids, id)
        return index < ids.count && ids[index] == id
    }
}
