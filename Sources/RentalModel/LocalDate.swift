#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A calendar date with no time of day and no time zone: a due date, a birth date, a closure day.
///
/// Due dates are *local* dates in the issuing centre's zone, so they are kept as plain
/// year-month-day values and written as ISO 8601 `YYYY-MM-DD` text, both in SQLite and on the wire.
/// Arithmetic is done on the proleptic Gregorian calendar.
public struct LocalDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The year, 1…9999.
    public let year: Int
    /// The month, 1…12.
    public let month: Int
    /// The day of the month, 1…31 (valid for the month).
    public let day: Int

    /// Creates a date, or returns nil when the parts do not name a real day (2026-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...LocalDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` exactly; returns nil for anything else, including impossible days.
    public init?(_ text: String) {
        var text = text
        guard let date = text.withUTF8({ LocalDate(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = date
    }

    /// Parses `YYYY-MM-DD` from UTF-8 bytes (a column read in place), as ``init(_:)`` does.
    public init?(utf8 text: UnsafeRawBufferPointer) {
        // YYYY-MM-DD, ASCII digits only, read byte by byte (dates are parsed for every row listed).
        var fields = (0, 0, 0)
        var count = 0
        for byte in text {
            count += 1
            switch (count, byte) {
            case (5, UInt8(ascii: "-")), (8, UInt8(ascii: "-")):
                continue
            case (1...4, UInt8(ascii: "0")...UInt8(ascii: "9")):
                fields.0 = fields.0 * 10 + Int(byte - UInt8(ascii: "0"))
            case (6...7, UInt8(ascii: "0")...UInt8(ascii: "9")):
                fields.1 = fields.1 * 10 + Int(byte - UInt8(ascii: "0"))
            case (9...10, UInt8(ascii: "0")...UInt8(ascii: "9")):
                fields.2 = fields.2 * 10 + Int(byte - UInt8(ascii: "0"))
            default:
                return nil
            }
        }
        guard count == 10 else { return nil }
        self.init(year: fields.0, month: fields.1, day: fields.2)
    }

    /// The local date of an instant in a time zone.
    public init(_ instant: Date, in zone: TimeZone) {
        // The local wall-clock time is the instant shifted by the zone's offset at that instant; its date
        // is the day it falls in (a Calendar gives the same answer at several times the cost).
        let local = (instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))).rounded(.down)
        self.init(serialDay: Int((local / 86_400).rounded(.down)))
    }

    /// The date of an instant in a zone of the system's tz database (``ZoneRules``).
    public init(_ instant: Date, in zone: ZoneRules) {
        let local = (instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))).rounded(.down)
        self.init(serialDay: Int((local / 86_400).rounded(.down)))
    }

    private init(uncheckedYear year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        guard (0...9999).contains(year) else {
            return PlainText.padded(year, width: 4) + "-" + PlainText.padded(month, width: 2) + "-" + PlainText.padded(day, width: 2)
        }
        // Written in place: dates are bound into most queries, and three padded strings joined cost more
        // than the rest of a page's set-up of the overdue listing.
        return String(unsafeUninitializedCapacity: 10) { buffer in
            guard let out = buffer.baseAddress else { return 0 }
            JSONBytes.put(self, at: out)
            return 10
        }
    }

    /// The day of the week.
    public var weekday: Weekday {
        // Day 0 of the serial numbering below (1970-01-01) was a Thursday.
        let index = ((serialDay % 7) + 7 + 3) % 7  // 0 = Monday
        return Weekday.allCases[index]
    }

    /// This date plus a number of days (negative moves back).
    public func adding(days: Int) -> LocalDate {
        LocalDate(serialDay: serialDay + days)
    }

    /// This date plus a number of months; a day past the end of the target month is clamped to its
    /// last day (31 January + 1 month = 28 or 29 February), as in Koha and Evergreen.
    public func adding(months: Int) -> LocalDate {
        let zeroBased = year * 12 + (month - 1) + months
        let y = zeroBased / 12
        let m = zeroBased % 12 + 1
        return LocalDate(uncheckedYear: y, month: m, day: min(day, LocalDate.daysIn(month: m, year: y)))
    }

    /// Whole days from this date to another (positive when `other` is later).
    public func days(until other: LocalDate) -> Int {
        other.serialDay - serialDay
    }

    /// Whole months completed from this date to `other` (a child's age in months).
    public func wholeMonths(until other: LocalDate) -> Int {
        var months = (other.year - year) * 12 + (other.month - month)
        // The last day of a short month completes a month begun on a later day number.
        if other.day < day, other.day < LocalDate.daysIn(month: other.month, year: other.year) {
            months -= 1
        }
        return months
    }

    /// The start of this day in a zone of the system's tz database, as an instant.
    public func startOfDay(in zone: ZoneRules) -> Date {
        zone.startOfDay(self)
    }

    /// The start of this day in a time zone, as an instant.
    public func startOfDay(in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: year, month: month, day: day)
        return calendar.date(from: components).map { calendar.startOfDay(for: $0) } ?? Date(timeIntervalSince1970: 0)
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Decodes from `YYYY-MM-DD` text.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a date as YYYY-MM-DD")
        }
        self = date
    }

    /// Encodes as `YYYY-MM-DD` text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    package var serialDay: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    package init(serialDay z0: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(uncheckedYear: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }
}

/// A day of the week, Monday first (ISO 8601).
public enum Weekday: String, CaseIterable, Sendable, Codable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// `days` from Monday to Sunday.
    public static func inWeekOrder(_ days: Set<Weekday>) -> [Weekday] {
        allCases.filter(days.contains)
    }

    /// ISO number: Monday = 1 … Sunday = 7.
    public var isoNumber: Int { (Weekday.allCases.firstIndex(of: self) ?? 0) + 1 }
}
