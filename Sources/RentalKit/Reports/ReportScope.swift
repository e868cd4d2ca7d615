import Foundation
import GRDB

/// What one report covers, resolved against the store: the centres and item types, and for each centre
/// its period in its own zone (days as serial day numbers, the bounds as UTC milliseconds), as SQL
/// fragments that the report's queries share.
///
/// A centre's own values enter the SQL as `CASE centre_id WHEN … END` expressions rather than as a
/// joined table: SQLite would scan such a table once per loan (ten times the work over a million loans).
struct ReportScope {
    /// One covered centre's period.
    struct Span {
        /// The period's first instant (local midnight), UTC milliseconds.
        let startMillis: Int64
        /// The instant after its last day.
        let endMillis: Int64
        /// The zone's UTC offset at the start of the period: `(ms + offset) / 86400000` is the local serial
        /// day of an instant (Russia keeps no daylight-saving time).
        let offsetMillis: Int64
        /// The period's last day not after today there (the days lived so far), as a serial day.
        let lastDay: Int
    }

    /// Covered centres by row id.
    let centres: [Int64: ReportCentre]
    /// Their periods.
    let spans: [Int64: Span]
    /// Covered item types by row id.
    let itemTypes: [Int64: ReportItemType]
    /// Whether only some item types are covered (a category or an item type was asked for).
    let typeFiltered: Bool
    /// The first and last day as `YYYY-MM-DD` (the same local dates at every centre).
    let from: String
    let to: String
    /// The first and last day as serial days.
    let fromDay: Int
    let toDay: Int

    /// ` AND <column> IN (…)` for the covered item types, or nothing when all are.
    func typeFilter(_ column: String) -> String {
        typeFiltered ? " AND \(column) IN (\(itemTypes.keys.sorted().map(String.init).joined(separator: ",")))" : ""
    }

    /// ` AND <column> IN (…)` for the covered centres.
    func centreFilter(_ column: String) -> String {
        " AND \(column) IN (\(centres.keys.sorted().map(String.init).joined(separator: ",")))"
    }

    /// A centre's value as an SQL expression of its id column.
    func perCentre(_ column: String, _ value: (Span) -> Int64) -> String {
        let cases = spans.sorted { $0.key < $1.key }.map { "WHEN \($0.key) THEN \(value($0.value))" }
        return cases.isEmpty ? "NULL" : "(CASE \(column) \(cases.joined(separator: " ")) END)"
    }

    func start(_ column: String) -> String { perCentre(column) { $0.startMillis } }
    func end(_ column: String) -> String { perCentre(column) { $0.endMillis } }
    func offset(_ column: String) -> String { perCentre(column) { $0.offsetMillis } }
    func lastDay(_ column: String) -> String { perCentre(column) { Int64($0.lastDay) } }

    /// The earliest start of the period at any covered centre.
    var earliestStart: Int64 { spans.values.map(\.startMillis).min() ?? 0 }

    func centreCode(_ id: Int64) -> String { centres[id]?.code ?? "?" }
    func typeCode(_ id: Int64) -> String { itemTypes[id]?.code ?? "?" }

    /// The longest period a report may cover.
    static let maxDays = 3660

    static func resolve(_ db: Database, _ query: ReportQuery, now: Date) throws -> ReportScope {
        guard query.from <= query.to else { throw RentalError.invalid("to", "must not be before from") }
        guard query.from.days(until: query.to) < maxDays else {
            throw RentalError.invalid("to", "a report covers at most \(maxDays) days")
        }
        var centres: [Int64: ReportCentre] = [:]
        let centreID = try query.centre.map { code in try Lookup.centreID(db, code) }
        for row in try Row.fetchAll(db, sql: "SELECT id, code, name, time_zone FROM centre ORDER BY id") {
            let id: Int64 = row[0]
            if let centreID, centreID != id { continue }
            centres[id] = ReportCentre(code: row[1], name: row[2], timeZone: row[3])
        }
        var types: [Int64: ReportItemType] = [:]
        var typeFiltered = query.category != nil
        var typeID: Int64?
        if let code = query.itemType {
            typeID = try Lookup.itemType(db, code).id
            typeFiltered = true
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, code, name, category FROM item_type ORDER BY id") {
            let id: Int64 = row[0]
            let category = Category(rawValue: row[3]) ?? .other
            if let typeID, typeID != id { continue }
            if let wanted = query.category, wanted != category { continue }
            types[id] = ReportItemType(code: row[1], name: row[2], category: category)
        }
        var spans: [Int64: Span] = [:]
        for (id, centre) in centres {
            let zone = Lookup.zone(centre.timeZone)
            let start = query.from.startOfDay(in: zone)
            let end = query.to.adding(days: 1).startOfDay(in: zone)
            spans[id] = Span(startMillis: RentalStore.millis(start), endMillis: RentalStore.millis(end),
                             offsetMillis: Int64(zone.secondsFromGMT(for: start)) * 1000,
                             lastDay: min(query.to, LocalDate(now, in: zone)).serialDay)
        }
        return ReportScope(centres: centres, spans: spans, itemTypes: types, typeFiltered: typeFiltered,
                           from: query.from.description, to: query.to.description,
                           fromDay: query.from.serialDay, toDay: query.to.serialDay)
    }
}
