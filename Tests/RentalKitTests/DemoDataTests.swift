import Testing
@testable import RentalKit

@Suite("Demo data")
struct DemoDataTests {
    @Test func theDemoRegionHasEverythingAScreenNeeds() async throws {
        let world = try await TestWorld(seed: false)
        let summary = try await world.store.seedDemoData(by: .admin("demo"))
        #expect(summary.centres == 10)
        #expect(summary.families == 120)
        #expect((250...450).contains(summary.units))
        #expect(summary.openLoans >= 40)
        let centres = try await world.store.centres()
        #expect(centres.map(\.name).contains("Рябинушка"))
        #expect(centres.allSatisfy { $0.timeZone == "Asia/Omsk" })
        let state = try await world.store.summary()
        #expect(state.openLoans == summary.openLoans)
        #expect(state.overdueLoans > 0, "some loans are overdue")
        #expect(state.overdueLoans < state.openLoans / 2)
        let backdated = try await world.count("SELECT count(*) FROM audit_event WHERE action = 'loan.checkout.backdated'")
        #expect(backdated > 0)
        // Seeding twice is refused and changes nothing.
        let again = try await #require(throws: RentalError.self) { _ = try await world.store.seedDemoData(by: .admin("demo")) }
        #expect(again.code == .invalidInput)
        #expect(try await world.store.summary() == state)
    }
}
