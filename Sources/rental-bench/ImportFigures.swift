import Foundation
import RentalKit

/// Issue 19's speed target: 100,000 units from a CSV register (Russian headers, `;`, dd.mm.yyyy, decimal
/// comma) through `RentalStore.importCSV` — streamed, checked, then written in one transaction with an
/// audit event per unit — beside a raw SQLite insert of the same rows (one transaction, one prepared
/// statement, no checks, no audit) in the same run.
struct ImportFigures {
    let options: BenchOptions
    let record: (Row) -> Void

    // The target is for 100,000 rows; a few seconds even in quick mode.
    var count: Int { 100_000 }

    func run() async throws {
        let directory = options.work + "/import"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let csv = URL(fileURLWithPath: directory + "/units.csv")
        var text = "\u{FEFF}Инвентарный номер;Тип;Центр;Состояние;Дата приобретения;Стоимость;Источник финансирования;Дата проверки безопасности\r\n"
        text.reserveCapacity(count * 90)
        for index in 1...count {
            text += "ИНВ-\(index);kettle;bench;хорошее;15.03.2024;1 299,50;Областной бюджет;01.10.2026\r\n"
        }
        try Data(text.utf8).write(to: csv)
        let bytes = text.utf8.count
        say("import: \(count) units, \(bytes / 1024) KiB of CSV")

        let store = try await prepared(directory + "/import.sqlite")
        let admin = Principal.admin("bench")
        let (seconds, report) = try await Monotonic.time {
            try await store.importCSV(.units, from: .file(csv), by: admin)
        }
        guard report.problems.isEmpty, report.added == count else {
            throw BenchError("import: \(report.problems.count) problems, \(report.added) added")
        }
        try store.close()

        let raw = try await prepared(directory + "/raw.sqlite")
        try raw.close()
        let connection = try SQLiteConnection(path: directory + "/raw.sqlite")
        try connection.useStorePragmas()
        let (rawSeconds, _) = try Monotonic.time { () throws -> Void in
            try connection.execute("BEGIN")
            let insert = try connection.prepare("""
                INSERT INTO unit (inventory_number, item_type_id, home_centre_id, current_centre_id, status, condition,
                                  acquired_on, cost_minor, funding_source, last_safety_check)
                VALUES (?, 1, 1, 1, 'available', 'good', '2024-03-15', 129950, 'Областной бюджет', '2026-10-01')
                """)
            for index in 1...count { try insert.run(["ИНВ-\(index)"]) }
            try connection.execute("COMMIT")
        }
        let target = 10.0 * Double(count) / 100_000
        record(Row("CSV import of \(Format.count(Double(count))) units (check + one transaction, audited)",
                   measured: String(format: "%.2f s", seconds),
                   baseline: String(format: "raw SQLite INSERT of the same rows: %.2f s", rawSeconds),
                   ratio: Format.ratio(seconds / max(rawSeconds, 1e-9)),
                   target: String(format: "≤ %.0f s", target), met: seconds <= target))
    }

    /// A fresh store with one centre (`bench`) and the kettle item type.
    private func prepared(_ path: String) async throws -> RentalStore {
        let store = try RentalStore.open(path: path)
        let admin = Principal.admin("bench")
        _ = try await store.addCentre(NewCentre(code: "bench", name: "Стенд", region: "", timeZone: "Asia/Omsk"), by: admin)
        _ = try await store.addItemType(ItemType(code: "kettle", name: "Чайник", category: .appliance,
                                                 sanitiseAfterReturn: false, safetyCheckDays: 365), by: admin)
        return store
    }
}
