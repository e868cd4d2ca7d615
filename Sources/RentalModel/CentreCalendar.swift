/// Which days a centre is open: its weekly schedule minus its dated closures.
public struct CentreCalendar: Sendable, Hashable {
    /// Days of the week normally open.
    public var openDays: Set<Weekday>
    /// Dated closures.
    public var closures: [Closure]

    /// How far ahead ``nextOpenDay(onOrAfter:)`` looks before giving up.
    public static let searchHorizonDays = 366

    /// Creates a calendar.
    public init(openDays: Set<Weekday>, closures: [Closure]) {
        self.openDays = openDays
        self.closures = closures
    }

    /// Whether the centre is open on `date`.
    public func isOpen(_ date: LocalDate) -> Bool {
        openDays.contains(date.weekday) && !closures.contains { $0.contains(date) }
    }

    /// The first open day on or after `date`.
    /// - Throws: ``RentalError/Code/centreNeverOpen`` when no day within a year is open.
    public func nextOpenDay(onOrAfter date: LocalDate) throws(RentalError) -> LocalDate {
        var day = date
        for _ in 0...Self.searchHorizonDays {
            if isOpen(day) { return day }
            day = day.adding(days: 1)
        }
        throw RentalError(.centreNeverOpen, "no open day within \(Self.searchHorizonDays) days of \(date)")
    }

    /// The due date of a loan issued on `issueDate` for `period`: the issue date plus the period,
    /// moved forward to the next open day.
    public func dueDate(issuedOn issueDate: LocalDate, period: LoanPeriod) throws(RentalError) -> LocalDate {
        try nextOpenDay(onOrAfter: period.added(to: issueDate))
    }

    /// Open days strictly after `start` up to and including `end` (for counting overdue days in open
    /// days only).
    public func openDays(after start: LocalDate, through end: LocalDate) -> Int {
        guard start < end else { return 0 }
        var count = 0
        var day = start.adding(days: 1)
        while day <= end {
            if isOpen(day) { count += 1 }
            day = day.adding(days: 1)
        }
        return count
    }
}

extension CentreCalendar {
    /// The `count`-th open day strictly after `date` (the last day of a hold of `count` open days placed
    /// on `date`); `count` 0 gives `date` itself.
    /// - Throws: ``RentalError/Code/centreNeverOpen`` when the days run out within the search horizon.
    public func openDay(_ count: Int, after date: LocalDate) throws(RentalError) -> LocalDate {
        guard count > 0 else { return date }
        var day = date
        var found = 0
        var looked = 0
        while found < count {
            day = day.adding(days: 1)
            looked += 1
            if isOpen(day) {
                found += 1
                looked = 0
            } else if looked > Self.searchHorizonDays {
                throw RentalError(.centreNeverOpen, "no open day within \(Self.searchHorizonDays) days of \(day)")
            }
        }
        return day
    }
}
