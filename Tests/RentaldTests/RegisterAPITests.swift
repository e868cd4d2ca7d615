import Foundation
import Glibc
import Testing
import RentalClient
import RentalProtocol

/// Registers in and out and personal data through the real daemon, on the demo store.
@Suite("Registers and personal data through rentald")
struct RegisterAPITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the sample registers under docs/ import into the demo data; export gives them back; erase and subject access")
    func sampleRegisters() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        let units = try [UInt8](Data(contentsOf: Self.root.appendingPathComponent("docs/sample-units.csv")))
        let dry = try await client.importRegister(.units, csv: units, options: ImportOptions(dryRun: true))
        #expect(dry.problems == [] && dry.added == 3 && !dry.written)
        await #expect(throws: RentalError.self) { try await client.unit("КРВ-0101") }
        let report = try await client.importRegister(.units, csv: units, options: ImportOptions())
        #expect(report.problems == [] && report.written)
        #expect(try await client.unit("КОЛ-0033").fundingSource == "Пожертвование; ООО «Ромашка»")
        let again = try await client.importRegister(.units, csv: units, options: ImportOptions())
        #expect(again.unchanged == 3 && !again.written)
        let families = try [UInt8](Data(contentsOf: Self.root.appendingPathComponent("docs/sample-families.csv")))
        #expect(try await client.importRegister(.families, csv: families, options: ImportOptions()).added == 2)

        let csv = String(decoding: try await client.export(.units, centre: "vdokhnovenie"), as: UTF8.self)
        #expect(csv.hasPrefix("\u{FEFF}Инвентарный номер;") && csv.contains("КОЛ-0033;pram;vdokhnovenie;"))
        let loans = String(decoding: try await client.export(.loans), as: UTF8.self)
        #expect(loans.hasPrefix("\u{FEFF}Номер выдачи;"))

        let record = try await client.familyRecord("F-2026-9001")
        #expect(record.family.contactSurname == "Образцова" && record.family.children.count == 2)
        let erased = try await client.eraseFamily("F-2026-9001")
        #expect(erased.reference == "F-2026-9001")
        await #expect(throws: RentalError.self) { try await client.family("F-2026-9001") }
        #expect(try await client.verifyAudit().firstBroken == nil)
        #expect(try await client.anonymise(dryRun: true).dryRun)
        #expect(try await daemon.stop() == 0)
        #expect(!daemon.log.contains("Образцова"))
    }

    @Test("a register over max_body_bytes is accepted by the import route (max_import_bytes)")
    func largeRegister() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        // Long rows, so that few of them pass 1 MiB (the daemon's default max_body_bytes).
        let funding = String(repeating: "Областной бюджет, ", count: 10)
        var text = "inventory_number;item_type;centre;funding_source\r\n"
        for index in 1...4_000 { text += "BIG-\(index);kettle;ryabinushka;\"\(funding)\(index)\"\r\n" }
        #expect(text.utf8.count > 1 << 20)
        let report = try await daemon.client.importRegister(.units, csv: Array(text.utf8), options: ImportOptions())
        #expect(report.problems == [] && report.added == 4_000)
        #expect(try await daemon.stop() == 0)
    }

    @Test("kill -9 during an import of 100,000 units leaves the store as it was")
    func killDuringImport() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let before = try await daemon.client.health().summary.units
        var text = "Инвентарный номер;Тип;Центр;Стоимость\r\n"
        for index in 1...100_000 { text += "KILL-\(index);kettle;ryabinushka;1 299,50\r\n" }
        let bytes = Array(text.utf8)
        let client = daemon.client
        let load = Task { try? await client.importRegister(.units, csv: bytes, options: ImportOptions()) }
        try await Task.sleep(for: .milliseconds(1200))
        daemon.signal(SIGKILL)
        await daemon.reap()
        let answer = await load.value
        try await daemon.start(demo: false)
        let after = try await daemon.client.health().summary.units
        if answer?.written == true {
            // The import committed before the kill: then all of it is there.
            #expect(after == before + 100_000)
        } else {
            #expect(after == before)
            await #expect(throws: RentalError.self) { try await daemon.client.unit("KILL-1") }
            await #expect(throws: RentalError.self) { try await daemon.client.unit("KILL-100000") }
        }
        #expect(try await daemon.client.verifyAudit().firstBroken == nil)
        #expect(try await daemon.stop() == 0)
    }
}
