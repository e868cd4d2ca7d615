import Foundation
import GRDB
import Testing
@testable import RentalKit

@Suite("Races and atomicity")
struct ConcurrencyAndAtomicityTests {
    @Test("64 concurrent checkouts of the last cot: exactly one wins, every round")
    func lastCotRace() async throws {
        let world = try await TestWorld()
        let families = (1...64).map { String(format: "R-%03d", $0) }
        for (index, reference) in families.enumerated() {
            _ = try await world.store.registerFamily(
                TestWorld.family(reference, surname: "Семья", phone: String(format: "+7 913 100-%04d", index)), by: world.admin)
        }
        for round in 1...25 {
            let cot = try await world.unit("RACE-\(round)", "cot")
            let outcomes = await withTaskGroup(of: RentalError.Code?.self) { group in
                for reference in families {
                    group.addTask {
                        do throws(RentalError) {
                            _ = try await world.store.checkout(family: reference, unit: cot, at: "omsk", by: world.staff)
                            return nil
                        } catch {
                            return error.code
                        }
                    }
                }
                var codes: [RentalError.Code?] = []
                for await code in group { codes.append(code) }
                return codes
            }
            #expect(outcomes.filter { $0 == nil }.count == 1, "round \(round)")
            #expect(outcomes.compactMap { $0 }.allSatisfy { $0 == .unitNotAvailable }, "round \(round): \(outcomes)")
            let winner = try #require(try await world.store.loans(LoanFilter(openOnly: true)).first { $0.inventoryNumber == cot })
            // Free the winner for the next round (one open infant loan per family).
            _ = try await world.store.returnUnit(cot, at: "omsk", condition: .good, by: world.staff)
            #expect(try await world.store.auditEvents(entity: "loan", key: "\(winner.id)").map(\.action)
                    == ["loan.checkout", "loan.return"])
        }
        #expect(try await world.count("SELECT count(*) FROM audit_event WHERE action = 'loan.checkout'") == 25)
    }

    @Test("a failure inside a checkout leaves no loan, no unit change and no audit event")
    func checkoutIsAtomic() async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        let before = try await world.count("SELECT count(*) FROM audit_event")
        // Fault injection from a second connection: the audit insert, the last step, fails.
        try await world.rawQueue().write { db in
            try db.execute(sql: """
                CREATE TRIGGER fail_checkout_audit BEFORE INSERT ON audit_event WHEN NEW.action = 'loan.checkout'
                BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                """)
        }
        await #expect(throws: RentalError.self) {
            _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        }
        #expect(try await world.count("SELECT count(*) FROM loan") == 0)
        #expect(try await world.store.unit("WRD-1").status == .available)
        #expect(try await world.count("SELECT count(*) FROM audit_event") == before)

        try await world.rawQueue().write { db in try db.execute(sql: "DROP TRIGGER fail_checkout_audit") }
        let loan = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        #expect(loan.state == .open)
    }

    @Test("a failure inside a return leaves the loan open and the unit on loan")
    func returnIsAtomic() async throws {
        let world = try await TestWorld()
        try await world.unit("COT-1", "cot")
        let loan = try await world.store.checkout(family: TestWorld.familyRef, unit: "COT-1", at: "omsk", by: world.staff)
        try await world.rawQueue().write { db in
            try db.execute(sql: """
                CREATE TRIGGER fail_return_audit BEFORE INSERT ON audit_event WHEN NEW.action = 'loan.return'
                BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                """)
        }
        await #expect(throws: RentalError.self) {
            _ = try await world.store.returnUnit("COT-1", at: "omsk", condition: .good, by: world.staff)
        }
        #expect(try await world.store.loan(loan.id).state == .open)
        #expect(try await world.store.unit("COT-1").status == .onLoan)
    }
}

@Suite("Invariants held by the schema itself")
struct SchemaInvariantTests {
    @Test func aUnitCannotBeOnTwoOpenLoansEvenBypassingTheCode() async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        #expect(throws: DatabaseError.self) {
            try world.rawQueue().write { db in
                try db.execute(sql: """
                    INSERT INTO loan (unit_id, family_id, centre_id, issued_by, issued_at, issued_on, due_date)
                    SELECT unit_id, family_id, centre_id, 'x', issued_at, issued_on, due_date FROM loan
                    """)
            }
        }
    }

    @Test("CHECK constraints refuse impossible statuses, dates and states", arguments: [
        "UPDATE unit SET status = 'borrowed'",
        "UPDATE unit SET status = 'in_transit'",
        "UPDATE loan SET due_date = '2026-1-1'",
        "UPDATE loan SET due_date = '2000-01-01'",
        "UPDATE loan SET state = 'returned'",
        "UPDATE family SET status = 'gone'",
        "UPDATE item_type SET category = 'toys'",
        "INSERT INTO loan_rule (category, item_type_id, period_count, period_unit, renewals_allowed, renewal_count, renewal_unit, count_open_days_only) VALUES ('infant', 1, 10, 'days', 0, 10, 'days', 0)",
        "UPDATE centre SET code = 'Omsk'",
    ])
    func checkConstraints(sql: String) async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        let error = try #require(throws: DatabaseError.self) { try world.rawQueue().write { db in try db.execute(sql: sql) } }
        #expect(error.resultCode == .SQLITE_CONSTRAINT)
    }

    @Test func theAuditTrailIsAppendOnly() async throws {
        let world = try await TestWorld()
        for sql in ["UPDATE audit_event SET actor = 'someone else'", "DELETE FROM audit_event"] {
            let error = try #require(throws: DatabaseError.self) { try world.rawQueue().write { db in try db.execute(sql: sql) } }
            #expect(error.message == "audit events are append-only")
        }
        #expect(try await world.count("SELECT count(*) FROM audit_event") > 0)
    }

    @Test func foreignKeysAreEnforced() async throws {
        let world = try await TestWorld()
        let error = try #require(throws: DatabaseError.self) {
            try world.rawQueue().write { db in
                try db.execute(sql: "INSERT INTO child (family_id, birth_date, expected) VALUES (999, '2026-01-01', 0)")
            }
        }
        #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY)
    }
}
