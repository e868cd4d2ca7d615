import Foundation
import Testing
@testable import RentalKit

/// The desk's card: ages, loans with days overdue, and eligibility that agrees with what a checkout does.
@Suite("Family card")
struct FamilyCardTests {
    @Test("ages in months, loans soonest due first, and for each item type the rule or the refusal")
    func cardOfAnEligibleFamily() async throws {
        let world = try await TestWorld()
        let cot = try await world.unit("КРВ-1", "cot")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: cot, at: "omsk", by: world.staff)
        let card = try await world.store.familyCard(TestWorld.familyRef, at: "omsk")
        #expect(card.today == TestWorld.date("2026-11-23"))
        #expect(card.children.map(\.ageMonths) == [5])  // born 2026-06-01
        #expect(card.openLoans.map(\.loan.inventoryNumber) == ["КРВ-1"])
        #expect(card.openLoans.map(\.daysOverdue) == [0])
        let byType = Dictionary(uniqueKeysWithValues: card.eligibility.map { ($0.itemType, $0) })
        #expect(Set(byType.keys) == ["cot", "kettle", "wardrobe"])
        // The infant rule allows one infant loan at a time: a second cot is refused, as a checkout would be.
        #expect(byType["cot"]?.allowed == false)
        #expect(byType["cot"]?.refusal == RentalError.Code.categoryLimitReached.rawValue)
        #expect(byType["kettle"]?.allowed == true)
        #expect(byType["kettle"]?.rule != nil)
        let second = try await world.unit("КРВ-2", "cot")
        let refused = try await #require(throws: RentalError.self) {
            _ = try await world.store.checkout(family: TestWorld.familyRef, unit: second, at: "omsk", by: world.staff)
        }
        #expect(refused.code.rawValue == byType["cot"]?.refusal)
    }

    @Test("an overdue loan shows its days late in its own centre's zone and blocks every item type")
    func overdueFamily() async throws {
        let world = try await TestWorld()
        let kettle = try await world.unit("ЧАЙ-1", "kettle")
        let loan = try await world.store.checkout(family: TestWorld.familyRef, unit: kettle, at: "omsk", by: world.staff)
        // Ten days after the due date, 10:00 in Omsk.
        world.clock.set(TestWorld.instant("\(loan.dueDate.adding(days: 10))T04:00:00Z"))
        let card = try await world.store.familyCard(TestWorld.familyRef, at: "moscow")
        #expect(card.openLoans.map(\.daysOverdue) == [10])
        #expect(card.eligibility.allSatisfy { !$0.allowed && $0.refusal == RentalError.Code.familyHasOverdue.rawValue })
        #expect(card.eligibility.allSatisfy { !($0.reason ?? "").contains(TestWorld.surname) })
    }

    @Test("an unknown family or centre is not found")
    func notFound() async throws {
        let world = try await TestWorld()
        let missing = try await #require(throws: RentalError.self) { _ = try await world.store.familyCard("F-9999", at: "omsk") }
        #expect(missing.code == .familyNotFound)
        let error = try await #require(throws: RentalError.self) { _ = try await world.store.familyCard(TestWorld.familyRef, at: "nowhere") }
        #expect(error.code == .centreNotFound)
    }
}
