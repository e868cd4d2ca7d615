import Foundation
import Testing
@testable import RentalKit

@Suite("Checkout, renewal, return and loss")
struct CirculationTests {
    @Test func checkoutRecordsTheLoanTheUnitAndTheAudit() async throws {
        let world = try await TestWorld()
        try await world.unit("КРВ-0001", "cot")
        // Inventory numbers are matched case-insensitively, in Cyrillic too.
        let loan = try await world.store.checkout(family: "f-0001", unit: "крв-0001", at: "omsk", by: world.staff)
        #expect(loan.inventoryNumber == "КРВ-0001")
        #expect(loan.family == TestWorld.familyRef)
        #expect(loan.issuedBy == "olga")
        #expect(loan.state == .open)
        #expect(loan.dueDate == TestWorld.date("2027-02-23"))
        #expect(loan.backdated == false)
        #expect(try await world.store.unit("КРВ-0001").status == .onLoan)
        let audit = try await world.store.auditEvents(entity: "loan", key: "\(loan.id)")
        #expect(audit.count == 1)
        #expect(audit.first?.action == "loan.checkout")
        #expect(audit.first?.actor == "olga")
        #expect(audit.first?.details["unit"] == "КРВ-0001")
    }

    @Test("return: infant items go to sanitising, damaged ones to repair, others back on the shelf")
    func returnRouting() async throws {
        let world = try await TestWorld()
        try await world.unit("COT-1", "cot")
        try await world.unit("KET-1", "kettle")
        try await world.unit("WRD-1", "wardrobe")
        for unit in ["COT-1", "KET-1", "WRD-1"] {
            _ = try await world.store.checkout(family: TestWorld.familyRef, unit: unit, at: "omsk", by: world.staff)
        }
        let cot = try await world.store.returnUnit("COT-1", at: "omsk", condition: .good, by: world.staff)
        let kettle = try await world.store.returnUnit("KET-1", at: "omsk", condition: .damaged, note: "не греет", by: world.staff)
        let wardrobe = try await world.store.returnUnit("WRD-1", at: "omsk", condition: .fair, by: world.staff)
        #expect(cot.unitStatus == .sanitising)
        #expect(kettle.unitStatus == .inRepair)
        #expect(wardrobe.unitStatus == .available)
        #expect(kettle.loan.state == .returned)
        #expect(kettle.loan.returnCondition == .damaged)
        #expect(kettle.loan.returnNote == "не греет")
        #expect(try await world.store.unit("WRD-1").condition == .fair)

        // A sanitised cot can be lent again only after sanitising is finished.
        await #expect(throws: RentalError(.unitNotAvailable, "unit COT-1 is sanitising")) {
            _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "COT-1", at: "omsk", by: world.staff)
        }
        _ = try await world.store.change(.finishSanitising, unit: "COT-1", by: world.staff)
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "COT-1", at: "omsk", by: world.staff)
    }

    @Test func returnToAnotherCentreMovesTheUnitThere() async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        let loan = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        let moscowStaff = Principal(name: "anna", role: .staff(centres: ["moscow"]))
        let receipt = try await world.store.returnUnit("WRD-1", at: "moscow", condition: .good, by: moscowStaff)
        #expect(receipt.loan.id == loan.id)
        #expect(receipt.loan.returnedTo == "moscow")
        let unit = try await world.store.unit("WRD-1")
        #expect(unit.currentCentre == "moscow")
        #expect(unit.homeCentre == "omsk")
        #expect(unit.status == .available)
    }

    @Test func returningAUnitNotOnLoanIsRefused() async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        await #expect(throws: RentalError(.invalidTransition, "unit WRD-1 is not on loan")) {
            _ = try await world.store.returnUnit("WRD-1", at: "omsk", condition: .good, by: world.staff)
        }
    }

    @Test func lateReturnIsReportedAsOverdue() async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        world.clock.set(TestWorld.instant("2026-12-24T04:00:00Z"))
        let receipt = try await world.store.returnUnit("WRD-1", at: "omsk", condition: .good, by: world.staff)
        #expect(receipt.wasOverdue)
        #expect(receipt.loan.daysOverdue(on: TestWorld.date("2026-12-30")) == 0, "a closed loan is never overdue")
    }

    @Test func renewalExtendsFromTheDueDateUpToTheRulesLimit() async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        let loan = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        #expect(loan.dueDate == TestWorld.date("2026-12-23"))
        let renewed = try await world.store.renew(loan: loan.id, by: world.staff)
        // 2026-12-23 + 30 days = 2027-01-22 (Friday).
        #expect(renewed.dueDate == TestWorld.date("2027-01-22"))
        #expect(renewed.renewals == 1)
        let error = try await #require(throws: RentalError.self) { _ = try await world.store.renew(loan: loan.id, by: world.staff) }
        #expect(error.code == .renewalLimitReached)
    }

    @Test func renewalIsRefusedWhileOthersWait() async throws {
        let world = try await TestWorld()
        try await world.unit("COT-1", "cot")
        let loan = try await world.store.checkout(family: TestWorld.familyRef, unit: "COT-1", at: "omsk", by: world.staff)
        _ = try await world.store.registerFamily(TestWorld.family("F-0002", surname: "Петрова", phone: "+7 913 000-00-02"),
                                                 by: world.staff)
        let reservation = try await world.store.reserve(family: "F-0002", itemType: "cot", at: "omsk", by: world.staff)
        #expect(reservation.position == 1)
        let error = try await #require(throws: RentalError.self) { _ = try await world.store.renew(loan: loan.id, by: world.staff) }
        #expect(error.code == .renewalBlockedByReservations)
        // Waiting at another centre does not block it.
        try await world.store.closeReservation(reservation.id, by: world.staff)
        _ = try await world.store.reserve(family: "F-0002", itemType: "cot", at: "moscow", by: world.admin)
        _ = try await world.store.renew(loan: loan.id, by: world.staff)
    }

    @Test func aFamilyWaitsOnlyOncePerItemTypeAndCentre() async throws {
        let world = try await TestWorld()
        let first = try await world.store.reserve(family: TestWorld.familyRef, itemType: "cot", at: "omsk", by: world.staff)
        let error = try await #require(throws: RentalError.self) {
            _ = try await world.store.reserve(family: TestWorld.familyRef, itemType: "cot", at: "omsk", by: world.staff)
        }
        #expect(error.code == .alreadyReserved)
        _ = try await world.store.registerFamily(TestWorld.family("F-0002", surname: "Петрова", phone: "+7 913 000-00-02"),
                                                 by: world.staff)
        let second = try await world.store.reserve(family: "F-0002", itemType: "cot", at: "omsk", by: world.staff)
        #expect(try await world.store.reservations(itemType: "cot", at: "omsk").map(\.id) == [first.id, second.id])
        #expect(second.position == 2)
    }

    @Test func markLostClosesTheLoanAndLosesTheUnit() async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        let loan = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        let lost = try await world.store.markLost(loan: loan.id, note: "семья переехала", by: world.staff)
        #expect(lost.state == .lost)
        #expect(try await world.store.unit("WRD-1").status == .lost)
        let error = try await #require(throws: RentalError.self) { _ = try await world.store.renew(loan: loan.id, by: world.staff) }
        #expect(error.code == .loanClosed)
        // Found again later at a centre.
        _ = try await world.store.change(.markFound(centre: "omsk"), unit: "WRD-1", by: world.staff)
        #expect(try await world.store.unit("WRD-1").status == .available)
    }

    @Test("an administrator may backdate a checkout; it is audited as such, staff may not")
    func backdating() async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        let friday = TestWorld.instant("2026-11-20T05:00:00Z")
        let error = try await #require(throws: RentalError.self) {
            _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", issuedAt: friday,
                                               by: world.staff)
        }
        #expect(error.code == .forbidden)
        let future = try await #require(throws: RentalError.self) {
            _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk",
                                               issuedAt: TestWorld.monday.addingTimeInterval(86_400), by: world.admin)
        }
        #expect(future.code == .invalidInput)
        let loan = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", issuedAt: friday,
                                                  by: world.admin)
        #expect(loan.backdated)
        #expect(loan.issuedOn == TestWorld.date("2026-11-20"))
        #expect(loan.dueDate == TestWorld.date("2026-12-21"))  // 2026-12-20 is a Sunday
        let audit = try await world.store.auditEvents(entity: "loan", key: "\(loan.id)")
        #expect(audit.first?.action == "loan.checkout.backdated")
        #expect(audit.first?.details["backdatedTo"] == "2026-11-20")
        #expect(audit.first?.at == TestWorld.monday, "the audit records when it was entered")
    }

    @Test func loansAreListedByCentreFamilyAndDueDate() async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        try await world.unit("COT-1", "cot")
        try await world.unit("WRD-2", "wardrobe", at: "moscow")
        _ = try await world.store.registerFamily(TestWorld.family("F-0002", surname: "Петрова", phone: "+7 913 000-00-02"),
                                                 by: world.staff)
        let a = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        let b = try await world.store.checkout(family: TestWorld.familyRef, unit: "COT-1", at: "omsk", by: world.staff)
        let c = try await world.store.checkout(family: "F-0002", unit: "WRD-2", at: "moscow", by: world.admin)
        _ = try await world.store.returnUnit("COT-1", at: "omsk", condition: .good, by: world.staff)
        #expect(try await world.store.loans().map(\.id) == [a.id, c.id])
        #expect(try await world.store.loans(LoanFilter(openOnly: false)).map(\.id) == [a.id, b.id, c.id])
        #expect(try await world.store.loans(LoanFilter(centre: "moscow")).map(\.id) == [c.id])
        #expect(try await world.store.loans(LoanFilter(family: "F-0002")).map(\.id) == [c.id])
        #expect(try await world.store.loans(LoanFilter(dueBefore: TestWorld.date("2026-12-23"))).isEmpty)
        #expect(try await world.store.loans(LoanFilter(dueBefore: TestWorld.date("2026-12-24"))).count == 2)
        #expect(try await world.store.loans(LoanFilter(afterID: a.id, limit: 1)).map(\.id) == [c.id])
        await #expect(throws: RentalError.self) { _ = try await world.store.loans(LoanFilter(limit: 0)) }
    }
}

@Suite("Retried checkouts")
struct RequestKeyTests {
    @Test func aRetriedCheckoutReturnsTheFirstLoanAndCreatesNothing() async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        let first = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk",
                                                   requestKey: "7f1c-retry", by: world.staff)
        let again = try await world.store.checkout(family: "f-0001", unit: "wrd-1", at: "omsk",
                                                   requestKey: "7f1c-retry", by: world.staff)
        #expect(again == first)
        #expect(try await world.count("SELECT count(*) FROM loan") == 1)
        #expect(try await world.count("SELECT count(*) FROM audit_event WHERE action = 'loan.checkout'") == 1)

        try await world.unit("WRD-2", "wardrobe")
        let reused = try await #require(throws: RentalError.self) {
            _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-2", at: "omsk",
                                               requestKey: "7f1c-retry", by: world.staff)
        }
        #expect(reused.code == .idempotencyKeyReused)
        // Keys belong to the user who sent them.
        let other = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-2", at: "omsk",
                                                   requestKey: "7f1c-retry", by: world.admin)
        #expect(other.id != first.id)
        let bad = try await #require(throws: RentalError.self) {
            _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-2", at: "omsk",
                                               requestKey: "has space", by: world.staff)
        }
        #expect(bad.code == .invalidInput)
    }
}
