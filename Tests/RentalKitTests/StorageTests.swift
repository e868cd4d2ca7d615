import Foundation
import GRDB
import Testing
@testable import RentalKit

@Suite("The SQLite file")
struct StorageTests {
    @Test func walFullSyncAndForeignKeysByDefault() async throws {
        let world = try await TestWorld()
        let (journal, synchronous, foreignKeys) = try await world.store.writer.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
             try Bool.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(journal == "wal")
        #expect(synchronous == 2, "FULL")
        #expect(foreignKeys == true)
        #expect(world.store.writer is DatabasePool)
    }

    @Test func normalSyncOnRequest() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rentalkit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try RentalStore.open(path: directory.appendingPathComponent("s.sqlite").path,
                                         options: .init(synchronous: .normal))
        #expect(try await store.writer.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 1)
    }

    @Test func dataSurvivesClosingAndReopening() async throws {
        let world = try await TestWorld()
        try await world.unit("КРВ-1", "cot")
        let loan = try await world.store.checkout(family: TestWorld.familyRef, unit: "КРВ-1", at: "omsk", by: world.staff)
        try world.store.close()
        let reopened = try RentalStore.open(path: world.path, clock: world.clock)
        #expect(try await reopened.loan(loan.id) == loan)
        #expect(try await reopened.centre("omsk").name == "Рябинушка")
        #expect(try await reopened.appliedMigrations() == Schema.migrator.migrations)
    }

    @Test("a full disk is reported as storage_full and changes nothing")
    func diskFull() async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        // Cap the file at its current size: SQLite then fails with SQLITE_FULL, as on a full disk.
        try await world.store.writer.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        var failures = 0
        for n in 1...200 {
            do {
                _ = try await world.store.addUnit(NewUnit(inventoryNumber: "FILL-\(n)", itemType: "wardrobe", centre: "omsk"),
                                                  by: world.admin)
            } catch {
                #expect(error.code == .storageFull)
                failures += 1
                break
            }
        }
        #expect(failures == 1, "the capped file filled up")
        let units = try await world.count("SELECT count(*) FROM unit")
        let audits = try await world.count("SELECT count(*) FROM audit_event WHERE action = 'unit.add'")
        #expect(units == audits, "every stored unit has its audit event and no more")
        #expect(try await world.store.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
    }

    @Test func aFileThatIsNotAStoreIsReportedAsDamaged() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rentalkit-\(UUID().uuidString).sqlite").path
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: RentalError.self) { _ = try RentalStore.open(path: path) }
        #expect(error.code == .storageCorrupt)
    }

    @Test func anUnreachablePathIsReported() throws {
        let error = try #require(throws: RentalError.self) {
            _ = try RentalStore.open(path: "/nonexistent-\(UUID().uuidString)/rental.sqlite")
        }
        #expect(error.code == .storageReadOnly)
        #expect(!error.message.contains("INSERT"))
    }

    @Test func inMemoryStoresWorkToo() async throws {
        let store = try RentalStore.inMemory()
        _ = try await store.addCentre(NewCentre(code: "omsk", name: "Рябинушка", region: "", timeZone: "Asia/Omsk"),
                                      by: .admin("root"))
        #expect(try await store.centres().map(\.code) == ["omsk"])
        #expect(store.path == ":memory:" || store.path.isEmpty)
    }
}
