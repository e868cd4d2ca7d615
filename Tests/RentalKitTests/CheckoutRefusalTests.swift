import Foundation
import Testing
@testable import RentalKit

/// Every refusal of a checkout, by its stable code; none of the messages carries personal data.
@Suite("Checkout refusals")
struct CheckoutRefusalTests {
    /// Runs a checkout expected to fail and returns its error after checking it changed nothing.
    func refusal(_ world: TestWorld, family: String = TestWorld.familyRef, unit: String, at centre: String = "omsk",
                 by who: Principal? = nil) async throws -> RentalError {
        let loansBefore = try await world.count("SELECT count(*) FROM loan")
        let auditBefore = try await world.count("SELECT count(*) FROM audit_event")
        let error = try await #require(throws: RentalError.self) {
            _ = try await world.store.checkout(family: family, unit: unit, at: centre, by: who ?? world.staff)
        }
        #expect(try await world.count("SELECT count(*) FROM loan") == loansBefore)
        #expect(try await world.count("SELECT count(*) FROM audit_event") == auditBefore)
        for personal in [TestWorld.surname, "Мария", "913", "Ленина"] {
            #expect(!error.message.contains(personal), "message leaks personal data: \(error.message)")
        }
        return error
    }

    @Test func familyNotActive() async throws {
        let world = try await TestWorld()
        let unit = try await world.unit("KET-1", "kettle")
        _ = try await world.store.setFamilyStatus(.suspended, family: TestWorld.familyRef, by: world.staff)
        #expect(try await refusal(world, unit: unit).code == .familyNotActive)
    }

    @Test func lowIncomeExpired() async throws {
        let world = try await TestWorld()
        let unit = try await world.unit("KET-1", "kettle")
        _ = try await world.store.updateFamily(TestWorld.familyRef, FamilyUpdate(lowIncomeUntil: TestWorld.date("2026-11-22")),
                                               by: world.staff)
        let error = try await refusal(world, unit: unit)
        #expect(error.code == .lowIncomeExpired)
        #expect(error.message.contains("2026-11-22"))
        // Valid through the issue day itself.
        _ = try await world.store.updateFamily(TestWorld.familyRef, FamilyUpdate(lowIncomeUntil: TestWorld.date("2026-11-23")),
                                               by: world.staff)
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: unit, at: "omsk", by: world.staff)
    }

    @Test func consentMissing() async throws {
        let world = try await TestWorld()
        let unit = try await world.unit("KET-1", "kettle")
        var family = TestWorld.family("F-0002", surname: "Сидорова", phone: "+7 913 000-00-02")
        family.consentOn = nil
        _ = try await world.store.registerFamily(family, by: world.staff)
        #expect(try await refusal(world, family: "F-0002", unit: unit).code == .consentMissing)
    }

    @Test func loanLimitReached() async throws {
        let world = try await TestWorld()
        for n in 1...4 { try await world.unit("WRD-\(n)", "wardrobe") }
        try await world.unit("KET-1", "kettle")
        // The default rule allows 2 per category and 3 in all.
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-2", at: "omsk", by: world.staff)
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "KET-1", at: "omsk", by: world.staff)
        #expect(try await refusal(world, unit: "WRD-3").code == .loanLimitReached)
    }

    @Test func categoryLimitReached() async throws {
        let world = try await TestWorld()
        for n in 1...3 { try await world.unit("WRD-\(n)", "wardrobe") }
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-2", at: "omsk", by: world.staff)
        #expect(try await refusal(world, unit: "WRD-3").code == .categoryLimitReached)
    }

    @Test func familyHasOverdue() async throws {
        let world = try await TestWorld()
        try await world.unit("KET-1", "kettle")
        try await world.unit("WRD-1", "wardrobe")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "KET-1", at: "omsk", by: world.staff)
        world.clock.set(TestWorld.instant("2026-12-24T04:00:00Z"))  // due 2026-12-23
        #expect(try await refusal(world, unit: "WRD-1").code == .familyHasOverdue)
    }

    @Test func overdueDoesNotBlockWhenThePolicySaysSo() async throws {
        let world = try await TestWorld(policy: RentalPolicy(refuseCheckoutWhenOverdue: false))
        try await world.unit("KET-1", "kettle")
        try await world.unit("WRD-1", "wardrobe")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "KET-1", at: "omsk", by: world.staff)
        world.clock.set(TestWorld.instant("2026-12-24T04:00:00Z"))
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
    }

    @Test func noEligibleChild() async throws {
        let world = try await TestWorld()
        try await world.unit("COT-1", "cot")
        // The only child turns 12 months on 2026-11-23, the issue day: too old.
        _ = try await world.store.updateFamily(TestWorld.familyRef,
                                               FamilyUpdate(children: [Child(birthDate: TestWorld.date("2025-11-23"))]),
                                               by: world.staff)
        #expect(try await refusal(world, unit: "COT-1").code == .noEligibleChild)
        // One day younger is still under 12 months.
        _ = try await world.store.updateFamily(TestWorld.familyRef,
                                               FamilyUpdate(children: [Child(birthDate: TestWorld.date("2025-11-24"))]),
                                               by: world.staff)
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "COT-1", at: "omsk", by: world.staff)
    }

    @Test("a family expecting a baby may borrow a cot before the birth")
    func expectedChildIsEligible() async throws {
        let world = try await TestWorld()
        try await world.unit("COT-1", "cot")
        _ = try await world.store.registerFamily(
            TestWorld.family("F-0002", surname: "Кузнецова", phone: "+7 913 000-00-02",
                             children: [Child(birthDate: TestWorld.date("2027-02-10"), expected: true)]), by: world.staff)
        let loan = try await world.store.checkout(family: "F-0002", unit: "COT-1", at: "omsk", by: world.staff)
        #expect(loan.itemType == "cot")
        // A family with no children at all is refused.
        _ = try await world.store.registerFamily(TestWorld.family("F-0003", surname: "Орлова", phone: "+7 913 000-00-03",
                                                                  children: []), by: world.staff)
        try await world.unit("COT-2", "cot")
        #expect(try await refusal(world, family: "F-0003", unit: "COT-2").code == .noEligibleChild)
    }

    @Test func aRuleMayOverrideTheItemTypesAgeLimit() async throws {
        let world = try await TestWorld()
        try await world.unit("COT-1", "cot")
        _ = try await world.store.updateFamily(TestWorld.familyRef,
                                               FamilyUpdate(children: [Child(birthDate: TestWorld.date("2025-08-01"))]),
                                               by: world.staff)
        #expect(try await refusal(world, unit: "COT-1").code == .noEligibleChild)
        _ = try await world.store.setRule(LoanRule(scope: RuleScope(itemType: "cot"), period: .months(3),
                                                   infantAgeLimitMonths: 24), by: world.admin)
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "COT-1", at: "omsk", by: world.staff)
    }

    @Test func unitNotAvailable() async throws {
        let world = try await TestWorld()
        try await world.unit("KET-1", "kettle")
        _ = try await world.store.change(.sendToRepair, unit: "KET-1", by: world.staff)
        let error = try await refusal(world, unit: "KET-1")
        #expect(error.code == .unitNotAvailable)
        #expect(error.message.contains("in_repair"))
    }

    @Test func unitNotAtCentre() async throws {
        let world = try await TestWorld()
        try await world.unit("KET-1", "kettle", at: "moscow")
        #expect(try await refusal(world, unit: "KET-1", by: world.admin).code == .unitNotAtCentre)
    }

    @Test func itemTypeRecalled() async throws {
        let world = try await TestWorld()
        try await world.unit("COT-1", "cot")
        _ = try await world.store.setRecall(true, itemType: "cot", note: "сломан фиксатор", by: world.admin)
        #expect(try await refusal(world, unit: "COT-1").code == .itemTypeRecalled)
        // Back in service only after a safety check of the unit since the recall.
        await #expect(throws: RentalError.self) { _ = try await world.store.setRecall(false, itemType: "cot", by: world.admin) }
        _ = try await world.store.recordSafetyCheck(unit: "COT-1", on: TestWorld.date("2026-11-23"), passed: true, by: world.staff)
        _ = try await world.store.setRecall(false, itemType: "cot", by: world.admin)
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "COT-1", at: "omsk", by: world.staff)
    }

    @Test func safetyCheckDue() async throws {
        let world = try await TestWorld()
        try await world.unit("KET-1", "kettle", safetyCheck: TestWorld.date("2025-11-22"))  // 366 days before
        try await world.unit("KET-2", "kettle", safetyCheck: nil)
        #expect(try await refusal(world, unit: "KET-1").code == .safetyCheckDue)
        #expect(try await refusal(world, unit: "KET-2").code == .safetyCheckDue)
        _ = try await world.store.recordSafetyCheck(unit: "KET-1", on: TestWorld.date("2026-11-23"), passed: true, by: world.staff)
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "KET-1", at: "omsk", by: world.staff)
    }

    @Test func noLoanRule() async throws {
        let world = try await TestWorld(seed: false)
        _ = try await world.store.addCentre(NewCentre(code: "omsk", name: "Рябинушка", region: "", timeZone: "Asia/Omsk"),
                                            by: world.admin)
        _ = try await world.store.addItemType(ItemType(code: "kettle", name: "Чайник", category: .appliance,
                                                       sanitiseAfterReturn: false), by: world.admin)
        _ = try await world.store.registerFamily(TestWorld.family(), by: world.admin)
        try await world.unit("KET-1", "kettle")
        #expect(try await refusal(world, unit: "KET-1").code == .noLoanRule)
        await #expect(throws: RentalError.self) { _ = try await world.store.effectiveRule(centre: "omsk", itemType: "kettle") }
    }

    @Test func staffOfAnotherCentreIsForbidden() async throws {
        let world = try await TestWorld()
        try await world.unit("KET-1", "kettle", at: "moscow")
        #expect(try await refusal(world, unit: "KET-1", at: "moscow").code == .forbidden)
        let reader = Principal(name: "auditor", role: .readOnly)
        #expect(try await refusal(world, unit: "KET-1", at: "moscow", by: reader).code == .forbidden)
    }

    @Test func unknownFamilyAndUnit() async throws {
        let world = try await TestWorld()
        try await world.unit("KET-1", "kettle")
        #expect(try await refusal(world, family: "F-9999", unit: "KET-1").code == .familyNotFound)
        #expect(try await refusal(world, unit: "NOPE-1").code == .unitNotFound)
        #expect(try await refusal(world, unit: "KET-1", at: "nowhere", by: world.admin).code == .centreNotFound)
    }
}
