import Foundation
import Testing
@testable import RentalKit

@Suite("Local dates")
struct LocalDateTests {
    @Test("parses only real days in YYYY-MM-DD form", arguments: [
        ("2026-02-28", true), ("2028-02-29", true), ("2026-02-29", false), ("2026-02-30", false),
        ("2026-13-01", false), ("2026-1-01", false), ("26-01-01", false), ("2026-01-01T00:00", false),
        ("２０２６-01-01", false), ("", false),
    ])
    func parsing(text: String, valid: Bool) {
        #expect((LocalDate(text) != nil) == valid)
    }

    @Test func roundTripsThroughText() throws {
        let date = try #require(LocalDate("2026-11-24"))
        #expect(date.description == "2026-11-24")
        let json = try JSONEncoder().encode([date])
        #expect(String(decoding: json, as: UTF8.self) == #"["2026-11-24"]"#)
        #expect(try JSONDecoder().decode([LocalDate].self, from: json) == [date])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([LocalDate].self, from: Data(#"["2026-02-30"]"#.utf8)) }
    }

    @Test("text: every year 0000–9999 written in place as the padded form writes it, other years padded")
    func text() {
        func padded(_ date: LocalDate) -> String {
            PlainText.padded(date.year, width: 4) + "-" + PlainText.padded(date.month, width: 2) + "-" + PlainText.padded(date.day, width: 2)
        }
        // From before year 0 to past 9999, a day in every 131 (two or three in each year), and every day for
        // a year around each edge.
        let first = LocalDate(serialDay: 0).adding(days: -(1970 + 3) * 366), last = LocalDate(serialDay: 0).adding(days: (10_003 - 1970) * 366)
        let edges = ["0000-01-01", "0001-01-01", "9999-12-31", "0999-12-31", "1000-01-01", "2000-02-29"].compactMap(LocalDate.init)
        let days = Array(stride(from: first.serialDay, through: last.serialDay, by: 131))
            + edges.flatMap { ($0.serialDay - 400)...($0.serialDay + 400) }
        var years = Set<Int>()
        for serialDay in days {
            let date = LocalDate(serialDay: serialDay)
            years.insert(date.year)
            #expect(date.description == padded(date), "\(padded(date))")
            if (1...9999).contains(date.year) { #expect(LocalDate(date.description) == date) }
        }
        #expect(years.isSuperset(of: [-1, 0, 1, 999, 1000, 9999, 10_000]))
    }

    @Test("the local date of an instant is the one a Gregorian calendar in that zone gives", arguments: [
        "Asia/Omsk", "Europe/Moscow", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "Pacific/Apia",
        "Pacific/Kiritimati", "America/Adak", "Australia/Lord_Howe", "UTC",
    ])
    func localDateOfInstant(zone identifier: String) throws {
        let zone = try #require(TimeZone(identifier: identifier))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var random = SplitMix64(seed: 11)
        for step in 0..<3_000 {
            let draw = random.next()
            // 1950…2090, and every quarter hour around 2011-12-29/31 (Apia skipped a day) and a DST change.
            let seconds = step < 2_000 ? Double(draw % 4_417_977_600) - 631_152_000
                : step < 2_500 ? 1_325_073_600 + Double(step - 2_000) * 900 : 1_648_339_200 + Double(step - 2_500) * 900
            let instant = Date(timeIntervalSince1970: seconds + Double(draw % 1000) / 1000)
            let parts = calendar.dateComponents([.year, .month, .day], from: instant)
            let expected = try #require(LocalDate(year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0))
            #expect(LocalDate(instant, in: zone) == expected, "\(instant) in \(identifier)")
        }
    }

    @Test func weekdays() {
        #expect(TestWorld.date("2026-11-24").weekday == .tuesday)
        #expect(TestWorld.date("2027-01-09").weekday == .saturday)
        #expect(TestWorld.date("1970-01-01").weekday == .thursday)
        #expect(TestWorld.date("2000-02-29").weekday == .tuesday)
    }

    @Test func dayArithmeticCrossesMonthsAndYears() {
        #expect(TestWorld.date("2026-12-31").adding(days: 1) == TestWorld.date("2027-01-01"))
        #expect(TestWorld.date("2028-02-28").adding(days: 1) == TestWorld.date("2028-02-29"))
        #expect(TestWorld.date("2026-03-01").adding(days: -1) == TestWorld.date("2026-02-28"))
        #expect(TestWorld.date("2026-01-01").days(until: TestWorld.date("2027-01-01")) == 365)
    }

    @Test("month arithmetic clamps at month ends", arguments: [
        ("2026-01-31", 1, "2026-02-28"), ("2028-01-31", 1, "2028-02-29"), ("2026-03-31", 1, "2026-04-30"),
        ("2026-01-31", 3, "2026-04-30"), ("2026-11-30", 3, "2027-02-28"), ("2026-05-15", 12, "2027-05-15"),
    ])
    func months(start: String, months: Int, expected: String) {
        #expect(TestWorld.date(start).adding(months: months) == TestWorld.date(expected))
    }

    @Test func ageInWholeMonths() {
        let born = TestWorld.date("2026-01-31")
        #expect(born.wholeMonths(until: TestWorld.date("2026-02-27")) == 0)
        #expect(born.wholeMonths(until: TestWorld.date("2026-02-28")) == 1)
        #expect(born.wholeMonths(until: TestWorld.date("2027-01-30")) == 11)
        #expect(born.wholeMonths(until: TestWorld.date("2027-01-31")) == 12)
    }

    @Test func localDateOfAnInstantDependsOnTheZone() throws {
        let instant = TestWorld.instant("2026-11-24T20:00:00Z")
        #expect(LocalDate(instant, in: try #require(TimeZone(identifier: "Asia/Omsk"))) == TestWorld.date("2026-11-25"))
        #expect(LocalDate(instant, in: try #require(TimeZone(identifier: "Europe/Moscow"))) == TestWorld.date("2026-11-24"))
    }
}
