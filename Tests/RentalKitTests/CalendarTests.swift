import Foundation
import GRDB
import Testing
@testable import RentalKit

@Suite("Due dates and centre calendars")
struct CalendarTests {
    @Test func dueDateOnAWeekendMovesToMonday() async throws {
        let world = try await TestWorld()
        // Omsk rule for appliances: 30 days. Issued Wednesday 2026-11-25 → 2026-12-25 is a Friday; issued
        // Friday 2026-11-27 → Sunday 2026-12-27 → Monday 2026-12-28.
        world.clock.set(TestWorld.instant("2026-11-27T04:00:00Z"))
        let unit = try await world.unit("KET-1", "kettle")
        let loan = try await world.store.checkout(family: TestWorld.familyRef, unit: unit, at: "omsk", by: world.staff)
        #expect(loan.issuedOn == TestWorld.date("2026-11-27"))
        #expect(loan.dueDate == TestWorld.date("2026-12-28"))
        #expect(loan.dueDate.weekday == .monday)
    }

    @Test("New Year holidays (1–8 January) push a due date to the first open day after them")
    func newYearHolidays() async throws {
        let world = try await TestWorld()
        _ = try await world.store.addClosure(centre: "omsk", from: TestWorld.date("2027-01-01"),
                                             through: TestWorld.date("2027-01-08"), kind: .holiday,
                                             note: "Новогодние каникулы", by: world.admin)
        // 2026-12-02 + 30 days = 2027-01-01, closed through the 8th; the 9th and 10th are a weekend.
        world.clock.set(TestWorld.instant("2026-12-02T04:00:00Z"))
        let unit = try await world.unit("KET-1", "kettle")
        let loan = try await world.store.checkout(family: TestWorld.familyRef, unit: unit, at: "omsk", by: world.staff)
        #expect(loan.dueDate == TestWorld.date("2027-01-11"))
        #expect(loan.dueDate >= TestWorld.date("2027-01-09"))
    }

    @Test func aClosureAddedAfterCheckoutMovesNothingUntilAsked() async throws {
        let world = try await TestWorld()
        let unit = try await world.unit("KET-1", "kettle")
        let loan = try await world.store.checkout(family: TestWorld.familyRef, unit: unit, at: "omsk", by: world.staff)
        #expect(loan.dueDate == TestWorld.date("2026-12-23"))
        _ = try await world.store.addClosure(centre: "omsk", from: TestWorld.date("2026-12-22"),
                                             through: TestWorld.date("2026-12-24"), kind: .emergency,
                                             note: "авария отопления", by: world.staff)
        #expect(try await world.store.loan(loan.id).dueDate == TestWorld.date("2026-12-23"))

        let moved = try await world.store.shiftDueDates(centre: "omsk", by: world.staff)
        #expect(moved.map(\.id) == [loan.id])
        #expect(try await world.store.loan(loan.id).dueDate == TestWorld.date("2026-12-25"))
        let audit = try await world.store.auditEvents(entity: "loan", key: "\(loan.id)")
        #expect(audit.map(\.action) == ["loan.checkout", "loan.due_date.shift"])
        #expect(audit.last?.details["from"] == "2026-12-23")
    }

    @Test("months-based periods clamp at month ends, then move to an open day")
    func monthPeriods() async throws {
        let world = try await TestWorld()
        _ = try await world.store.setOpenDays(Set(Weekday.allCases), centre: "omsk", by: world.admin)
        // Infant rule: 3 months. 2026-11-30 + 3 months = 2027-02-28.
        world.clock.set(TestWorld.instant("2026-11-30T04:00:00Z"))
        let cot = try await world.unit("COT-1", "cot")
        let loan = try await world.store.checkout(family: TestWorld.familyRef, unit: cot, at: "omsk", by: world.staff)
        #expect(loan.dueDate == TestWorld.date("2027-02-28"))

        let calendar = CentreCalendar(openDays: Centre.weekdays, closures: [])
        // 2027-01-31 + 1 month = 2027-02-28, a Sunday → Monday 2027-03-01.
        #expect(try calendar.dueDate(issuedOn: TestWorld.date("2027-01-31"), period: .months(1)) == TestWorld.date("2027-03-01"))
    }

    @Test func aCentreThatIsNeverOpenIsAnError() throws {
        let calendar = CentreCalendar(openDays: [], closures: [])
        #expect(throws: RentalError(.centreNeverOpen, "no open day within 366 days of 2026-11-24")) {
            try calendar.nextOpenDay(onOrAfter: TestWorld.date("2026-11-24"))
        }
    }

    @Test func openDaysBetweenDatesSkipClosures() {
        let closure = Closure(id: 1, firstDay: TestWorld.date("2026-11-25"), lastDay: TestWorld.date("2026-11-25"),
                              kind: .emergency, note: "")
        let calendar = CentreCalendar(openDays: Centre.weekdays, closures: [closure])
        // After Mon 23 through Mon 30: Tue 24, (Wed 25 closed), Thu 26, Fri 27, Mon 30.
        #expect(calendar.openDays(after: TestWorld.date("2026-11-23"), through: TestWorld.date("2026-11-30")) == 4)
    }
}

@Suite("Overdue in each centre's own time zone")
struct TimeZoneTests {
    @Test("at 20:00 UTC on the due date an Omsk loan is overdue and a Moscow one is not")
    func overdueFollowsTheCentreZone() async throws {
        let world = try await TestWorld()
        let omskKettle = try await world.unit("KET-1", "kettle", at: "omsk")
        let moscowKettle = try await world.unit("KET-2", "kettle", at: "moscow")
        let moscowStaff = Principal(name: "anna", role: .staff(centres: ["moscow"]))
        _ = try await world.store.registerFamily(TestWorld.family("F-0002", surname: "Петрова", phone: "+7 495 000-00-02"),
                                                 by: world.admin)
        let omskLoan = try await world.store.checkout(family: TestWorld.familyRef, unit: omskKettle, at: "omsk", by: world.staff)
        let moscowLoan = try await world.store.checkout(family: "F-0002", unit: moscowKettle, at: "moscow", by: moscowStaff)
        #expect(omskLoan.dueDate == TestWorld.date("2026-12-23"))
        #expect(moscowLoan.dueDate == TestWorld.date("2026-12-23"))

        world.clock.set(TestWorld.instant("2026-12-23T20:00:00Z"))
        let overdue = try await world.store.loans(LoanFilter(overdueOnly: true))
        #expect(overdue.map(\.id) == [omskLoan.id])
        #expect(try await world.store.today(at: "omsk") == TestWorld.date("2026-12-24"))
        #expect(try await world.store.today(at: "moscow") == TestWorld.date("2026-12-23"))

        world.clock.set(TestWorld.instant("2026-12-23T21:00:00Z"))  // midnight in Moscow
        #expect(try await world.store.loans(LoanFilter(overdueOnly: true)).map(\.id) == [omskLoan.id, moscowLoan.id])
    }

    @Test func theOverdueScanReadsOnlyTheCoveringPartialIndex() async throws {
        let world = try await TestWorld()
        let details = try await world.store.read { db in
            let (sql, arguments) = try RentalStore.overdueScan(db, now: Date(), columns: "l.id, l.unit_id, l.family_id")
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
        #expect(details.contains { $0.contains("SEARCH l USING COVERING INDEX loan_open_by_due (centre_id=? AND due_date<?)") },
                "one range scan of the index per centre: \(details)")
        #expect(!details.contains { $0.hasPrefix("SCAN l") }, "never a scan of the loans: \(details)")
    }

    @Test("a page of the overdue listing walks the open loans from its cursor, and the pages add up to the whole")
    func overduePages() async throws {
        let world = try await TestWorld()
        let plan = try await world.store.read { db in
            let (sql, arguments) = try RentalStore.loanListing(db, LoanFilter(overdueOnly: true, afterID: 10, limit: 2), now: Date())
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0 == "SEARCH l USING COVERING INDEX loan_open_listing (id>?)" },
                "the loans read from the index alone, never from the loan table: \(plan)")
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "no sorting of every overdue loan: \(plan)")

        // Seven kettles: five checked out in Omsk (two of them returned), two in Moscow; then a month passes.
        var loans: [Loan] = []
        for n in 1...7 {
            let centre = n <= 5 ? "omsk" : "moscow"
            try await world.unit("KET-\(n)", "kettle", at: centre)
            let family = "F-P\(n)"
            _ = try await world.store.registerFamily(TestWorld.family(family, phone: "+7 913 000-00-\(10 + n)"), by: world.admin)
            loans.append(try await world.store.checkout(family: family, unit: "KET-\(n)", at: centre, by: world.admin))
        }
        for n in [2, 4] {
            _ = try await world.store.returnUnit("KET-\(n)", at: "omsk", condition: .good, by: world.admin)
        }
        world.clock.set(TestWorld.instant("2027-01-10T04:00:00Z"))
        var paged: [Int64] = []
        var after: Int64?
        repeat {
            let page = try await world.store.loans(LoanFilter(overdueOnly: true, afterID: after, limit: 2))
            #expect(page.count <= 2)
            paged += page.map(\.id)
            after = page.count == 2 ? page.last?.id : nil
        } while after != nil
        let expected = loans.enumerated().filter { ![1, 3].contains($0.offset) }.map(\.element.id)
        #expect(paged == expected)
        #expect(try await world.store.loans(LoanFilter(centre: "moscow", overdueOnly: true)).map(\.id) == Array(expected.suffix(2)))
        #expect(try await world.store.loans(LoanFilter(family: "F-P3", overdueOnly: true)).map(\.id) == [loans[2].id])
        #expect(try await world.store.summary().overdueLoans == 5)
    }

    @Test("the scan works with more centres than SQLite allows terms in a compound SELECT (500)")
    func manyCentres() async throws {
        let world = try await TestWorld()
        try await world.store.write { db in
            for n in 1...600 {
                try db.execute(sql: "INSERT INTO centre (code, name, region, time_zone, open_days) VALUES (?, 'C', '', 'UTC', 31)",
                               arguments: ["c\(n)"])
            }
        }
        try await world.unit("KET-1", "kettle")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "KET-1", at: "omsk", by: world.staff)
        world.clock.set(TestWorld.instant("2027-01-10T04:00:00Z"))
        #expect(try await world.store.summary().overdueLoans == 1)
        #expect(try await world.store.loans(LoanFilter(overdueOnly: true)).count == 1)
    }

    @Test func theSummaryCountsOverdueLoansPerCentreZone() async throws {
        let world = try await TestWorld()
        try await world.unit("KET-1", "kettle")
        try await world.unit("KET-2", "kettle")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "KET-1", at: "omsk", by: world.staff)
        world.clock.set(TestWorld.instant("2026-11-24T04:00:00Z"))
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "KET-2", at: "omsk", by: world.staff)
        world.clock.set(TestWorld.instant("2026-12-23T18:00:00Z"))  // 2026-12-24 00:00 in Omsk
        let summary = try await world.store.summary()
        #expect(summary == StoreSummary(centres: 2, units: 2, families: 1, openLoans: 2, overdueLoans: 1))
    }

    @Test("a centre's open days are written in the order of the week, the same bytes every time")
    func openDaysInWeekOrder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let days: Set<Weekday> = [.sunday, .friday, .monday, .wednesday, .saturday, .tuesday]
        let centre = Centre(code: "c", name: "Ц", region: "", timeZone: "Asia/Omsk", openDays: days)
        let text = String(decoding: try encoder.encode(centre), as: UTF8.self)
        #expect(text.contains(#""openDays":["monday","tuesday","wednesday","friday","saturday","sunday"]"#))
        for _ in 0..<20 {
            let again = Centre(code: "c", name: "Ц", region: "", timeZone: "Asia/Omsk", openDays: Set(days.shuffled()))
            #expect(try encoder.encode(again) == encoder.encode(centre))
        }
        let new = NewCentre(code: "c", name: "Ц", region: "", timeZone: "Asia/Omsk", openDays: days)
        #expect(String(decoding: try encoder.encode(new), as: UTF8.self).contains(#"["monday","tuesday","wednesday","friday","saturday","sunday"]"#))
        #expect(try JSONDecoder().decode(Centre.self, from: encoder.encode(centre)) == centre)
    }
}
