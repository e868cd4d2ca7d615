#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A time of day, `HH:MM`, in some centre's zone.
public struct LocalTime: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 0–23.
    public var hour: Int
    /// 0–59.
    public var minute: Int

    /// Creates a time (not checked).
    public init(hour: Int, minute: Int) {
        self.hour = hour
        self.minute = minute
    }

    /// Parses `HH:MM` (00:00–23:59).
    public init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let h = Int(parts[0]), let m = Int(parts[1]),
              (0...23).contains(h), (0...59).contains(m) else { return nil }
        self.init(hour: h, minute: m)
    }

    /// `HH:MM`.
    public var description: String { PlainText.padded(hour, width: 2) + ":" + PlainText.padded(minute, width: 2) }
}

extension LocalTime {
    /// Whether this time of day, in `zone`, fell in the interval (start, end] — for scheduling a job at a
    /// local time in each centre's own zone.
    public func occurred(in zone: ZoneRules, after start: Date, upTo end: Date) -> Bool {
        var day = LocalDate(start, in: zone)
        let last = LocalDate(end, in: zone)
        while day <= last {
            let instant = zone.instant(of: day, hour: hour, minute: minute)
            if instant > start, instant <= end { return true }
            day = day.adding(days: 1)
        }
        return false
    }

    /// Whether this time of day, in `zone`, fell in the interval (start, end] (Foundation's time zones).
    public func occurred(in zone: TimeZone, after start: Date, upTo end: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var day = LocalDate(start, in: zone)
        let last = LocalDate(end, in: zone)
        while day <= last {
            let components = DateComponents(year: day.year, month: day.month, day: day.day, hour: hour, minute: minute)
            if let instant = calendar.date(from: components), instant > start, instant <= end { return true }
            day = day.adding(days: 1)
        }
        return false
    }
}
