import Foundation
import Synchronization
import Testing
@testable import RentalKit

/// Collects delivered notices; can be told to refuse.
final class Outbox: Sendable {
    private let state = Mutex<(notices: [Notice], refuse: Bool)>(([], false))
    var notices: [Notice] { state.withLock { $0.notices } }
    func refuse(_ value: Bool) { state.withLock { $0.refuse = value } }
    func clear() { state.withLock { $0.notices = [] } }
    @Sendable func deliver(_ notice: Notice) -> Bool {
        state.withLock { state in
            guard !state.refuse else { return false }
            state.notices.append(notice)
            return true
        }
    }
}

@Suite("Overdue notices")
struct NoticeTests {
    /// A kettle lent at Omsk on Monday 2026-11-23, due Wednesday 2026-12-23.
    func lent(_ world: TestWorld, _ number: String = "KET-1", at centre: String = "omsk", family: String = TestWorld.familyRef,
              by who: Principal? = nil) async throws -> Loan {
        try await world.unit(number, "kettle", at: centre)
        return try await world.store.checkout(family: family, unit: number, at: centre, by: who ?? world.admin)
    }

    func scan(_ world: TestWorld, _ outbox: Outbox, at instant: String) async throws -> NoticeScanSummary {
        outbox.clear()
        world.clock.set(TestWorld.instant(instant))
        return try await world.store.scanNotices(deliver: outbox.deliver)
    }

    @Test("each stage is sent once, in order, as time passes")
    func stagesOnce() async throws {
        let world = try await TestWorld()
        let outbox = Outbox()
        let loan = try await lent(world)
        #expect(loan.dueDate == TestWorld.date("2026-12-23"))
        #expect(try await scan(world, outbox, at: "2026-12-20T03:00:00Z").total == 0, "3 days before: nothing")
        _ = try await scan(world, outbox, at: "2026-12-21T03:00:00Z")
        #expect(outbox.notices.map(\.stage) == [.dueSoon])
        #expect(outbox.notices.first?.daysOverdue == -2)
        #expect(try await scan(world, outbox, at: "2026-12-22T03:00:00Z").total == 0, "due-soon is not repeated")
        _ = try await scan(world, outbox, at: "2026-12-24T03:00:00Z")
        #expect(outbox.notices.map(\.stage) == [.overdue])
        #expect(try await scan(world, outbox, at: "2026-12-25T03:00:00Z").total == 0)
        _ = try await scan(world, outbox, at: "2026-12-30T03:00:00Z")
        #expect(outbox.notices.map(\.stage) == [.escalated])
        #expect(outbox.notices.first?.daysOverdue == 7)
        _ = try await scan(world, outbox, at: "2027-01-22T03:00:00Z")
        #expect(outbox.notices.map(\.stage) == [.final])
        #expect(try await world.store.notices().map(\.stage) == [.dueSoon, .overdue, .escalated, .final])

        // A restart (a new store on the same file) sends nothing again.
        try world.store.close()
        let reopened = try RentalStore.open(path: world.path, clock: world.clock)
        outbox.clear()
        #expect(try await reopened.scanNotices(deliver: outbox.deliver).total == 0)
    }

    @Test("a late first scan sends only the latest stage and records the earlier ones as superseded")
    func catchUp() async throws {
        let world = try await TestWorld()
        let outbox = Outbox()
        _ = try await lent(world)
        let summary = try await scan(world, outbox, at: "2026-12-31T03:00:00Z")
        #expect(outbox.notices.map(\.stage) == [.escalated])
        #expect(summary.superseded == 2)
        #expect(summary.sent == ["omsk": ["escalated": 1]])
        #expect(try await scan(world, outbox, at: "2027-01-01T03:00:00Z").total == 0)
    }

    @Test func returnedLoansGetNoNoticeAndRenewedOnesStartAgain() async throws {
        let world = try await TestWorld()
        let outbox = Outbox()
        let returned = try await lent(world, "KET-1")
        let renewed = try await lent(world, "KET-2")
        _ = try await scan(world, outbox, at: "2026-12-24T03:00:00Z")
        #expect(Set(outbox.notices.map(\.loan)) == [returned.id, renewed.id])
        _ = try await world.store.returnUnit("KET-1", at: "omsk", condition: .good, by: world.admin)
        world.clock.set(TestWorld.instant("2026-12-24T05:00:00Z"))
        let extended = try await world.store.renew(loan: renewed.id, by: world.admin)
        #expect(extended.dueDate == TestWorld.date("2027-01-25"))
        #expect(try await scan(world, outbox, at: "2026-12-31T03:00:00Z").total == 0, "neither loan is overdue now")
        _ = try await scan(world, outbox, at: "2027-01-26T03:00:00Z")
        #expect(outbox.notices.map { "\($0.loan) \($0.stage.rawValue) \($0.dueDate)" } == ["\(renewed.id) overdue 2027-01-25"])
    }

    @Test("a notice that could not be delivered is not recorded and goes out with the next scan")
    func failedDeliveryIsRetried() async throws {
        let world = try await TestWorld()
        let outbox = Outbox()
        _ = try await lent(world)
        outbox.refuse(true)
        let failed = try await scan(world, outbox, at: "2026-12-24T03:00:00Z")
        #expect(failed.failed == 1)
        #expect(try await world.store.notices().isEmpty)
        outbox.refuse(false)
        _ = try await scan(world, outbox, at: "2026-12-24T04:00:00Z")
        #expect(outbox.notices.map(\.stage) == [.overdue])
    }

    @Test("overdue is decided in each centre's zone")
    func zones() async throws {
        let world = try await TestWorld()
        let outbox = Outbox()
        _ = try await world.store.registerFamily(TestWorld.family("F-0002", surname: "Петрова", phone: "+7 495 000-00-02"), by: world.admin)
        let omsk = try await lent(world, "KET-1")
        _ = try await lent(world, "KET-2", at: "moscow", family: "F-0002")
        _ = try await scan(world, outbox, at: "2026-12-23T19:00:00Z")  // 01:00 in Omsk, 22:00 in Moscow
        #expect(outbox.notices.filter { $0.stage == .overdue }.map(\.loan) == [omsk.id])
        _ = try await world.store.scanNotices(centre: "moscow", deliver: outbox.deliver)
        world.clock.set(TestWorld.instant("2026-12-23T21:00:00Z"))
        outbox.clear()
        _ = try await world.store.scanNotices(centre: "moscow", deliver: outbox.deliver)
        #expect(outbox.notices.map(\.stage) == [.overdue])
    }

    @Test("a rule may count overdue days in open days only: closed days do not count")
    func openDaysOnly() async throws {
        let world = try await TestWorld()
        let outbox = Outbox()
        _ = try await world.store.setRule(LoanRule(scope: RuleScope(category: .appliance), period: .days(32), countOpenDaysOnly: true),
                                          by: world.admin)
        let loan = try await lent(world)
        #expect(loan.dueDate == TestWorld.date("2026-12-25"))  // a Friday
        _ = try await scan(world, outbox, at: "2026-12-28T03:00:00Z")  // Monday: 3 calendar days, 1 open day
        #expect(outbox.notices.map(\.daysOverdue) == [1])
        _ = try await world.store.addClosure(centre: "omsk", from: TestWorld.date("2026-12-29"), through: TestWorld.date("2027-01-08"),
                                             kind: .holiday, by: world.admin)
        #expect(try await scan(world, outbox, at: "2027-01-08T03:00:00Z").total == 0, "the holidays do not count")
    }

    @Test("notices carry identifiers, never a family's name, phone or address")
    func noPersonalData() async throws {
        let world = try await TestWorld()
        let outbox = Outbox()
        _ = try await lent(world)
        _ = try await scan(world, outbox, at: "2026-12-24T03:00:00Z")
        let notice = try #require(outbox.notices.first)
        #expect(notice.message == "Loan 1 at Рябинушка is 1 day overdue (due 2026-12-23): Чайник электрический KET-1, family F-0001")
        let text = notice.journalFields.map { "\($0.name)=\($0.value)" }.joined(separator: "\n")
        for personal in [TestWorld.surname, "Мария", "913", "Ленина"] { #expect(!text.contains(personal)) }
        #expect(notice.journalFields.map(\.name) == ["MESSAGE", "MESSAGE_ID", "PRIORITY", "RENTAL_LOAN", "RENTAL_CENTRE", "RENTAL_UNIT",
                                                     "RENTAL_ITEM_TYPE", "RENTAL_FAMILY", "RENTAL_DUE_DATE", "RENTAL_DAYS_OVERDUE",
                                                     "RENTAL_STAGE"])
    }

    @Test func scheduleStages() {
        let schedule = NoticeSchedule()
        #expect(schedule.stage(daysOverdue: -3) == nil)
        #expect(schedule.stage(daysOverdue: -2) == .dueSoon)
        #expect(schedule.stage(daysOverdue: 0) == .dueSoon)
        #expect(schedule.stage(daysOverdue: 1) == .overdue)
        #expect(schedule.stage(daysOverdue: 6) == .overdue)
        #expect(schedule.stage(daysOverdue: 7) == .escalated)
        #expect(schedule.stage(daysOverdue: 30) == .final)
        #expect(NoticeSchedule(dueSoonDays: 0).stage(daysOverdue: 0) == nil)
        #expect(NoticeSchedule(dueSoonDays: 0).stages(through: .escalated) == [.overdue, .escalated])
    }
}

@Suite("Scheduled times in each centre's zone")
struct LocalTimeTests {
    @Test("08:00 comes three hours earlier in Omsk (UTC+6) than in Moscow (UTC+3)")
    func eightOClock() throws {
        let eight = try #require(LocalTime("08:00"))
        let omsk = try #require(TimeZone(identifier: "Asia/Omsk"))
        let moscow = try #require(TimeZone(identifier: "Europe/Moscow"))
        let before = TestWorld.instant("2026-11-24T01:59:00Z")
        let omskEight = TestWorld.instant("2026-11-24T02:00:00Z")
        #expect(eight.occurred(in: omsk, after: before, upTo: omskEight))
        #expect(!eight.occurred(in: moscow, after: before, upTo: omskEight))
        #expect(eight.occurred(in: moscow, after: omskEight, upTo: TestWorld.instant("2026-11-24T05:00:00Z")))
        #expect(!eight.occurred(in: omsk, after: omskEight, upTo: TestWorld.instant("2026-11-24T05:00:00Z")), "not twice")
        // Across midnight and across a day with the daemon down, it is still noticed.
        #expect(eight.occurred(in: omsk, after: TestWorld.instant("2026-11-22T03:00:00Z"), upTo: TestWorld.instant("2026-11-24T00:00:00Z")))
    }

    @Test("times parse as HH:MM only", arguments: [("08:00", true), ("23:59", true), ("24:00", false), ("8:00", false), ("08:60", false), ("noon", false)])
    func parsing(text: String, valid: Bool) {
        #expect((LocalTime(text) != nil) == valid)
    }
}
