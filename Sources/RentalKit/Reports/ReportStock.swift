import Foundation
import GRDB

/// The figures that come from the units: stock now, units never lent, units that left service in the
/// period, and unit-days in service.
enum ReportStock {
    /// When a unit now lost or retired left service: the later of its last `unit.retire` or
    /// `unit.missing` audit event and the closing of a loan lost with it (NULL when neither is recorded).
    static let leftAt = """
        NULLIF(max(IFNULL((SELECT max(a.at) FROM audit_event a WHERE a.entity = 'unit' AND a.entity_key = u.inventory_number
                                AND a.action IN ('unit.retire', 'unit.missing')), 0),
                   IFNULL((SELECT max(l.closed_at) FROM loan l WHERE l.unit_id = u.id AND l.state = 'lost'), 0)), 0)
        """

    static func figures(_ db: Database, _ scope: ReportScope) throws -> StockFigures {
        var byStatus: [StockStatusLine] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT current_centre_id, status, condition, count(*) FROM unit u
            WHERE 1\(scope.centreFilter("u.current_centre_id"))\(scope.typeFilter("u.item_type_id"))
            GROUP BY 1, 2, 3
            """) {
            guard let status = UnitStatus(rawValue: row[1]), let condition = Condition(rawValue: row[2]) else { continue }
            byStatus.append(StockStatusLine(centre: scope.centreCode(row[0]), status: status, condition: condition, units: row[3]))
        }
        byStatus.sort { ($0.centre, $0.status.order, $0.condition.order) < ($1.centre, $1.status.order, $1.condition.order) }
        let neverLent = try Row.fetchAll(db, sql: """
            SELECT current_centre_id, count(*) FROM unit u
            WHERE u.status NOT IN ('lost', 'retired')\(scope.centreFilter("u.current_centre_id"))\(scope.typeFilter("u.item_type_id"))
              AND NOT EXISTS (SELECT 1 FROM loan l WHERE l.unit_id = u.id)
            GROUP BY 1
            """).map { CentreCount(centre: scope.centreCode($0[0]), count: $0[1]) }.sorted { $0.centre < $1.centre }
        var left: [LeftServiceLine] = []
        for row in try Row.fetchAll(db, sql: """
            WITH \(scope.span),
            gone AS (SELECT u.*, \(leftAt) AS left_at FROM unit u
                     WHERE u.status IN ('lost', 'retired')\(scope.typeFilter("u.item_type_id")))
            SELECT g.inventory_number, g.item_type_id, g.current_centre_id, g.status, (g.left_at + s.off_ms) / 86400000,
                   g.cost_minor, g.funding_source
            FROM gone g JOIN span s ON s.centre_id = g.current_centre_id
            WHERE g.left_at >= s.start_ms AND g.left_at < s.end_ms
            ORDER BY g.inventory_number
            """) {
            left.append(LeftServiceLine(inventoryNumber: row[0], itemType: scope.typeCode(row[1]), centre: scope.centreCode(row[2]),
                                        status: UnitStatus(rawValue: row[3]) ?? .lost, on: LocalDate(serialDay: row[4]),
                                        costMinor: row[5], fundingSource: row[6]))
        }
        var funding: [String?: FundingLine] = [:]
        for line in left {
            var entry = funding[line.fundingSource] ?? FundingLine(fundingSource: line.fundingSource, units: 0, costMinor: 0)
            entry.units += 1
            entry.costMinor += line.costMinor ?? 0
            funding[line.fundingSource] = entry
        }
        return StockFigures(byStatus: byStatus, neverLent: neverLent, leftService: left,
                            leftServiceByFunding: funding.values.sorted { ($0.fundingSource ?? "") < ($1.fundingSource ?? "") })
    }

    /// Unit-days in service, by centre (where the unit is now) and item type, over the period's days up
    /// to today: from the acquisition date (or the period's start) to the day before the unit left
    /// service (a unit lost or retired with no recorded date counts no days).
    static func daysInService(_ db: Database, _ scope: ReportScope) throws -> [Int64: [Int64: Int]] {
        var result: [Int64: [Int64: Int]] = [:]
        for row in try Row.fetchAll(db, sql: """
            WITH \(scope.span),
            days AS (
                SELECT u.current_centre_id AS centre_id, u.item_type_id AS type_id,
                       max(s.from_dn, IFNULL(CAST(julianday(u.acquired_on) - 2440587.5 AS INTEGER), s.from_dn)) AS first_dn,
                       CASE WHEN u.status IN ('lost', 'retired')
                            THEN min(s.last_dn, IFNULL((\(leftAt) + s.off_ms) / 86400000 - 1, s.from_dn - 1))
                            ELSE s.last_dn END AS last_dn
                FROM unit u CROSS JOIN span s ON s.centre_id = u.current_centre_id
                WHERE 1\(scope.typeFilter("u.item_type_id")))
            SELECT centre_id, type_id, sum(max(0, last_dn - first_dn + 1)) FROM days GROUP BY 1, 2
            """) {
            result[row[0], default: [:]][row[1]] = row[2]
        }
        return result
    }
}

extension UnitStatus {
    /// Position in `allCases`, for sorting.
    var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

extension Condition {
    /// Position in `allCases`, for sorting.
    var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}
