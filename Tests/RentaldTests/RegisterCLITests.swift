import Foundation
import Testing
import RentalClient
import RentalProtocol

extension CLITests {
    @Test("rentalctl import lists every problem in Russian and exits 64; a clean file imports; export gives it back")
    func importAndExport() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rentalctl-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("bad.csv").path
        try Data("Инвентарный номер;Тип;Центр;Дата приобретения\r\nCLI-1;kettle;ryabinushka;32.01.2025\r\nCLI-2;teapot;ryabinushka;\r\n".utf8)
            .write(to: URL(fileURLWithPath: bad))
        let refused = try await ctl(daemon, ["import", "units", bad], language: "ru_RU.UTF-8")
        #expect(refused.status == 64)
        #expect(refused.output.contains("Ничего не импортировано"), "\(refused.output)")
        #expect(refused.output.contains("строка 2, «Дата приобретения»: не дата в виде дд.мм.гггг"), "\(refused.output)")
        #expect(refused.output.contains("строка 3, «Тип»: нет типа предмета с таким кодом"), "\(refused.output)")
        await #expect(throws: RentalError.self) { try await daemon.client.unit("CLI-1") }

        let good = directory.appendingPathComponent("good.csv").path
        try Data("inventory_number,item_type,centre\nCLI-1,kettle,ryabinushka\nCLI-2,kettle,ryabinushka\n".utf8)
            .write(to: URL(fileURLWithPath: good))
        let dry = try await ctl(daemon, ["import", "units", good, "--dry-run"], language: "ru_RU.UTF-8")
        #expect(dry.status == 0 && dry.output.contains("Прочитано: 2 строки") && dry.output.contains("ничего не записано"), "\(dry.output)")
        let imported = try await ctl(daemon, ["import", "units", good])
        #expect(imported.status == 0 && imported.output.contains("Written."), "\(imported.output)")
        let again = try await ctl(daemon, ["import", "units", good], language: "ru_RU.UTF-8")
        #expect(again.output.contains("Менять нечего"), "\(again.output)")

        let exported = try await ctl(daemon, ["export", "units", "--centre", "ryabinushka"])
        #expect(exported.status == 0 && exported.output.contains("CLI-2;kettle;ryabinushka;новое;"), "\(exported.output.prefix(300))")
        let anonymise = try await ctl(daemon, ["privacy", "anonymise", "--dry-run"], language: "ru_RU.UTF-8")
        #expect(anonymise.status == 0 && anonymise.output.contains("Будет обезличено: 0 семей"), "\(anonymise.output)")
        try await daemon.stop()
    }
}
