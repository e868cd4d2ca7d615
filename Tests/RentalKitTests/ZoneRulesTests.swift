import Foundation
import Testing
@testable import RentalModel

/// The tz database reader against Foundation's time zones (ICU) as the oracle, over zones with and without
/// daylight saving, half- and quarter-hour offsets, and both hemispheres, up to 2045 (past the last
/// transition the files list, where the POSIX footer decides).
@Suite("Time zones from the tz database")
struct ZoneRulesTests {
    static let zones = ["Asia/Omsk", "Europe/Moscow", "Europe/Kaliningrad", "Asia/Kamchatka", "Europe/Samara", "Europe/Berlin",
                        "America/New_York", "Australia/Sydney", "America/Sao_Paulo", "Asia/Kolkata", "Pacific/Chatham",
                        "Australia/Lord_Howe", "America/Havana", "UTC"]

    @Test("offsets agree with Foundation every 5 days and 7 hours from 2000 to 2045", arguments: zones)
    func offsetsAgree(_ identifier: String) throws {
        let rules = try #require(ZoneRules.named(identifier))
        let zone = try #require(TimeZone(identifier: identifier))
        var instant = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01
        var checked = 0
        while instant.timeIntervalSince1970 < 2_366_841_600 {  // 2045-01-01
            #expect(rules.secondsFromGMT(for: instant) == zone.secondsFromGMT(for: instant), "\(identifier) at \(instant)")
            instant += 5 * 86_400 + 7 * 3600 + 13 * 60
            checked += 1
        }
        #expect(checked > 3000)
    }

    @Test("around each change of the clocks, to the second", arguments: ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Pacific/Chatham"])
    func transitionsAgree(_ identifier: String) throws {
        let rules = try #require(ZoneRules.named(identifier))
        let zone = try #require(TimeZone(identifier: identifier))
        var instant = Date(timeIntervalSince1970: 1_577_836_800)  // 2020-01-01
        var changes = 0
        while instant.timeIntervalSince1970 < 2_240_611_200, let next = zone.nextDaylightSavingTimeTransition(after: instant) {  // 2041
            for delta in [-1.0, 0, 1] {
                #expect(rules.secondsFromGMT(for: next + delta) == zone.secondsFromGMT(for: next + delta), "\(identifier) at \(next + delta)")
            }
            instant = next + 1
            changes += 1
        }
        #expect(changes >= 40, "\(identifier): \(changes) changes")
    }

    @Test("the start of a day and a local time of day, also on days the clocks change", arguments: ["Asia/Omsk", "Europe/Berlin", "America/Havana", "Australia/Lord_Howe"])
    func daysAgree(_ identifier: String) throws {
        let rules = try #require(ZoneRules.named(identifier))
        let zone = try #require(TimeZone(identifier: identifier))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var day = try #require(LocalDate(year: 2012, month: 1, day: 1))
        while day.year < 2042 {
            #expect(rules.startOfDay(day) == day.startOfDay(in: zone), "\(identifier) \(day)")
            let eight = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 8, minute: 0))
            #expect(rules.instant(of: day, hour: 8, minute: 0) == eight, "\(identifier) \(day) 08:00")
            #expect(LocalDate(rules.startOfDay(day), in: rules) == day)
            day = day.adding(days: 3)
        }
    }

    @Test("the process's zone: TZ as a name, as :name, as a file's path; /etc/localtime without TZ; UTC for an unreadable TZ")
    func localZone() throws {
        #expect(ZoneRules.local(environment: ["TZ": "Asia/Omsk"]).identifier == "Asia/Omsk")
        #expect(ZoneRules.local(environment: ["TZ": ":Europe/Moscow"]).identifier == "Europe/Moscow")
        let byPath = ZoneRules.local(environment: ["TZ": "/usr/share/zoneinfo/Asia/Novosibirsk"])
        let march = Date(timeIntervalSince1970: 1_773_000_000)  // 2026-03-08
        #expect(byPath.secondsFromGMT(for: march) == 7 * 3600)
        #expect(ZoneRules.local(environment: ["TZ": "Nowhere/Land"]) == .utc)
        #expect(ZoneRules.local(environment: ["TZ": "MSK-3"]).secondsFromGMT(for: march) == 3 * 3600)
        let berlin = ZoneRules.local(environment: ["TZ": "CET-1CEST,M3.5.0,M10.5.0/3"])
        #expect(berlin.secondsFromGMT(for: march) == 3600)
        #expect(berlin.secondsFromGMT(for: Date(timeIntervalSince1970: 1_783_000_000)) == 7200)  // July 2026
        let system = ZoneRules.local(environment: [:])
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/etc/localtime"),
           let range = target.range(of: "zoneinfo/") {
            let named = try #require(ZoneRules.named(String(target[range.upperBound...])))
            #expect(system.identifier == named.identifier)
            #expect(system.secondsFromGMT(for: march) == named.secondsFromGMT(for: march))
        }
    }

    @Test("the wall clock at an instant agrees with Foundation's calendar, before 1970 too", arguments: ["Asia/Omsk", "Pacific/Chatham", "America/Havana"])
    func wallClockAgrees(_ identifier: String) throws {
        let rules = try #require(ZoneRules.named(identifier))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: identifier))
        var instant = Date(timeIntervalSince1970: -86_400 * 400 + 17)
        while instant.timeIntervalSince1970 < 2_000_000_000 {
            let clock = rules.wallClock(at: instant)
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
            #expect([clock.date.year, clock.date.month, clock.date.day, clock.hour, clock.minute, clock.second]
                    == [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second], "\(identifier) at \(instant)")
            instant += 11 * 86_400 + 3 * 3600 + 7 * 60 + 13
        }
    }

    @Test("a day whose midnight the clocks skip starts when they land; Novosibirsk's move to +07 in 2016")
    func oddDays() throws {
        let havana = try #require(ZoneRules.named("America/Havana"))
        // 10 March 2019: Cuba moved from 00:00 straight to 01:00 (UTC−4 from UTC−5).
        let day = try #require(LocalDate(year: 2019, month: 3, day: 10))
        #expect(havana.startOfDay(day) == Date(timeIntervalSince1970: 1_552_194_000))  // 05:00 UTC = 01:00 local
        #expect(LocalDate(havana.startOfDay(day) - 1, in: havana) == day.adding(days: -1))
        let novosibirsk = try #require(ZoneRules.named("Asia/Novosibirsk"))
        #expect(novosibirsk.secondsFromGMT(for: Date(timeIntervalSince1970: 1_469_304_000 - 1)) == 21_600)  // 24 July 2016, 02:00 local
        #expect(novosibirsk.secondsFromGMT(for: Date(timeIntervalSince1970: 1_469_304_000)) == 25_200)
    }

    @Test("POSIX footers: fixed offsets, both hemispheres, fractions of an hour, times past 24 h")
    func posixRules() throws {
        let omsk = try #require(PosixRule("<+06>-6"))
        #expect(omsk.standard == 21_600 && omsk.daylight == nil)
        let india = try #require(PosixRule("IST-5:30"))
        #expect(india.offset(atUTC: 0) == 19_800)
        let berlin = try #require(PosixRule("CET-1CEST,M3.5.0,M10.5.0/3"))
        // 2041: summer time from 31 March 01:00 UTC to 27 October 01:00 UTC.
        #expect(berlin.offset(atUTC: 2_248_304_399) == 3600 && berlin.offset(atUTC: 2_248_304_400) == 7200)
        #expect(berlin.offset(atUTC: 2_266_448_399) == 7200 && berlin.offset(atUTC: 2_266_448_400) == 3600)
        let sydney = try #require(PosixRule("AEST-10AEDT,M10.1.0,M4.1.0/3"))
        #expect(sydney.offset(atUTC: 2_240_611_200) == 39_600, "January: summer in the south")
        #expect(sydney.offset(atUTC: 2_256_249_600) == 36_000, "July")
        #expect(PosixRule("<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45") != nil)
        #expect(PosixRule("EST5EDT,M3.2.0,M11.1.0/-1") != nil)
        #expect(PosixRule("XXX3YYY,J60/167,300/-167") != nil)
        for bad in ["", "E5", "EST", "EST5EDT,M13.1.0,M11.1.0", "EST5EDT,M3.2.0", "<+06-6", "EST5EDT,M3.2.0,M11.1.0/168"] {
            #expect(PosixRule(bad) == nil, "\(bad)")
        }
    }

    @Test("only zone names are looked up; a file that is not TZif, or is cut short, is refused")
    func refusals() throws {
        for name in ["../etc/passwd", "Asia/../../etc/passwd", "", "/etc/passwd", "Asia/", "Mars/Olympus", "Asia/Omsk\0x", ".hidden/x"] {
            #expect(ZoneRules.named(name) == nil, "\(name)")
        }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ZoneRules.databaseDirectory + "/Europe/Berlin")))
        #expect(ZoneRules(identifier: "x", tzif: bytes) != nil)
        for cut in [10, 44, 100, bytes.count / 2, bytes.count - 5] {
            #expect(ZoneRules(identifier: "x", tzif: Array(bytes.prefix(cut))) == nil, "cut at \(cut)")
        }
        #expect(ZoneRules(identifier: "x", tzif: Array("not a zone file at all, just text............".utf8)) == nil)
    }
}
