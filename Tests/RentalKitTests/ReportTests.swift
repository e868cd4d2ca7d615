import Foundation
import GRDB
import Testing
@testable import RentalKit

/// Reports over a small region whose every figure is counted by hand below.
///
/// Centres: omsk (Asia/Omsk, UTC+6) and moscow (Europe/Moscow, UTC+3). Period: October 2026.
///
/// | loan | family | unit (centre, type) | issued (local)        | closed (local)                  |
/// |------|--------|---------------------|-----------------------|---------------------------------|
/// | L1   | F-0003 | K1 omsk kettle      | 2026-08-10            | returned 2026-08-20             |
/// | L2   | F-0004 | K2 omsk kettle      | 2026-09-21 (due 10-21)| returned 2026-10-23 (2 days late)|
/// | L3   | F-0002 | K1 omsk kettle      | 2026-10-05, renewed 10-20 | returned 2026-11-01 00:20 Omsk (= 10-31 18:20 UTC) |
/// | L4   | F-0003 | K4 moscow kettle    | 2026-10-06            | lost 2026-10-28                 |
/// | L5   | F-0001 | C1 omsk cot         | 2026-10-26            | open                            |
/// | L6   | F-0003 | W2 moscow wardrobe  | 2026-10-31 23:30 Moscow (20:30 UTC), due 11-30 | open   |
/// | L7   | F-0002 | K2 omsk kettle      | 2026-11-01 00:30 Omsk (= 10-31 18:30 UTC), due 12-01 | open |
///
/// K3 (omsk kettle) is retired on 2026-10-15; W1 (omsk wardrobe) is never lent. Children: F-0001 one
/// born 2026-06-01; F-0002 two, born 2019-05-05 and 2025-11-20, and one expected; F-0003 one born
/// 2015-01-01; F-0004 none. Reservations, all for a cot at moscow (which has none): F-0002 placed 09-25,
/// cancelled 10-07; F-0001 placed 10-02, fulfilled 10-09; F-0001 again placed 10-10, waiting.
/// The reports are read on 2026-12-03.
@Suite struct ReportTests {
    static let october = ReportQuery(from: TestWorld.date("2026-10-01"), to: TestWorld.date("2026-10-31"))

    /// Builds the region above; returns the world with its clock on 2026-12-03 10:00 in Omsk.
    static func region() async throws -> TestWorld {
        let world = try await TestWorld(now: TestWorld.instant("2026-08-01T04:00:00Z"))
        let store = world.store
        let admin = world.admin
        func at(_ iso: String) { world.clock.set(TestWorld.instant(iso)) }
        for (reference, children) in [
            ("F-0002", [Child(birthDate: TestWorld.date("2019-05-05")), Child(birthDate: TestWorld.date("2025-11-20")),
                        Child(birthDate: TestWorld.date("2027-02-01"), expected: true)]),
            ("F-0003", [Child(birthDate: TestWorld.date("2015-01-01"))]),
            ("F-0004", []),
        ] {
            _ = try await store.registerFamily(TestWorld.family(reference, surname: "Петрова", phone: "+7 913 000-00-0\(reference.suffix(1))",
                                                                children: children), by: admin)
        }
        let checked = TestWorld.date("2026-08-01")
        try await world.unit("C1", "cot", at: "omsk", safetyCheck: nil)
        try await world.unit("K1", "kettle", at: "omsk", safetyCheck: checked)
        try await world.unit("K2", "kettle", at: "omsk", safetyCheck: checked)
        _ = try await store.addUnit(NewUnit(inventoryNumber: "K3", itemType: "kettle", centre: "omsk", costMinor: 150_000,
                                            fundingSource: "Областной бюджет", lastSafetyCheck: checked), by: admin)
        try await world.unit("W1", "wardrobe", at: "omsk", safetyCheck: nil)
        try await world.unit("W2", "wardrobe", at: "moscow", safetyCheck: nil)
        _ = try await store.addUnit(NewUnit(inventoryNumber: "K4", itemType: "kettle", centre: "moscow", costMinor: 250_000,
                                            fundingSource: "Грант 2026", lastSafetyCheck: checked), by: admin)

        at("2026-08-10T06:00:00Z")  // 12:00 Omsk
        let l1 = try await store.checkout(family: "F-0003", unit: "K1", at: "omsk", by: admin)
        at("2026-08-20T06:00:00Z")
        _ = try await store.returnUnit("K1", at: "omsk", condition: .good, by: admin)
        #expect(l1.issuedOn == TestWorld.date("2026-08-10"))
        at("2026-09-21T06:00:00Z")
        let l2 = try await store.checkout(family: "F-0004", unit: "K2", at: "omsk", by: admin)
        #expect(l2.dueDate == TestWorld.date("2026-10-21"))
        // Reservations for cots at moscow, which has none: they wait (a free unit would be held at once).
        at("2026-09-25T09:00:00Z")  // 12:00 Moscow
        let r3 = try await store.reserve(family: "F-0002", itemType: "cot", at: "moscow", by: admin)
        at("2026-10-02T09:00:00Z")
        let r2 = try await store.reserve(family: "F-0001", itemType: "cot", at: "moscow", by: admin)
        at("2026-10-05T04:00:00Z")  // 10:00 Omsk
        let l3 = try await store.checkout(family: "F-0002", unit: "K1", at: "omsk", by: admin)
        at("2026-10-06T09:00:00Z")
        let l4 = try await store.checkout(family: "F-0003", unit: "K4", at: "moscow", by: admin)
        at("2026-10-07T09:00:00Z")
        try await store.closeReservation(r3.id, by: admin)
        at("2026-10-09T09:00:00Z")
        try await store.closeReservation(r2.id, fulfilled: true, by: admin)
        at("2026-10-10T09:00:00Z")
        _ = try await store.reserve(family: "F-0001", itemType: "cot", at: "moscow", by: admin)
        at("2026-10-15T06:00:00Z")
        _ = try await store.change(.retire, unit: "K3", by: admin)
        at("2026-10-20T06:00:00Z")
        #expect(try await store.renew(loan: l3.id, by: admin).dueDate == TestWorld.date("2026-12-04"))
        at("2026-10-23T06:00:00Z")
        #expect(try await store.returnUnit("K2", at: "omsk", condition: .good, by: admin).wasOverdue)
        at("2026-10-26T06:00:00Z")
        _ = try await store.checkout(family: "F-0001", unit: "C1", at: "omsk", by: admin)
        at("2026-10-28T09:00:00Z")
        _ = try await store.markLost(loan: l4.id, by: admin)
        at("2026-10-31T18:20:00Z")  // 00:20 on 1 November in Omsk, 21:20 on 31 October in Moscow
        _ = try await store.returnUnit("K1", at: "omsk", condition: .good, by: admin)
        at("2026-10-31T18:30:00Z")
        let l7 = try await store.checkout(family: "F-0002", unit: "K2", at: "omsk", by: admin)
        #expect(l7.issuedOn == TestWorld.date("2026-11-01"))
        at("2026-10-31T20:30:00Z")  // 23:30 on 31 October in Moscow
        let l6 = try await store.checkout(family: "F-0003", unit: "W2", at: "moscow", by: admin)
        #expect(l6.issuedOn == TestWorld.date("2026-10-31"))
        at("2026-12-03T04:00:00Z")
        return world
    }

    @Test func summaryOfOctoberMatchesTheHandCount() async throws {
        let world = try await Self.region()
        let report = try await world.store.report(.summary, Self.october)
        #expect(report.centres.map(\.code) == ["moscow", "omsk"])

        // Served: F-0002 (L3), F-0003 (L4, L6), F-0001 (L5); F-0004's loan started in September.
        let families = try #require(report.families)
        #expect(families.served == 3)
        // F-0001: 1, F-0002: 2 (the expected one not counted), F-0003: 1.
        #expect(families.children == 4)
        // F-0001's (born 2026-06) at L5 in 2026-10; F-0002's younger (born 2025-11) at L3 in 2026-10.
        #expect(families.childrenUnderOne == 2)
        // F-0003 first borrowed in August.
        #expect(families.newFamilies == 2)
        #expect(families.byCentre == [CentreCount(centre: "moscow", count: 1), CentreCount(centre: "omsk", count: 2)])

        // Started: L3, L4, L5, L6 (L6 at 23:30 Moscow on 31 October; L7 is 1 November in Omsk).
        // Returned: L2 only (L3 came back on 1 November, Omsk time). Renewed: L3. Lost: L4.
        let loans = try #require(report.loans)
        #expect(loans.total == LoanFlow(started: 4, returned: 1, renewed: 1, lost: 1))
        #expect(loans.byCentreAndType == [
            CentreTypeFlow(centre: "moscow", itemType: "kettle", flow: LoanFlow(started: 1, lost: 1)),
            CentreTypeFlow(centre: "moscow", itemType: "wardrobe", flow: LoanFlow(started: 1)),
            CentreTypeFlow(centre: "omsk", itemType: "cot", flow: LoanFlow(started: 1)),
            CentreTypeFlow(centre: "omsk", itemType: "kettle", flow: LoanFlow(started: 1, returned: 1, renewed: 1)),
        ])
        #expect(loans.byMonth == [
            MonthFlow(month: "2026-10", centre: "moscow", flow: LoanFlow(started: 2, lost: 1)),
            MonthFlow(month: "2026-10", centre: "omsk", flow: LoanFlow(started: 2, returned: 1, renewed: 1)),
        ])

        // 31 days. In service: every unit all month but K3 (retired 10-15: 14 days) and K4 (lost 10-28:
        // 27 days). On loan: L2 1–22 October (22), L3 5–31 (27), L4 6–27 (22), L5 26–31 (6), L6 31 (1).
        let use = try #require(report.utilisation)
        #expect(use.byCentreAndType.map { [$0.centre, $0.itemType, "\($0.unitDaysOnLoan)/\($0.unitDaysInService)"] } == [
            ["moscow", "kettle", "22/27"], ["moscow", "wardrobe", "1/31"],
            ["omsk", "cot", "6/31"], ["omsk", "kettle", "49/76"], ["omsk", "wardrobe", "0/31"],
        ])
        #expect(use.byItemType.map { "\($0.itemType ?? "") \($0.unitDaysOnLoan)/\($0.unitDaysInService)" }
                == ["cot 6/31", "kettle 71/103", "wardrobe 1/62"])
        #expect(use.total.unitDaysOnLoan == 78 && use.total.unitDaysInService == 196)
        #expect(use.total.share == 78.0 / 196.0)

        // L2: due 10-21, overdue from 10-22 while open, returned 10-23: 2 days late. Now (12-03): L6 (due
        // 11-30) and L7 (due 12-01) are overdue.
        #expect(report.overdue == OverdueFigures(becameOverdue: 1, returned: 1, returnedLate: 1, lateShare: 1,
                                                 medianDaysLate: 2, openOverdueNow: 2))

        let waiting = try #require(report.waiting)
        #expect(waiting.placed == 2 && waiting.fulfilled == 1 && waiting.cancelled == 1)
        #expect(waiting.expired == 0)  // the store keeps expiry since holds came
        #expect(waiting.medianDaysToPickup == 7)
        #expect(waiting.queues == [QueueLine(centre: "moscow", itemType: "cot", waiting: 1, available: 0,
                                             oldestSince: TestWorld.date("2026-10-10"))])

        let stock = try #require(report.stock)
        #expect(stock.byStatus.map { "\($0.centre) \($0.status.rawValue) \($0.condition.rawValue) \($0.units)" } == [
            "moscow on_loan new 1", "moscow lost new 1",
            "omsk available new 1", "omsk available good 1", "omsk on_loan new 1", "omsk on_loan good 1", "omsk retired new 1",
        ])
        #expect(stock.neverLent == [CentreCount(centre: "omsk", count: 1)])
        #expect(stock.leftService == [
            LeftServiceLine(inventoryNumber: "K3", itemType: "kettle", centre: "omsk", status: .retired,
                            on: TestWorld.date("2026-10-15"), costMinor: 150_000, fundingSource: "Областной бюджет"),
            LeftServiceLine(inventoryNumber: "K4", itemType: "kettle", centre: "moscow", status: .lost,
                            on: TestWorld.date("2026-10-28"), costMinor: 250_000, fundingSource: "Грант 2026"),
        ])
        #expect(stock.leftServiceByFunding == [FundingLine(fundingSource: "Грант 2026", units: 1, costMinor: 250_000),
                                               FundingLine(fundingSource: "Областной бюджет", units: 1, costMinor: 150_000)])

        #expect(report.popular == [PopularLine(itemType: "kettle", loans: 2, families: 2),
                                   PopularLine(itemType: "cot", loans: 1, families: 1),
                                   PopularLine(itemType: "wardrobe", loans: 1, families: 1)])
    }

    @Test func aCentreOrACategoryNarrowsEveryFigure() async throws {
        let world = try await Self.region()
        var query = Self.october
        query.centre = "moscow"
        let moscow = try await world.store.report(.summary, query)
        #expect(moscow.centres.map(\.code) == ["moscow"])
        #expect(moscow.families?.served == 1 && moscow.families?.children == 1 && moscow.families?.newFamilies == 1)
        #expect(moscow.loans?.total == LoanFlow(started: 2, lost: 1))
        #expect(moscow.overdue?.openOverdueNow == 1)
        #expect(moscow.stock?.leftService.map(\.inventoryNumber) == ["K4"])

        query = Self.october
        query.category = .appliance
        let appliances = try await world.store.report(.loans, query)
        #expect(appliances.itemTypes.map(\.code) == ["kettle"])
        #expect(appliances.loans?.total == LoanFlow(started: 2, returned: 1, renewed: 1, lost: 1))
        #expect(appliances.families == nil && appliances.stock == nil)

        query = Self.october
        query.itemType = "cot"
        let cots = try await world.store.report(.families, query)
        #expect(cots.families == FamilyFigures(served: 1, children: 1, childrenUnderOne: 1, newFamilies: 1,
                                               byCentre: [CentreCount(centre: "omsk", count: 1)]))
    }

    /// November in Omsk starts at 18:00 UTC on 31 October: L3's return and L7's start fall in it.
    @Test func theCentresMidnightDecidesTheMonth() async throws {
        let world = try await Self.region()
        let november = ReportQuery(from: TestWorld.date("2026-11-01"), to: TestWorld.date("2026-11-30"), centre: "omsk")
        let loans = try #require(try await world.store.report(.loans, november).loans)
        #expect(loans.total == LoanFlow(started: 1, returned: 1))
        #expect(loans.byMonth == [MonthFlow(month: "2026-11", centre: "omsk", flow: LoanFlow(started: 1, returned: 1))])
    }

    /// A period that runs past today counts only the days lived: L6 (due 11-30) and L7 (due 12-01) became
    /// overdue by 3 December; L5, due 2027-01-26, has not yet.
    @Test func daysAfterTodayAreNotCounted() async throws {
        let world = try await Self.region()
        let winter = ReportQuery(from: TestWorld.date("2026-12-01"), to: TestWorld.date("2027-01-31"))
        let report = try await world.store.report(.summary, winter)
        #expect(report.overdue?.becameOverdue == 2)
        // 1–3 December: L5, L6 and L7 on loan each day (9); W1 and K1 free; K3 and K4 gone.
        #expect(report.utilisation?.total.unitDaysOnLoan == 9)
        #expect(report.utilisation?.total.unitDaysInService == 5 * 3)
    }

    /// The figures come from loans and birth dates: blanking names, phones and addresses, replacing
    /// references and keeping only the birth year and month (what anonymisation does) changes nothing.
    @Test func anonymisedFamiliesCountTheSame() async throws {
        let world = try await Self.region()
        let before = try await world.store.report(.summary, Self.october)
        try await world.rawQueue().write { db in
            try db.execute(sql: """
                UPDATE family SET reference = 'ANON-' || id, contact_surname = '-', contact_given_names = '', surname_folded = '-',
                    phone = '', phone_digits = '', address = '', social_contract = NULL;
                UPDATE child SET birth_date = substr(birth_date, 1, 8) || '01';
                """)
        }
        var after = try await world.store.report(.summary, Self.october)
        after.asOf = before.asOf
        #expect(after == before)
    }

    @Test func badPeriodsAndUnknownCodesAreRefused() async throws {
        let world = try await TestWorld()
        await #expect(throws: RentalError.self) {
            try await world.store.report(.summary, ReportQuery(from: TestWorld.date("2026-10-02"), to: TestWorld.date("2026-10-01")))
        }
        await #expect(throws: RentalError.self) {
            try await world.store.report(.summary, ReportQuery(from: TestWorld.date("2000-01-01"), to: TestWorld.date("2026-10-01")))
        }
        do {
            _ = try await world.store.report(.summary, ReportQuery(from: Self.october.from, to: Self.october.to, centre: "nowhere"))
            Issue.record("an unknown centre was accepted")
        } catch { #expect(error.code == .centreNotFound) }
        do {
            _ = try await world.store.report(.stock, ReportQuery(from: Self.october.from, to: Self.october.to, itemType: "sofa"))
            Issue.record("an unknown item type was accepted")
        } catch { #expect(error.code == .itemTypeNotFound) }
        // An empty store: zeros, no failures.
        let empty = try await world.store.report(.summary, Self.october)
        #expect(empty.loans?.total == LoanFlow() && empty.families?.served == 0 && empty.overdue?.lateShare == nil)
    }

    @Test("renewals are counted from the audit trail's renewal index, not by reading the whole trail")
    func renewalsUseTheirIndex() async throws {
        let world = try await TestWorld()
        let plan = try await world.store.read { db in
            let scope = try ReportScope.resolve(db, ReportQuery(from: TestWorld.date("2026-01-01"), to: TestWorld.date("2026-12-31")),
                                                now: world.clock.now())
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + LoanPass.renewalsSQL(scope)).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("INDEX audit_renewals") }, "\(plan)")
        #expect(!plan.contains { $0 == "SCAN a" }, "\(plan)")
    }
}
