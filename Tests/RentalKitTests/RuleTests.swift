import GRDB
import Testing
@testable import RentalKit

@Suite("Loan rules")
struct RuleTests {
    @Test("the most specific rule wins: centre first, then item type, then category")
    func specificity() async throws {
        let world = try await TestWorld()
        let store = world.store
        // Seeded: all/all 30 days; all/infant 3 months.
        #expect(try await store.effectiveRule(centre: "omsk", itemType: "cot").period == .months(3))
        #expect(try await store.effectiveRule(centre: "omsk", itemType: "kettle").period == .days(30))

        _ = try await store.setRule(LoanRule(scope: RuleScope(itemType: "cot"), period: .months(6)), by: world.admin)
        #expect(try await store.effectiveRule(centre: "omsk", itemType: "cot").period == .months(6))

        _ = try await store.setRule(LoanRule(scope: RuleScope(centre: "omsk"), period: .days(14)), by: world.admin)
        // A rule for the centre beats any rule for all centres.
        #expect(try await store.effectiveRule(centre: "omsk", itemType: "cot").period == .days(14))
        #expect(try await store.effectiveRule(centre: "moscow", itemType: "cot").period == .months(6))

        _ = try await store.setRule(LoanRule(scope: RuleScope(centre: "omsk", category: .infant), period: .days(60)), by: world.admin)
        _ = try await store.setRule(LoanRule(scope: RuleScope(centre: "omsk", itemType: "cot"), period: .days(90)), by: world.admin)
        #expect(try await store.effectiveRule(centre: "omsk", itemType: "cot").period == .days(90))
        #expect(try await store.effectiveRule(centre: "omsk", itemType: "kettle").period == .days(14))
    }

    @Test func settingARuleForTheSameScopeReplacesIt() async throws {
        let world = try await TestWorld()
        let before = try await world.store.rules().count
        let rule = try await world.store.setRule(LoanRule(scope: RuleScope(category: .infant), period: .days(45)), by: world.admin)
        let rules = try await world.store.rules()
        #expect(rules.count == before)
        #expect(rules.contains { $0.id == rule.id && $0.period == .days(45) })
        try await world.store.removeRule(id: rule.id, by: world.admin)
        #expect(try await world.store.effectiveRule(centre: "omsk", itemType: "cot").period == .days(30))
        let error = try await #require(throws: RentalError.self) { try await world.store.removeRule(id: rule.id, by: world.admin) }
        #expect(error.code == .ruleNotFound)
    }

    @Test func rulesAreValidatedAndAdminOnly() async throws {
        let world = try await TestWorld()
        let both = try await #require(throws: RentalError.self) {
            _ = try await world.store.setRule(LoanRule(scope: RuleScope(category: .infant, itemType: "cot"), period: .days(1)),
                                              by: world.admin)
        }
        #expect(both.message == "scope: name a category or an item type, not both")
        let zero = try await #require(throws: RentalError.self) {
            _ = try await world.store.setRule(LoanRule(scope: RuleScope(), period: .days(0)), by: world.admin)
        }
        #expect(zero.message == "period: must be between 1 and 3660")
        let unknown = try await #require(throws: RentalError.self) {
            _ = try await world.store.setRule(LoanRule(scope: RuleScope(itemType: "sofa"), period: .days(5)), by: world.admin)
        }
        #expect(unknown.code == .itemTypeNotFound)
        let staff = try await #require(throws: RentalError.self) {
            _ = try await world.store.setRule(LoanRule(scope: RuleScope(), period: .days(5)), by: world.staff)
        }
        #expect(staff.code == .forbidden)
    }
}

@Suite("Units, stock and availability")
struct UnitTests {
    @Test func statusChangesFollowTheAllowedPaths() async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        let store = world.store
        #expect(try await store.change(.sendToRepair, unit: "WRD-1", note: "дверца", by: world.staff).status == .inRepair)
        let repaired = try await store.change(.finishRepair(condition: .fair), unit: "WRD-1", by: world.staff)
        #expect(repaired.status == .available)
        #expect(repaired.condition == .fair)
        let sent = try await store.change(.send(to: "moscow"), unit: "WRD-1", by: world.staff)
        #expect(sent.status == .inTransit)
        #expect(sent.transitTo == "moscow")
        // Omsk staff cannot receive it in Moscow.
        let foreign = try await #require(throws: RentalError.self) { _ = try await store.change(.receive, unit: "WRD-1", by: world.staff) }
        #expect(foreign.code == .forbidden)
        let received = try await store.change(.receive, unit: "WRD-1", by: Principal(name: "anna", role: .staff(centres: ["moscow"])))
        #expect(received.currentCentre == "moscow")
        #expect(received.transitTo == nil)
        #expect(received.status == .available)
        #expect(try await store.change(.retire, unit: "WRD-1", by: world.admin).status == .retired)
        let audit = try await store.auditEvents(entity: "unit", key: "WRD-1").map(\.action)
        #expect(audit == ["unit.add", "unit.repair", "unit.repaired", "unit.send", "unit.receive", "unit.retire"])
    }

    @Test("forbidden moves are refused with invalid_transition", arguments: [
        UnitChange.finishSanitising, .finishRepair(condition: .good), .receive, .markFound(centre: "omsk"),
    ])
    func invalidTransitions(change: UnitChange) async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        let error = try await #require(throws: RentalError.self) { _ = try await world.store.change(change, unit: "WRD-1", by: world.admin) }
        #expect(error.code == .invalidTransition)
        #expect(try await world.store.unit("WRD-1").status == .available)
    }

    @Test func aUnitOnLoanChangesOnlyThroughCirculation() async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        for change in [UnitChange.retire, .sendToRepair, .send(to: "moscow"), .markMissing] {
            let error = try await #require(throws: RentalError.self) { _ = try await world.store.change(change, unit: "WRD-1", by: world.admin) }
            #expect(error.code == .invalidTransition)
        }
        let retired = try await world.unit("WRD-2", "wardrobe")
        _ = try await world.store.change(.retire, unit: retired, by: world.admin)
        let error = try await #require(throws: RentalError.self) { _ = try await world.store.change(.markFound(centre: "omsk"), unit: retired, by: world.admin) }
        #expect(error.code == .invalidTransition)
    }

    @Test func aFailedSafetyCheckSendsTheUnitToRepair() async throws {
        let world = try await TestWorld()
        try await world.unit("KET-1", "kettle")
        let unit = try await world.store.recordSafetyCheck(unit: "KET-1", on: TestWorld.date("2026-11-23"), passed: false, by: world.staff)
        #expect(unit.status == .inRepair)
        #expect(unit.condition == .damaged)
        #expect(unit.lastSafetyCheck == TestWorld.date("2026-10-01"))
    }

    @Test func stockCountsUnitsByStatusPerCentreAndType() async throws {
        let world = try await TestWorld()
        for n in 1...3 { try await world.unit("COT-\(n)", "cot") }
        try await world.unit("COT-9", "cot", at: "moscow")
        try await world.unit("KET-1", "kettle")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "COT-1", at: "omsk", by: world.staff)
        _ = try await world.store.change(.sendToRepair, unit: "COT-2", by: world.staff)
        let stock = try await world.store.stock()
        #expect(stock.map { "\($0.centre)/\($0.itemType)" } == ["moscow/cot", "omsk/cot", "omsk/kettle"])
        let omskCots = try #require(stock.first { $0.centre == "omsk" && $0.itemType == "cot" })
        #expect(omskCots.counts == [.onLoan: 1, .inRepair: 1, .available: 1])
        #expect(omskCots.total == 3)
        #expect(try await world.store.stock(centre: "omsk", itemType: "kettle").map(\.total) == [1])
    }

    @Test("is there a free cot here, and if not, where?")
    func availability() async throws {
        let world = try await TestWorld()
        try await world.unit("COT-1", "cot")
        try await world.unit("COT-2", "cot", at: "moscow")
        try await world.unit("COT-3", "cot", at: "moscow")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "COT-1", at: "omsk", by: world.staff)
        let answer = try await world.store.availability(of: "cot", at: "omsk")
        #expect(answer.here == 0)
        #expect(answer.byCentre == ["moscow": 2])
        let plan = try await world.store.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + RentalStore.availabilitySQL, arguments: [1]).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("COVERING INDEX unit_availability (item_type_id=? AND status=?)") }, "\(plan)")
        let unknown = try await #require(throws: RentalError.self) { _ = try await world.store.availability(of: "sofa") }
        #expect(unknown.code == .itemTypeNotFound)
    }

    @Test func inventoryNumbersAreUniqueWhateverTheCase() async throws {
        let world = try await TestWorld()
        try await world.unit("КРВ-1", "cot")
        let error = try await #require(throws: RentalError.self) { try await world.unit("крв-1", "cot") }
        #expect(error.code == .alreadyExists)
        let bad = try await #require(throws: RentalError.self) { try await world.unit("КРВ 1; DROP", "cot") }
        #expect(bad.code == .invalidInput)
    }

    @Test func centresAndCatalogueAreValidated() async throws {
        let world = try await TestWorld()
        let zone = try await #require(throws: RentalError.self) {
            _ = try await world.store.addCentre(NewCentre(code: "tara", name: "Тара", region: "", timeZone: "Mars/Olympus"), by: world.admin)
        }
        #expect(zone.message == "timeZone: must be an IANA time zone such as Asia/Omsk")
        let code = try await #require(throws: RentalError.self) {
            _ = try await world.store.addCentre(NewCentre(code: "Тара", name: "Тара", region: "", timeZone: "Asia/Omsk"), by: world.admin)
        }
        #expect(code.message.hasPrefix("code:"))
        let staff = try await #require(throws: RentalError.self) {
            _ = try await world.store.addItemType(ItemType(code: "pram", name: "Коляска", category: .infant, sanitiseAfterReturn: true),
                                                  by: world.staff)
        }
        #expect(staff.code == .forbidden)
        let duplicate = try await #require(throws: RentalError.self) {
            _ = try await world.store.addCentre(NewCentre(code: "omsk", name: "Ещё", region: "", timeZone: "Asia/Omsk"), by: world.admin)
        }
        #expect(duplicate.code == .alreadyExists)
        #expect(try await world.store.centres().map(\.code) == ["moscow", "omsk"])
        #expect(try await world.store.itemTypes().map(\.code) == ["cot", "kettle", "wardrobe"])
    }
}
