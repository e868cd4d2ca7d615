import Foundation
import GRDB

/// The figures that come from the loans of the period, read in one pass over the loan table.
///
/// `rel` holds each loan that touches the period (issued by its last day and open at its start or
/// later), with its days as serial day numbers of its issuing centre's zone; the aggregates over it are
/// returned as rows of one shape: `kind, a, b, month, n1, n2`.
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

    static func read(_ db: Database, _ scope: ReportScope) throws -> LoanPass {
        var pass = LoanPass()
        let dn = "CAST(julianday(%@) - 2440587.5 AS INTEGER)"
        let sql = """
            WITH \(scope.span),
            rel AS MATERIALIZED (
                SELECT l.family_id, l.centre_id, u.item_type_id AS type_id, l.issued_on, l.state,
                       \(dn.replacingOccurrences(of: "%@", with: "l.issued_on")) AS issued_dn,
                       \(dn.replacingOccurrences(of: "%@", with: "l.due_date")) AS due_dn,
                       (l.closed_at + s.off_ms) / 86400000 AS closed_dn,
                       l.closed_at >= s.start_ms AND l.closed_at < s.end_ms AS closed_in,
                       s.from_dn, s.to_dn, s.last_dn
                FROM loan l CROSS JOIN span s ON s.centre_id = l.centre_id
                JOIN unit u ON u.id = l.unit_id
                WHERE l.issued_on <= '\(scope.to)' AND (l.closed_at IS NULL OR l.closed_at >= s.start_ms)\(scope.typeFilter("u.item_type_id"))
            )
            SELECT 'start', centre_id, type_id, substr(issued_on, 1, 7), count(*), 0
                FROM rel WHERE issued_on >= '\(scope.from)' GROUP BY 2, 3, 4
            UNION ALL
            SELECT 'close', centre_id, type_id, strftime('%Y-%m', closed_dn * 86400, 'unixepoch'),
                   sum(state = 'returned'), sum(state = 'lost')
                FROM rel WHERE closed_in GROUP BY 2, 3, 4
            UNION ALL
            SELECT 'late', closed_dn - due_dn, NULL, NULL, count(*), 0
                FROM rel WHERE closed_in AND state = 'returned' AND closed_dn > due_dn GROUP BY 2
            UNION ALL
            SELECT 'overdue', NULL, NULL, NULL, count(*), 0
                FROM rel WHERE due_dn + 1 BETWEEN from_dn AND last_dn AND (closed_dn IS NULL OR closed_dn > due_dn)
            UNION ALL
            SELECT 'onloan', centre_id, type_id, NULL,
                   sum(max(0, min(IFNULL(closed_dn - 1, last_dn), last_dn) - max(issued_dn, from_dn) + 1)), 0
                FROM rel GROUP BY 2, 3
            UNION ALL
            SELECT 'fcentre', centre_id, NULL, NULL, count(DISTINCT family_id), 0
                FROM rel WHERE issued_on >= '\(scope.from)' GROUP BY 2
            UNION ALL
            SELECT 'ftype', type_id, NULL, NULL, count(DISTINCT family_id), 0
                FROM rel WHERE issued_on >= '\(scope.from)' GROUP BY 2
            UNION ALL
            SELECT 'fall', NULL, NULL, NULL, count(DISTINCT family_id), 0
                FROM rel WHERE issued_on >= '\(scope.from)'
            UNION ALL
            SELECT 'children', NULL, NULL, NULL, count(*), 0 FROM child c
                WHERE c.expected = 0 AND c.birth_date <= '\(scope.to)'
                  AND c.family_id IN (SELECT family_id FROM rel WHERE issued_on >= '\(scope.from)')
            UNION ALL
            SELECT 'infants', NULL, NULL, NULL, count(DISTINCT c.id), 0
                FROM rel r JOIN child c ON c.family_id = r.family_id
                WHERE r.issued_on >= '\(scope.from)' AND c.expected = 0
                  AND substr(c.birth_date, 1, 7) <= substr(r.issued_on, 1, 7)
                  AND substr(c.birth_date, 1, 7) > substr(date(r.issued_on, 'start of month', '-12 months'), 1, 7)
            """
        let rows = try Row.fetchCursor(db, sql: sql)
        while let row = try rows.next() {
            let kind: String = row[0]
            let a: Int64 = row[1] ?? 0
            let b: Int64 = row[2] ?? 0
            let n1: Int = row[4] ?? 0
            let n2: Int = row[5] ?? 0
            switch kind {
            case "start":
                pass.flows[a, default: [:]][b, default: [:]][row[3] ?? "", default: LoanFlow()].started += n1
            case "close":
                let month: String = row[3] ?? ""
                pass.flows[a, default: [:]][b, default: [:]][month, default: LoanFlow()].returned += n1
                pass.flows[a, default: [:]][b, default: [:]][month, default: LoanFlow()].lost += n2
            case "late": pass.lateDays.append((Int(a), n1))
            case "overdue": pass.becameOverdue = n1
            case "onloan": pass.loanDays[a, default: [:]][b] = n1
            case "fcentre": pass.familiesByCentre[a] = n1
            case "ftype": pass.familiesByType[a] = n1
            case "fall": pass.families = n1
            case "children": pass.children = n1
            case "infants": pass.childrenUnderOne = n1
            default: break
            }
        }
        try readRenewals(db, scope, into: &pass)
        pass.newFamilies = try newFamilies(db, scope)
        return pass
    }

    /// Renewals made in the period: the audit trail's `loan.renew` events (a loan keeps only its count).
    private static func readRenewals(_ db: Database, _ scope: ReportScope, into pass: inout LoanPass) throws {
        let rows = try Row.fetchCursor(db, sql: """
            WITH \(scope.span)
            SELECT l.centre_id, u.item_type_id, strftime('%Y-%m', (a.at + s.off_ms) / 1000, 'unixepoch'), count(*)
            FROM audit_event a JOIN loan l ON l.id = CAST(a.entity_key AS INTEGER)
            CROSS JOIN span s ON s.centre_id = l.centre_id
            JOIN unit u ON u.id = l.unit_id
            WHERE a.action = 'loan.renew' AND a.at >= s.start_ms AND a.at < s.end_ms\(scope.typeFilter("u.item_type_id"))
            GROUP BY 1, 2, 3
            """)
        while let row = try rows.next() {
            pass.flows[row[0], default: [:]][row[1], default: [:]][row[2] ?? "", default: LoanFlow()].renewed += row[3] as Int
        }
    }

    /// Families whose first loan (within the centre and item types covered) started in the period.
    private static func newFamilies(_ db: Database, _ scope: ReportScope) throws -> Int {
        let join = scope.typeFiltered ? " JOIN unit u ON u.id = l.unit_id" : ""
        return try Int.fetchOne(db, sql: """
            SELECT count(*) FROM (
                SELECT min(l.issued_on) AS first FROM loan l\(join)
                WHERE l.issued_on <= '\(scope.to)'\(scope.centreFilter("l.centre_id"))\(scope.typeFilter("u.item_type_id"))
                GROUP BY l.family_id)
            WHERE first >= '\(scope.from)'
            """) ?? 0
    }
}
