import Foundation
import GRDB

/// The figures that come from the waiting lists.
enum ReportWaiting {
    static func figures(_ db: Database, _ scope: ReportScope) throws -> WaitingFigures {
        // `expired` exists only in a schema whose reservations can expire.
        let schema = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'reservation'") ?? ""
        let keepsExpiry = schema.contains("'expired'")
        let (start, end, offset) = (scope.start("r.centre_id"), scope.end("r.centre_id"), scope.offset("r.centre_id"))
        let counts = try Row.fetchOne(db, sql: """
            SELECT sum(r.placed_at >= \(start) AND r.placed_at < \(end)),
                   sum(r.state = 'fulfilled' AND r.closed_at >= \(start) AND r.closed_at < \(end)),
                   sum(r.state = 'expired' AND r.closed_at >= \(start) AND r.closed_at < \(end)),
                   sum(r.state = 'cancelled' AND r.closed_at >= \(start) AND r.closed_at < \(end))
            FROM reservation r
            WHERE r.placed_at < \(end) AND (r.closed_at IS NULL OR r.closed_at >= \(start))\(
                scope.centreFilter("r.centre_id"))\(scope.typeFilter("r.item_type_id"))
            """)
        var waits: [(days: Int, count: Int)] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT (r.closed_at + \(offset)) / 86400000 - (r.placed_at + \(offset)) / 86400000, count(*)
            FROM reservation r
            WHERE r.state = 'fulfilled' AND r.closed_at >= \(start) AND r.closed_at < \(end)\(
                scope.centreFilter("r.centre_id"))\(scope.typeFilter("r.item_type_id"))
            GROUP BY 1
            """) {
            waits.append((row[0], row[1]))
        }
        var queues: [QueueLine] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT r.centre_id, r.item_type_id, count(*), min(r.placed_at),
                   (SELECT count(*) FROM unit u WHERE u.current_centre_id = r.centre_id AND u.item_type_id = r.item_type_id
                                                  AND u.status = 'available')
            FROM reservation r
            WHERE r.state = 'waiting'\(scope.centreFilter("r.centre_id"))\(scope.typeFilter("r.item_type_id"))
            GROUP BY 1, 2
            """) {
            let centre = scope.centres[row[0]]
            let zone = Lookup.zone(centre?.timeZone ?? "UTC")
            queues.append(QueueLine(centre: centre?.code ?? "?", itemType: scope.typeCode(row[1]), waiting: row[2],
                                    available: row[4], oldestSince: LocalDate(RentalStore.date(millis: row[3]), in: zone)))
        }
        // Unmet demand first (families waiting beyond the units free for them), then the longest wait.
        queues.sort { lhs, rhs in
            let (left, right) = (lhs.waiting - lhs.available, rhs.waiting - rhs.available)
            if left != right { return left > right }
            if lhs.waiting != rhs.waiting { return lhs.waiting > rhs.waiting }
            if lhs.oldestSince != rhs.oldestSince { return lhs.oldestSince < rhs.oldestSince }
            return (lhs.centre, lhs.itemType) < (rhs.centre, rhs.itemType)
        }
        func count(_ index: Int) -> Int { (counts?[index] as Int?) ?? 0 }
        return WaitingFigures(placed: count(0), fulfilled: count(1),
                              expired: keepsExpiry ? count(2) : nil, cancelled: count(3),
                              medianDaysToPickup: Median.of(waits), queues: queues)
    }
}

/// The median of values given as (value, how many times).
enum Median {
    static func of(_ counted: [(days: Int, count: Int)]) -> Double? {
        let sorted = counted.filter { $0.count > 0 }.sorted { $0.days < $1.days }
        let total = sorted.reduce(0) { $0 + $1.count }
        guard total > 0 else { return nil }
        func value(at index: Int) -> Int {
            var seen = 0
            for entry in sorted {
                seen += entry.count
                if index < seen { return entry.days }
            }
            return sorted.last?.days ?? 0
        }
        return total % 2 == 1 ? Double(value(at: total / 2)) : Double(value(at: total / 2 - 1) + value(at: total / 2)) / 2
    }
}
