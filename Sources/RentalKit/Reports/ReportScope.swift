import Foundation
import GRDB

/// What one report covers, resolved against the store: the centres and item types, and for each centre
/// its period in its own zone (days as serial day numbers, the bounds as UTC milliseconds), as SQL
/// fragments that the report's queries share.
struct ReportScope {
    /// Covered centres by row id.
    let centres: [Int64: ReportCentre]
    /// Covered item types by row id.
    let itemTypes: [Int64: ReportItemType]
    /// Whether only some item types are covered (a category or an item type was asked for).
    let typeFiltered: Bool
    /// `span(centre_id, from_dn, to_dn, last_dn, start_ms, end_ms, off_ms)`: one row per covered centre.
    /// `from_dn`…`to_dn`: the period's days; `last_dn`: its last day not after today (the days that have
    /// been lived); `start_ms`…`end_ms`: the period as instants (end excluded); `off_ms`: the zone's UTC
    /// offset at the start of the period, which turns an instant into a local serial day
    /// (`(ms + off_ms) / 86400000`; Russia keeps no daylight-saving time).
    let span: String
    /// The first and last day as `YYYY-MM-DD` (the same local dates at every centre).
    let from: String
    let to: String

    /// ` AND <column> IN (…)` for the covered item types, or nothing when all are.
    func typeFilter(_ column: String) -> String {
        typeFiltered ? " AND \(column) IN (\(itemTypes.keys.sorted().map(String.init).joined(separator: ",")))" : ""
    }

    /// ` AND <column> IN (…)` for the covered centres.
    func centreFilter(_ column: String) -> String {
        " AND \(column) IN (\(centres.keys.sorted().map(String.init).joined(separator: ",")))"
    }

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
        var values: [String] = []
        for (id, centre) in centres.sorted(by: { $0.key < $1.key }) {
            let zone = Lookup.zone(centre.timeZone)
            let start = query.from.startOfDay(in: zone)
            let end = query.to.adding(days: 1).startOfDay(in: zone)
            let offset = Int64(zone.secondsFromGMT(for: start)) * 1000
            let today = LocalDate(now, in: zone)
            let last = min(query.to, today)
            values.append("(\(id), \(query.from.serialDay), \(query.to.serialDay), \(last.serialDay), "
                          + "\(RentalStore.millis(start)), \(RentalStore.millis(end)), \(offset))")
        }
        if values.isEmpty { values.append("(NULL, 0, 0, 0, 0, 0, 0)") }
        let span = "span(centre_id, from_dn, to_dn, last_dn, start_ms, end_ms, off_ms) AS (VALUES \(values.joined(separator: ", ")))"
        return ReportScope(centres: centres, itemTypes: types, typeFiltered: typeFiltered, span: span,
                           from: query.from.description, to: query.to.description)
    }
}
