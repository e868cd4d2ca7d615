import Foundation
import GRDB
import Testing
@testable import RentalKit

/// Personal data over its life: retention, erasure on request, subject access, nothing left in the files.
@Suite("Personal data")
struct PrivacyTests {
    /// 2030-01-15: more than three years after the world's Monday (2026-11-23).
    static let later = TestWorld.instant("2030-01-15T04:00:00Z")

    /// The world's family borrows and returns a wardrobe on the world's Monday, with a note naming someone.
    func worldWithHistory() async throws -> TestWorld {
        let world = try await TestWorld()
        try await world.unit("ШК-1", "wardrobe")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "ШК-1", at: "omsk", by: world.admin)
        _ = try await world.store.returnUnit("ШК-1", at: "omsk", condition: .good, note: "вернула Иванова лично",
                                             by: world.admin)
        return world
    }

    /// Every byte of the store's files (main file, WAL).
    func storeBytes(_ world: TestWorld) throws -> Data {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: world.path))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: world.path + "-wal")) { bytes.append(wal) }
        return bytes
    }

    func traces(_ world: TestWorld) throws -> [String] {
        let bytes = try storeBytes(world)
        return [TestWorld.surname, "иванова", TestWorld.phone, "79131234567", "Мария Петровна", TestWorld.address]
            .filter { bytes.range(of: Data($0.utf8)) != nil }
    }

    func figures(_ world: TestWorld) async throws -> [Int] {
        [try await world.count("SELECT count(*) FROM loan"), try await world.count("SELECT count(DISTINCT family_id) FROM loan"),
         try await world.count("SELECT count(*) FROM family"), try await world.count("SELECT count(*) FROM child"),
         try await world.store.summary().families, try await world.store.summary().openLoans]
    }

    @Test("retention: an inactive family is anonymised, figures and the audit chain survive, no trace in the files")
    func retentionAnonymises() async throws {
        let world = try await worldWithHistory()
        #expect(try traces(world).contains(TestWorld.surname))
        // A second family, active recently, is kept.
        _ = try await world.store.registerFamily(Family(reference: "F-0009", contactSurname: "Кузнецова", contactGivenNames: "Ольга",
                                                        phone: "+7 913 999-88-77", address: "г. Тара", lowIncomeUntil: TestWorld.date("2030-06-30"),
                                                        consentOn: TestWorld.date("2026-01-15"), children: []),
                                                 by: world.admin)
        let before = try await figures(world)
        world.clock.set(Self.later)
        _ = try await world.store.updateFamily("F-0009", FamilyUpdate(address: "г. Омск, ул. Новая, 3"), by: world.admin)

        let dry = try await world.store.anonymiseInactiveFamilies(after: .threeYears, dryRun: true, by: world.admin)
        #expect(dry.families == 1 && dry.inactiveBefore == TestWorld.date("2027-01-15"))
        #expect(try await world.store.family(TestWorld.familyRef).contactSurname == TestWorld.surname)

        let result = try await world.store.anonymiseInactiveFamilies(after: .threeYears, by: world.admin)
        #expect(result.families == 1)
        await #expect(throws: RentalError.self) { try await world.store.family(TestWorld.familyRef) }
        #expect(try await world.store.family("F-0009").contactSurname == "Кузнецова")
        #expect(try await figures(world) == before)
        let loan = try #require(try await world.store.loans(LoanFilter(openOnly: false)).first)
        #expect(loan.family.hasPrefix("ANON-") && loan.returnNote == nil)
        let anonymous = try await world.store.family(loan.family)
        #expect(anonymous.phone == "" && anonymous.address == "" && anonymous.contactGivenNames == "" && anonymous.status == .suspended)
        #expect(anonymous.children == [Child(birthDate: TestWorld.date("2026-06-01"))])
        // No one's record any more: not changed back into one, not in the families register.
        await #expect(throws: RentalError.self) {
            try await world.store.updateFamily(loan.family, FamilyUpdate(phone: "+7 913 000-00-00"), by: world.admin)
        }
        let register = String(decoding: try await world.store.export(.families, by: world.admin), as: UTF8.self)
        #expect(register.contains("F-0009") && !register.contains("ANON-"))
        #expect(try await world.store.verifyAudit().firstBroken == nil)
        let last = try #require(try await world.store.auditEvents(since: 0, limit: 1000).last)
        #expect(last.action == "privacy.anonymise" && last.details["families"] == "1")
        let left = try traces(world)
        #expect(left == [], "left in the files")
        // Run again: nothing more to do.
        #expect(try await world.store.anonymiseInactiveFamilies(after: .threeYears, by: world.admin).families == 0)
    }

    @Test("erase on request is refused while a loan is open, naming it; afterwards nothing is left")
    func eraseOnRequest() async throws {
        let world = try await TestWorld()
        try await world.unit("ШК-1", "wardrobe")
        let loan = try await world.store.checkout(family: TestWorld.familyRef, unit: "ШК-1", at: "omsk", by: world.admin)
        await #expect(throws: RentalError(.forbidden, "erasing a family needs the admin role")) {
            _ = try await world.store.eraseFamily(TestWorld.familyRef, by: world.staff)
        }
        do {
            _ = try await world.store.eraseFamily(TestWorld.familyRef, by: world.admin)
            Issue.record("erased with an open loan")
        } catch {
            #expect(error.code == .familyHasOpenLoans && error.message.contains("\(loan.id)"))
            #expect(!error.message.contains(TestWorld.surname))
        }
        _ = try await world.store.returnUnit("ШК-1", at: "omsk", condition: .good, by: world.admin)
        let record = try await world.store.familyRecord(TestWorld.familyRef, by: world.admin)
        #expect(record.family.contactSurname == TestWorld.surname && record.loans.map(\.id) == [loan.id])
        #expect(record.events.map(\.action) == ["family.register"])
        let erased = try await world.store.eraseFamily(TestWorld.familyRef, by: world.admin)
        #expect(erased.loansKept == 1)
        #expect(try await world.count("SELECT count(*) FROM loan") == 1)
        #expect(try await world.store.verifyAudit().firstBroken == nil)
        #expect(try await world.store.auditEvents(entity: "family", key: TestWorld.familyRef, limit: 10).map(\.action)
                == ["family.register", "family.erase"])
        let left = try traces(world)
        #expect(left == [], "left in the files")
    }

    @Test("a family with a unit held for it is neither anonymised nor erased")
    func holdsKeepTheFamily() async throws {
        let world = try await worldWithHistory()
        try await world.unit("ШК-2", "wardrobe")
        let reservation = try await world.store.reserve(family: TestWorld.familyRef, itemType: "wardrobe", at: "omsk", by: world.admin)
        #expect(reservation.state == .held)
        world.clock.set(Self.later)
        #expect(try await world.store.anonymiseInactiveFamilies(after: .threeYears, dryRun: true, by: world.admin).families == 0)
        do {
            _ = try await world.store.eraseFamily(TestWorld.familyRef, by: world.admin)
            Issue.record("erased while a unit is held for the family")
        } catch {
            #expect(error.code == .familyHasOpenLoans && error.message.contains("reservations \(reservation.id)"))
        }
        #expect(try await world.store.family(TestWorld.familyRef).contactSurname == TestWorld.surname)
    }

    @Test("v7-privacy migrates a store written by the current release (v5) and its audit chain still verifies")
    func migrationFromCurrentRelease() async throws {
        let world = try await worldWithHistory()
        let path = world.path
        try world.store.close()
        // Take the store back to what the current release writes: no v7 column, no v7 row.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "ALTER TABLE family DROP COLUMN anonymised_on")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v7-privacy'")
        }
        try queue.close()
        let store = try RentalStore.open(path: path, clock: ManualClock(Self.later))
        #expect(try await store.appliedMigrations().contains("v7-privacy"))
        #expect(try await store.verifyAudit().firstBroken == nil)
        #expect(try await store.anonymiseInactiveFamilies(after: .threeYears, by: .admin("admin")).families == 1)
        #expect(try await store.verifyAudit().firstBroken == nil)
    }

    @Test("retention periods parse")
    func periods() {
        #expect(RetentionPeriod("3y") == RetentionPeriod(months: 36))
        #expect(RetentionPeriod("18m") == RetentionPeriod(months: 18))
        #expect(RetentionPeriod("400d") == RetentionPeriod(days: 400))
        #expect(RetentionPeriod("0y") == nil && RetentionPeriod("3") == nil && RetentionPeriod("y") == nil)
    }
}
