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

    @Test func aStoreFromANewerVersionIsRefused() async throws {
        let path = try fixtureCopy()
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        let error = try #require(throws: RentalError.self) { _ = try RentalStore.open(path: path) }
        #expect(error.message.contains("newer version"))
    }
}
