import Foundation
import GRDB
import Testing
@testable import RentalKit

@Suite("Migrations")
struct MigrationTests {
    /// A private copy of the fixture written by the first schema.
    func fixtureCopy() throws -> String {
        let source = try #require(Bundle.module.url(forResource: "schema-v1", withExtension: "sqlite", subdirectory: "Fixtures"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rentalkit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("rental.sqlite").path
        try FileManager.default.copyItem(atPath: source.path, toPath: path)
        return path
    }

    @Test("a store written by the first schema opens, migrates and keeps every record")
    func firstSchemaFixtureOpens() async throws {
        let clock = ManualClock(TestWorld.monday)
        let store = try RentalStore.open(path: try fixtureCopy(), clock: clock)
        #expect(try await store.appliedMigrations() == Schema.migrator.migrations)
        #expect(Schema.migrator.migrations.first == "v1-initial")
        #expect(try await store.centres().map(\.name) == ["Московский", "Рябинушка"])
        #expect(try await store.centre("omsk").closures.map(\.note) == ["Новогодние каникулы"])
        #expect(try await store.family("F-0002").contactSurname == "Семёнова")
        #expect(try await store.family("F-0002").children == [Child(birthDate: TestWorld.date("2027-03-01"), expected: true)])
        let open = try await store.loan(1)
        #expect(open.state == .open)
        #expect(open.inventoryNumber == "КРВ-0001")
        #expect(open.dueDate == TestWorld.date("2027-02-23"))
        #expect(try await store.loan(2).state == .returned)
        #expect(try await store.reservations(itemType: "cot", at: "omsk").map(\.family) == ["F-0002"])
        #expect(try await store.auditEvents(limit: 1000).count == 17)
        #expect(try await store.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
        // And it is fully usable.
        let receipt = try await store.returnUnit("КРВ-0001", at: "omsk", condition: .good, by: .admin("admin"))
        #expect(receipt.unitStatus == .sanitising)
    }

    @Test("migrating a store with data first keeps a copy of it as it was, next to it")
    func backupBeforeMigration() async throws {
        let path = try fixtureCopy()
        let store = try RentalStore.open(path: path, clock: ManualClock(TestWorld.monday))
        let directory = (path as NSString).deletingLastPathComponent
        let copies = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".before-") }
        #expect(copies == ["rental.sqlite.before-v2-checkout-request-key-\(Int(TestWorld.monday.timeIntervalSince1970)).sqlite"])
        var readOnly = Configuration()
        readOnly.readonly = true
        let old = try DatabaseQueue(path: directory + "/" + copies[0], configuration: readOnly)
        #expect(try await old.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") } == ["v1-initial"])
        #expect(try await old.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM loan") } == 2)
        #expect(try await old.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "delete")
        try old.close()
        try store.close()
        // Opening the migrated store again takes no further copy.
        _ = try RentalStore.open(path: path)
        let after = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".before-") }
        #expect(after.count == 1, "\(after)")
    }

    @Test("a damaged store is refused at open instead of serving wrong data")
    func damagedStoreIsRefused() async throws {
        let path = try fixtureCopy()
        // Overwrite pages in the middle of the file (it has 35 pages of 4096 bytes), headers included.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seek(toOffset: 4096 * 10)
        handle.write(Data(repeating: 0xA5, count: 4096 * 15))
        try handle.close()
        let error = try #require(throws: RentalError.self) { _ = try RentalStore.open(path: path) }
        #expect(error.code == .storageCorrupt)
    }

    @Test func aStoreFromANewerVersionIsRefused() async throws {
        let path = try fixtureCopy()
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        let error = try #require(throws: RentalError.self) { _ = try RentalStore.open(path: path) }
        #expect(error.message.contains("newer version"))
    }
}
