import Foundation
import GRDB

/// The figures that come from the units: stock now, units never lent, units that left service in the
/// period, and unit-days in service, from one pass over the units and a look at those lost or retired.
enum ReportStock {
    /// When a unit now lost or retired left service: the later of its last `unit.retire` or
    /// `unit.missing` audit event and the closing of a loan lost with it (NULL when neither is recorded).
    static let leftAt = """
        NULLIF(max(IFNULL((SELECT max(a.at) FROM audit_event a WHERE a.entity = 'unit' AND a.entity_key = u.inventory_number
                                AND a.action IN ('unit.retire', 'unit.missing')), 0),
                   IFNULL((SELECT max(l.closed_at) FROM loan l WHERE l.unit_id = u.id AND l.state = 'lost'), 0)), 0)
        """

    /// Units grouped by centre (where they are now), item type and status: how many in each condition,
    /// how many were never lent, and their unit-days in service in the period.
    struct UnitLine {
        let centre: Int64, type: Int64, status: UnitStatus, conditions: [Condition: Int], neverLent: Int, daysInService: Int
    }

    static func unitLines(_ db: Database, _ scope: ReportScope) throws -> [UnitLine] {
        try Row.fetchAll(db, sql: unitsSQL(scope)).compactMap { row in
            guard let status = UnitStatus(rawValue: row[2]) else { return nil }
            var conditions: [Condition: Int] = [:]
            for (index, condition) in Condition.allCases.enumerated() {
                let count: Int = row[3 + index]
                if count > 0 { conditions[condition] = count }
            }
            return UnitLine(centre: row[0], type: row[1], status: status, conditions: conditions,
                            neverLent: row[3 + Condition.allCases.count], daysInService: row[4 + Condition.allCases.count])
        }
    }

    static func figures(_ lines: [UnitLine], _ db: Database, _ scope: ReportScope) throws -> StockFigures {
        struct Key: Hashable { let centre: Int64, status: UnitStatus, condition: Condition }
        var counts: [Key: Int] = [:]
        var never: [Int64: Int] = [:]
        for line in lines {
            for (condition, units) in line.conditions {
                counts[Key(centre: line.centre, status: line.status, condition: condition), default: 0] += units
            }
            if line.neverLent > 0 { never[line.centre, default: 0] += line.neverLent }
        }
        var byStatus = counts.map { StockStatusLine(centre: scope.centreCode($0.key.centre), status: $0.key.status,
                                                    condition: $0.key.condition, units: $0.value) }
        byStatus.sort { ($0.centre, $0.status.order, $0.condition.order) < ($1.centre, $1.status.order, $1.condition.order) }
        let neverLent = never.map { CentreCount(centre: scope.centreCode($0.key), count: $0.value) }.sorted { $0.centre < $1.centre }
        var left: [LeftServiceLine] = []
        for row in try Row.fetchAll(db, sql: leftServiceSQL(scope)) {
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

    /// Unit-days in service, by centre and item type: from the acquisition date (or the period's start)
    /// to the day before the unit left service (a unit lost or retired with no recorded date counts no
    /// days), over the period's days up to today.
    static func daysInService(_ lines: [UnitLine]) -> [Int64: [Int64: Int]] {
        var result: [Int64: [Int64: Int]] = [:]
        for line in lines { result[line.centre, default: [:]][line.type, default: 0] += line.daysInService }
        return result
    }

    /// One pass over the units of the covered centres (where they are now) and item types, in the order
    /// of the index `unit_stock` (so no sort): per centre, item type and status, the units in each
    /// condition, those never lent (a unit on loan is not looked up), and the unit-days in service.
    static func unitsSQL(_ scope: ReportScope) -> String {
        let last = scope.lastDay("u.current_centre_id")
        let conditions = Condition.allCases.map { "sum(u.condition = '\($0.rawValue)')" }.joined(separator: ", ")
        return """
            SELECT u.current_centre_id, u.item_type_id, u.status, \(conditions),
                   sum(u.status NOT IN ('on_loan', 'lost', 'retired') AND NOT EXISTS (SELECT 1 FROM loan l WHERE l.unit_id = u.id)),
                   sum(max(0, (CASE WHEN u.status IN ('lost', 'retired')
                                    THEN min(\(last), IFNULL((\(leftAt) + \(scope.offset("u.current_centre_id"))) / 86400000 - 1,
                                                             \(scope.fromDay - 1)))
                                    ELSE \(last) END)
                              - (CASE WHEN u.acquired_on IS NULL OR u.acquired_on <= '\(scope.from)' THEN \(scope.fromDay)
                                      ELSE CAST(julianday(u.acquired_on) - 2440587.5 AS INTEGER) END) + 1))
            FROM unit u
            WHERE 1\(scope.centreFilter("u.current_centre_id"))\(scope.typeFilter("u.item_type_id"))
            GROUP BY 1, 2, 3
            """
    }

    static func leftServiceSQL(_ scope: ReportScope) -> String {
        """
            SELECT inventory_number, item_type_id, current_centre_id, status,
                   (left_at + \(scope.offset("current_centre_id"))) / 86400000, cost_minor, funding_source
            FROM (SELECT u.*, \(leftAt) AS left_at FROM unit u
                  WHERE u.status IN ('lost', 'retired')\(scope.centreFilter("u.current_centre_id"))\(scope.typeFilter("u.item_type_id")))
            WHERE left_at >= \(scope.start("current_centre_id")) AND left_at < \(scope.end("current_centre_id"))
            ORDER BY inventory_number
            """
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
