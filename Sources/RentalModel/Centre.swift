#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A social rental point: its own stock, opening days and time zone.
public struct Centre: Sendable, Hashable, Codable {
    /// Stable slug, e.g. `ryabinushka` (lower-case Latin letters, digits and `-`).
    public var code: String
    /// The name people use, e.g. «Рябинушка».
    public var name: String
    /// The region, e.g. «Омская область».
    public var region: String
    /// IANA time zone identifier, e.g. `Asia/Omsk`; "today" and "overdue" are evaluated in it.
    public var timeZone: String
    /// The days of the week the centre is normally open.
    public var openDays: Set<Weekday>
    /// Dated exceptions (holidays, emergency closures), oldest first.
    public var closures: [Closure]

    /// Creates a centre value.
    public init(code: String, name: String, region: String, timeZone: String,
                openDays: Set<Weekday>, closures: [Closure] = []) {
        self.code = code
        self.name = name
        self.region = region
        self.timeZone = timeZone
        self.openDays = openDays
        self.closures = closures
    }

    /// Monday to Friday.
    public static let weekdays: Set<Weekday> = [.monday, .tuesday, .wednesday, .thursday, .friday]

    /// The centre's calendar: which days it is open.
    public var calendar: CentreCalendar {
        CentreCalendar(openDays: openDays, closures: closures)
    }

    /// Encodes the centre; its open days in the order of the week (a set has none), so that the same centre
    /// always gives the same bytes.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(name, forKey: .name)
        try container.encode(region, forKey: .region)
        try container.encode(timeZone, forKey: .timeZone)
        try container.encode(Weekday.inWeekOrder(openDays), forKey: .openDays)
        try container.encode(closures, forKey: .closures)
    }
}

/// A run of days on which a centre is closed although its weekly schedule says open.
public struct Closure: Sendable, Hashable, Codable {
    /// Why the centre is closed.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A public holiday.
        case holiday
        /// An unplanned closure (heating failure, quarantine, …).
        case emergency
        /// Anything else (inventory day, staff training).
        case other
    }

    /// Store id.
    public var id: Int64
    /// First closed day.
    public var firstDay: LocalDate
    /// Last closed day (same as `firstDay` for one day).
    public var lastDay: LocalDate
    /// Why.
    public var kind: Kind
    /// A short note for staff.
    public var note: String

    /// Creates a closure value.
    public init(id: Int64, firstDay: LocalDate, lastDay: LocalDate, kind: Kind, note: String) {
        self.id = id
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.kind = kind
        self.note = note
    }

    /// Whether `date` falls within the closure.
    public func contains(_ date: LocalDate) -> Bool {
        firstDay <= date && date <= lastDay
    }
}

/// What is needed to create a centre.
public struct NewCentre: Sendable, Hashable, Codable {
    /// See ``Centre/code``.
    public var code: String
    /// See ``Centre/name``.
    public var name: String
    /// See ``Centre/region``.
    public var region: String
    /// See ``Centre/timeZone``.
    public var timeZone: String
    /// See ``Centre/openDays``.
    public var openDays: Set<Weekday>

    /// Creates the description of a new centre (open Monday to Friday unless told otherwise).
    public init(code: String, name: String, region: String, timeZone: String,
                openDays: Set<Weekday> = Centre.weekdays) {
        self.code = code
        self.name = name
        self.region = region
        self.timeZone = timeZone
        self.openDays = openDays
    }
}

extension NewCentre {
    private enum CodingKeys: String, CodingKey { case code, name, region, timeZone, openDays }

    /// Decodes a new centre; `region` ("") and `openDays` (Monday to Friday) may be left out.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(code: try c.decode(String.self, forKey: .code), name: try c.decode(String.self, forKey: .name),
                  region: try c.decodeIfPresent(String.self, forKey: .region) ?? "",
                  timeZone: try c.decode(String.self, forKey: .timeZone),
                  openDays: try c.decodeIfPresent(Set<Weekday>.self, forKey: .openDays) ?? Centre.weekdays)
    }

    /// Encodes a new centre, its open days in the order of the week.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(name, forKey: .name)
        try c.encode(region, forKey: .region)
        try c.encode(timeZone, forKey: .timeZone)
        try c.encode(Weekday.inWeekOrder(openDays), forKey: .openDays)
    }
}
