import Foundation
import GRDB
import Testing
@testable import RentalKit

/// CSV registers in and out, on real store files.
@Suite("CSV import and export")
struct ImportTests {
    static let unitsHeader = "Инвентарный номер;Тип;Центр;Состояние;Дата приобретения;Стоимость;Источник финансирования;Дата проверки безопасности"

    func file(_ world: TestWorld, _ name: String, _ bytes: [UInt8]) throws -> CSVSource {
        let url = world.directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return .file(url)
    }

    func utf8(_ world: TestWorld, _ name: String, _ lines: [String], bom: Bool = false) throws -> CSVSource {
        try file(world, name, (bom ? [0xEF, 0xBB, 0xBF] : []) + Array((lines.joined(separator: "\r\n") + "\r\n").utf8))
    }

    @Test("Windows-1251 bytes decode to the right letters")
    func windows1251Table() {
        #expect(Windows1251.encode("Ёж") == [0xA8, 0xE6])
        #expect(Windows1251.scalar(0xC0) == "А" && Windows1251.scalar(0xFF) == "я" && Windows1251.scalar(0xB9) == "№")
    }

    @Test("a Windows-1251 file with Cyrillic headers, ';' and dd.mm.yyyy imports")
    func windows1251Imports() async throws {
        let world = try await TestWorld()
        let text = [Self.unitsHeader,
                    "кет-0001;kettle;omsk;хорошее;15.03.2024;1 299,50;Грант «Добро»;01.10.2026",
                    "КЕТ-0002;kettle;moscow;;;800;;",
                    "\"ШК-1\";wardrobe;omsk;новое;01.02.2025;12345,5;\"Фонд; «Ёлка»\";"].joined(separator: "\r\n") + "\r\n"
        let bytes = try #require(Windows1251.encode(text))
        #expect(String(validating: bytes, as: UTF8.self) == nil)
        let report = try await world.store.importCSV(.units, from: try file(world, "units.csv", bytes), by: world.admin)
        #expect(report.problems == [])
        #expect(report.encoding == .windows1251 && report.separator == ";")
        #expect(report.added == 3 && report.written)
        let kettle = try await world.store.unit("КЕТ-0001")
        #expect(kettle.condition == .good && kettle.costMinor == 129_950 && kettle.fundingSource == "Грант «Добро»")
        #expect(kettle.acquiredOn == TestWorld.date("2024-03-15") && kettle.lastSafetyCheck == TestWorld.date("2026-10-01"))
        #expect(try await world.store.unit("КЕТ-0002").homeCentre == "moscow")
        let wardrobe = try await world.store.unit("ШК-1")
        #expect(wardrobe.costMinor == 1_234_550 && wardrobe.fundingSource == "Фонд; «Ёлка»")
        // Importing the same file again changes nothing and says so.
        let again = try await world.store.importCSV(.units, from: try file(world, "units.csv", bytes), by: world.admin)
        #expect(again.unchanged == 3 && again.added == 0 && !again.written && again.problems == [])
    }

    @Test("a cell a spreadsheet would run as a formula gets an apostrophe, which reading it back takes off")
    func formulaCells() {
        let values = ["=1+1", "@SUM(1)", "+cmd", "-грант", "\tx", "'=1", "''", "'", "'a", "+7 (913) 555-66-77", "-5", "обычный", ""]
        for value in values {
            let cell = SpreadsheetCell.neutralised(value)
            #expect(SpreadsheetCell.restored(cell) == value, "\(value) → \(cell)")
            let formula = cell.first.map { "=@\t".contains($0) || ("+-".contains($0) && cell.contains { $0.isLetter }) } ?? false
            #expect(!formula, "\(value) → \(cell)")
        }
        #expect(SpreadsheetCell.neutralised("=1+1") == "'=1+1" && SpreadsheetCell.neutralised("'=1") == "''=1")
        #expect(SpreadsheetCell.neutralised("+7 (913) 555-66-77") == "+7 (913) 555-66-77" && SpreadsheetCell.neutralised("'a") == "'a")
    }

    @Test("LABELS, the label sheet's path, is refused as an inventory number, by the API and by an import")
    func labelsIsReserved() async throws {
        let world = try await TestWorld()
        await #expect(throws: RentalError.self) { try await world.unit("labels", "kettle") }
        let source = try utf8(world, "u.csv", ["inventory_number,item_type,centre", "Labels,kettle,omsk"])
        let report = try await world.store.importCSV(.units, from: source, by: world.admin)
        #expect(report.problems.map(\.line) == [2] && !report.written)
        #expect(report.problems.first?.messageRu.contains("служебное слово") == true)
    }

    @Test("English headers, ',' separator and a UTF-8 byte-order mark")
    func englishHeaders() async throws {
        let world = try await TestWorld()
        let source = try utf8(world, "u.csv", ["inventory_number,item_type,centre,cost", "K-1,kettle,omsk,\"10,50\""], bom: true)
        let report = try await world.store.importCSV(.units, from: source, by: world.admin)
        #expect(report.problems == [] && report.separator == "," && report.encoding == .utf8)
        #expect(try await world.store.unit("K-1").costMinor == 1050)
    }

    @Test("100,000 rows with one bad row in the middle: nothing is written and that row is named")
    func oneBadRowInALargeFile() async throws {
        let world = try await TestWorld()
        let url = world.directory.appendingPathComponent("big.csv")
        var text = Self.unitsHeader + "\r\n"
        text.reserveCapacity(7_000_000)
        for index in 1...100_000 {
            let date = index == 50_000 ? "31.02.2024" : "15.03.2024"
            text += "INV-\(index);kettle;omsk;хорошее;\(date);1 299,50;Грант;01.10.2026\r\n"
        }
        try Data(text.utf8).write(to: url)
        let before = try await world.count("SELECT count(*) FROM unit")
        let events = try await world.count("SELECT count(*) FROM audit_event")
        let report = try await world.store.importCSV(.units, from: .file(url), by: world.admin)
        #expect(report.rows == 100_000)
        #expect(report.problems.map(\.line) == [50_001])
        #expect(report.problems.first?.column == "Дата приобретения")
        #expect(report.problems.first?.messageRu.contains("дд.мм.гггг") == true)
        #expect(!report.written)
        #expect(try await world.count("SELECT count(*) FROM unit") == before)
        #expect(try await world.count("SELECT count(*) FROM audit_event") == events)
        // The same file corrected imports whole, in one transaction.
        try Data(text.replacingOccurrences(of: "31.02.2024", with: "28.02.2024").utf8).write(to: url)
        let clean = try await world.store.importCSV(.units, from: .file(url), by: world.admin)
        #expect(clean.problems == [] && clean.added == 100_000)
        #expect(try await world.count("SELECT count(*) FROM unit") == before + 100_000)
        #expect(try await world.store.verifyAudit().firstBroken == nil)
    }

    @Test("every bad row is listed, with its column, in both languages; nothing is written")
    func everyProblemListed() async throws {
        let world = try await TestWorld()
        let source = try utf8(world, "bad.csv", [Self.unitsHeader,
                                                  "A-1;kettle;omsk;;;;;",
                                                  "A-2;toaster;omsk;;;;;",
                                                  "A-3;kettle;nowhere;сломано;01.01.2099;дёшево;;",
                                                  "A-4;kettle;omsk;;;;;",
                                                  "A-1;kettle;omsk;;;;;",
                                                  "A-5;kettle"])
        let report = try await world.store.importCSV(.units, from: source, by: world.admin)
        let byLine = Dictionary(grouping: report.problems, by: \.line)
        #expect(Set(byLine.keys) == [3, 4, 6, 7])
        #expect(byLine[3]?.map(\.column) == ["Тип"])
        #expect(Set(byLine[4]?.map(\.column) ?? []) == ["Центр", "Состояние", "Стоимость"])
        // A duplicated inventory number names both lines.
        #expect(byLine[6]?.first?.message.contains("repeats line 2") == true)
        #expect(byLine[6]?.first?.messageRu.contains("строку 2") == true)
        #expect(byLine[7]?.first?.message.contains("2 fields") == true)
        #expect(report.problems.allSatisfy { !$0.message.isEmpty && !$0.messageRu.isEmpty })
        #expect(!report.written)
        #expect(try await world.count("SELECT count(*) FROM unit WHERE inventory_number LIKE 'A-%'") == 0)
    }

    @Test("a file cut mid-row is refused")
    func truncatedFile() async throws {
        let world = try await TestWorld()
        let whole = Array(([Self.unitsHeader] + (1...20).map { "T-\($0);kettle;omsk;хорошее;15.03.2024;100;Грант;01.10.2026" })
            .joined(separator: "\r\n").utf8) + [0x0D, 0x0A]
        for cut in [whole.count - 5, whole.count - 30] {
            let report = try await world.store.importCSV(.units, from: try file(world, "cut.csv", Array(whole.prefix(cut))),
                                                         by: world.admin)
            #expect(!report.problems.isEmpty)
            #expect(report.problems.contains { $0.message.contains("cut off") })
            #expect(!report.written)
        }
        #expect(try await world.count("SELECT count(*) FROM unit WHERE inventory_number LIKE 'T-%'") == 0)
        let report = try await world.store.importCSV(.units, from: try file(world, "whole.csv", whole), by: world.admin)
        #expect(report.problems == [] && report.added == 20)
    }

    @Test("unknown and missing columns are named on line 1")
    func headerProblems() async throws {
        let world = try await TestWorld()
        let report = try await world.store.importCSV(.units, from: try utf8(world, "h.csv", ["Инвентарный номер;Цвет", "X;красный"]),
                                                     by: world.admin)
        #expect(report.problems.allSatisfy { $0.line == 1 })
        #expect(Set(report.problems.map(\.column)) == ["Цвет", "Тип", "Центр"])
    }

    @Test("a dry run checks and counts but writes nothing; update applies and names each changed field")
    func dryRunAndUpdate() async throws {
        let world = try await TestWorld()
        let first = try utf8(world, "1.csv", [Self.unitsHeader, "U-1;kettle;omsk;новое;;100;;", "U-2;kettle;omsk;новое;;200;;"])
        let dry = try await world.store.importCSV(.units, from: first, options: .init(dryRun: true), by: world.admin)
        #expect(dry.added == 2 && !dry.written)
        #expect(try await world.count("SELECT count(*) FROM unit WHERE inventory_number LIKE 'U-%'") == 0)
        _ = try await world.store.importCSV(.units, from: first, by: world.admin)
        let changed = try utf8(world, "2.csv", [Self.unitsHeader, "U-1;kettle;omsk;хорошее;;150;Грант;", "U-2;kettle;omsk;новое;;200;;"])
        let refused = try await world.store.importCSV(.units, from: changed, by: world.admin)
        #expect(refused.problems.map(\.line) == [2] && refused.problems[0].message.contains("condition, cost, funding_source"))
        let updated = try await world.store.importCSV(.units, from: changed, options: .init(update: true), by: world.admin)
        #expect(updated.changes == [ImportChange(line: 2, key: "U-1", fields: ["condition", "cost", "funding_source"])])
        #expect(updated.unchanged == 1 && updated.updated == 1 && updated.written)
        #expect(try await world.store.unit("U-1").costMinor == 15_000)
    }

    @Test("families with children and centres import; export, import into an empty store and export again give the same bytes")
    func roundTrip() async throws {
        let world = try await TestWorld()
        let families = try utf8(world, "f.csv", [
            "Номер семьи;Фамилия;Имя и отчество;Телефон;Адрес;Малоимущая до;Социальный контракт;Согласие на обработку ПД;Дети;Статус",
            "f-0002;Петрова;Анна Ивановна;8 913 000-11-22;\"г. Омск; ул. Мира, 5\";30.06.2027;СК-17;01.02.2026;\"01.06.2026, 01.05.2027 (ожидается)\";активна",
            "F-0003;Сидоров;;+7 913 555 66 77;;31.12.2026;;;;приостановлена",
            // Text a spreadsheet would run as a formula, typed at the desk.
            "F-0004;Орлова;;+7 913 555 66 78;\"=HYPERLINK(\"\"http://example.org/\"\"; \"\"Омск\"\")\";31.12.2026;@SUM(1);;;активна",
        ])
        let report = try await world.store.importCSV(.families, from: families, by: world.admin)
        #expect(report.problems == [] && report.added == 3)
        let petrova = try await world.store.family("F-0002")
        #expect(petrova.children == [Child(birthDate: TestWorld.date("2026-06-01")), Child(birthDate: TestWorld.date("2027-05-01"), expected: true)])
        #expect(petrova.address == "г. Омск; ул. Мира, 5" && petrova.socialContract == "СК-17")
        #expect(try await world.store.family("F-0003").status == .suspended)
        let centres = try utf8(world, "c.csv", ["Код;Название;Регион;Часовой пояс;Дни работы",
                                                "tara;Тарский;Омская область;Asia/Omsk;пн, ср, пт"])
        #expect(try await world.store.importCSV(.centres, from: centres, by: world.admin).added == 1)
        #expect(try await world.store.centre("tara").openDays == [.monday, .wednesday, .friday])
        _ = try await world.store.importCSV(.units, from: try utf8(world, "u.csv", [Self.unitsHeader,
            "К-1;kettle;omsk;хорошее;15.03.2024;1 299,50;Грант;01.10.2026", "К-2;cot;tara;;;;\"a \"\"b\"\"\";", "К-3;cot;tara;;;;-грант;", "К-4;cot;tara;;;;'=уже с апострофом;"]), by: world.admin)
        // A leading apostrophe marks text in a spreadsheet: it is not part of the value.
        #expect(try await world.store.unit("К-4").fundingSource == "=уже с апострофом")

        let other = try await TestWorld(seed: false)
        for kind in [ExportKind.centres, .units, .families] {
            let exported = try await world.store.export(kind, by: world.admin)
            let url = other.directory.appendingPathComponent("\(kind).csv")
            try exported.write(to: url)
            if kind == .units {
                _ = try await other.store.addItemType(ItemType(code: "kettle", name: "Чайник", category: .appliance,
                                                               sanitiseAfterReturn: false), by: other.admin)
                _ = try await other.store.addItemType(ItemType(code: "cot", name: "Кроватка", category: .infant,
                                                               sanitiseAfterReturn: true), by: other.admin)
            }
            let imported = try await other.store.importCSV(ImportKind(rawValue: kind.rawValue) ?? .units, from: .file(url), by: other.admin)
            #expect(imported.problems == [])
            #expect(try await other.store.export(kind, by: other.admin) == exported)
            // No cell of the file starts a formula; the apostrophe that prevents it is gone after the import.
            let cells = String(decoding: exported, as: UTF8.self).split(separator: "\r\n").flatMap { $0.split(separator: ";") }
            #expect(!cells.contains { ["=", "@", "\"=", "\"@"].contains(where: $0.hasPrefix) })
        }
        let orlova = try await other.store.family("F-0004")
        #expect(orlova.address == #"=HYPERLINK("http://example.org/"; "Омск")"# && orlova.socialContract == "@SUM(1)")
        #expect(orlova.phone == "+7 913 555 66 78")
        #expect(try await other.store.unit("К-3").fundingSource == "-грант")
        #expect(try await other.store.unit("К-4").fundingSource == "=уже с апострофом")
        let exportedFamilies = String(decoding: try await world.store.export(.families, by: world.admin), as: UTF8.self)
        #expect(exportedFamilies.contains(#""'=HYPERLINK(""http://example.org/""; ""Омск"")""#) && exportedFamilies.contains(";'@SUM(1);"))
        #expect(exportedFamilies.contains(";+7 913 555 66 78;"))
        #expect(try await world.store.export(.units, format: .json, by: world.admin).count > 2)
        await #expect(throws: RentalError.self) { try await world.store.export(.families, by: world.staff) }
    }
}
