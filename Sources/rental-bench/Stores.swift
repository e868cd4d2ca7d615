import Foundation
import RentalKit

/// The principal the benchmark seeds stores as.
let benchAdmin = Principal.admin("bench")

/// A store for the checkout figures: one centre open every day, one item type with no safety check or
/// age limit, a rule of 30 days and at most 4 open loans per family, `units` available units and one
/// eligible family per two units (each family borrows at most twice in a run).
///
/// Centre, item type and rule go through RentalKit's API (with their audit events); units and families,
/// tens of thousands, are inserted by SQL in one transaction, because the API commits each one
/// durably and would take minutes. Those rows have no audit events (the chain stays valid: it covers
/// the events there are).
struct CirculationStore: Sendable {
    /// The store file.
    let path: String
    /// How many units (and so checkouts at most).
    let units: Int
    /// The centre's code.
    static let centre = "bench"

    /// Inventory number of unit `index`.
    static func unit(_ index: Int) -> String { "BN-\(index)" }
    /// The family that borrows unit `index`.
    static func family(forUnit index: Int) -> String { "BF-\(index / 2)" }

    /// Creates the store in `directory` (a fresh directory).
    static func create(in directory: String, units: Int) async throws -> CirculationStore {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/rental.sqlite"
        let store = try RentalStore.open(path: path, options: .init(synchronous: .normal))
        _ = try await store.addCentre(NewCentre(code: centre, name: "Стенд", region: "Тест", timeZone: "UTC",
                                                openDays: Set(Weekday.allCases)), by: benchAdmin)
        _ = try await store.addItemType(ItemType(code: "bench-item", name: "Шкаф", category: .furniture,
                                                 sanitiseAfterReturn: false), by: benchAdmin)
        _ = try await store.setRule(LoanRule(scope: RuleScope(), period: .days(30), maxOpenLoans: 4), by: benchAdmin)
        try store.close()

        let db = try SQLiteConnection(path: path)
        try db.execute("PRAGMA foreign_keys = ON")
        let centreID = try db.text("SELECT id FROM centre WHERE code = '\(centre)'") ?? "1"
        let typeID = try db.text("SELECT id FROM item_type WHERE code = 'bench-item'") ?? "1"
        try db.execute("BEGIN")
        let family = try db.prepare("""
            INSERT INTO family (reference, contact_surname, contact_given_names, surname_folded, phone, phone_digits,
                                address, low_income_until, social_contract, consent_on, status)
            VALUES (?1, 'Стендова', 'Анна', 'стендова', '+7 900 000-00-00', '79000000000', 'Тестовый адрес',
                    '2099-12-31', NULL, '2026-01-01', 'active')
            """)
        for index in 0..<((units + 1) / 2) { try family.run(["BF-\(index)"]) }
        let unit = try db.prepare("""
            INSERT INTO unit (inventory_number, item_type_id, home_centre_id, current_centre_id, status, condition,
                              acquired_on, cost_minor, funding_source, last_safety_check)
            VALUES (?1, \(typeID), \(centreID), \(centreID), 'available', 'good', '2025-01-01', 100000, 'Стенд', NULL)
            """)
        for index in 0..<units { try unit.run([Self.unit(index)]) }
        try db.execute("COMMIT")
        try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return CirculationStore(path: path, units: units)
    }
}

/// The overdue-scan store: `loans` loans in ten centres across Russia's zones, of which `open` are open
/// and `overdue` of those overdue; the rest are returned history. Centres, catalogue and rule go through
/// RentalKit's API; families, units and loans are inserted by SQL in one transaction after RentalStore
/// made the schema, consistently (a unit on an open loan is `on_loan`, open loans use distinct units,
/// every loan's centre is its unit's), but without audit events for the seeded rows.
struct OverdueStore: Sendable {
    /// The store file.
    let path: String
    /// Loans in all.
    let loans: Int
    /// Open loans.
    let open: Int
    /// Overdue loans (open, due before today in their centre's zone).
    let overdue: Int

    static let zones = ["Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
                        "Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok"]

    /// Creates the store in `directory` (a fresh directory).
    static func create(in directory: String, loans: Int, open: Int, overdue: Int) async throws -> OverdueStore {
        guard open <= loans, overdue <= open, open > 0 else { throw BenchError("bad overdue store sizes") }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/rental.sqlite"
        let store = try RentalStore.open(path: path, options: .init(synchronous: .normal))
        for (index, zone) in zones.enumerated() {
            _ = try await store.addCentre(NewCentre(code: "centre-\(index + 1)", name: "Центр \(index + 1)", region: "Тест",
                                                    timeZone: zone, openDays: Set(Weekday.allCases)), by: benchAdmin)
        }
        let types = [ItemType(code: "kettle", name: "Чайник", category: .appliance, sanitiseAfterReturn: false),
                     ItemType(code: "cot", name: "Кроватка", category: .infant, sanitiseAfterReturn: true),
                     ItemType(code: "wardrobe", name: "Шкаф", category: .furniture, sanitiseAfterReturn: false)]
        for type in types { _ = try await store.addItemType(type, by: benchAdmin) }
        _ = try await store.setRule(LoanRule(scope: RuleScope(), period: .days(30), maxOpenLoans: 4), by: benchAdmin)
        try store.close()

        let db = try SQLiteConnection(path: path)
        try db.execute("PRAGMA foreign_keys = ON; PRAGMA cache_size = -262144")
        let centreIDs = try db.texts("SELECT id FROM centre ORDER BY id").compactMap { Int64($0) }
        let typeIDs = try db.texts("SELECT id FROM item_type ORDER BY id").compactMap { Int64($0) }
        let families = max(1000, open * 2 / 5)
        let units = open + open / 2
        // Day strings relative to today (UTC), computed once: every zone here is UTC+2…UTC+10, so a due
        // date two days before UTC's today is overdue everywhere and one two days after is not.
        let today = LocalDate(Date(), in: .gmt)
        let firstOffset = -2200
        let days = (firstOffset...200).map { today.adding(days: $0).description }
        func day(_ offset: Int) -> String { days[offset - firstOffset] }
        let noon = Int64(Date().timeIntervalSince1970 * 1000) / 86_400_000 * 86_400_000 + 43_200_000
        func millis(_ offset: Int) -> Int64 { noon + Int64(offset) * 86_400_000 }

        try db.execute("BEGIN")
        let family = try db.prepare("""
            INSERT INTO family (id, reference, contact_surname, contact_given_names, surname_folded, phone, phone_digits,
                                address, low_income_until, social_contract, consent_on, status)
            VALUES (?1, ?2, 'Стендова', 'Анна', 'стендова', '+7 900 000-00-00', '79000000000', 'Тестовый адрес',
                    '2099-12-31', NULL, '2026-01-01', 'active')
            """)
        for index in 0..<families { try family.run([Int64(index + 1), "OF-\(index)"]) }
        let unit = try db.prepare("""
            INSERT INTO unit (id, inventory_number, item_type_id, home_centre_id, current_centre_id, status, condition,
                              acquired_on, cost_minor, funding_source, last_safety_check)
            VALUES (?1, ?2, ?3, ?4, ?4, ?5, 'good', '2020-01-01', 100000, 'Стенд', NULL)
            """)
        for index in 0..<units {
            try unit.run([Int64(index + 1), "OU-\(index)", typeIDs[index % typeIDs.count], centreIDs[index % centreIDs.count],
                          index < open ? "on_loan" : "available"])
        }
        let loan = try db.prepare("""
            INSERT INTO loan (unit_id, family_id, centre_id, issued_by, issued_at, issued_on, backdated, due_date, renewals,
                              state, closed_at, closed_by, returned_to_centre_id, return_condition)
            VALUES (?1, ?2, ?3, 'bench', ?4, ?5, 0, ?6, 0, ?7, ?8, ?9, ?10, ?11)
            """)
        let stride = loans / open
        var openIndex = 0
        for index in 0..<loans {
            if index % stride == stride - 1, openIndex < open {
                // The k-th open loan holds unit k; `overdue` of them, spread evenly, are due in the past.
                let k = openIndex
                openIndex += 1
                let isOverdue = (k * overdue) / open != ((k + 1) * overdue) / open
                let due = isOverdue ? -2 - k % 60 : 2 + k % 90
                try loan.run([Int64(k + 1), Int64(k % families + 1), centreIDs[k % centreIDs.count], millis(due - 30),
                              day(due - 30), day(due), "open", nil, nil, nil, nil])
            } else {
                let unitIndex = index % units
                let issued = -2100 + Int(Int64(index) * 2000 / Int64(loans))
                try loan.run([Int64(unitIndex + 1), Int64(index % families + 1), centreIDs[unitIndex % centreIDs.count],
                              millis(issued), day(issued), day(issued + 30), "returned", millis(issued + 20), "bench",
                              centreIDs[unitIndex % centreIDs.count], "good"])
            }
        }
        guard openIndex == open else { throw BenchError("seeded \(openIndex) open loans, wanted \(open)") }
        try db.execute("COMMIT")
        try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return OverdueStore(path: path, loans: loans, open: open, overdue: overdue)
    }
}
