#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How long a family's personal data is kept after its last activity, e.g. `3y`, `18m` or `400d`.
public struct RetentionPeriod: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Whole months (years are 12 months).
    public var months: Int
    /// Days added to the months.
    public var days: Int

    /// Creates a period.
    public init(months: Int = 0, days: Int = 0) {
        self.months = months
        self.days = days
    }

    /// Parses `Ny` (years), `Nm` (months) or `Nd` (days), N from 1 to 100 years' worth; nil otherwise.
    public init?(_ text: String) {
        let text = text.filter { $0 != " " }.lowercased()
        guard let unit = text.last, let number = Int(text.dropLast()), number > 0 else { return nil }
        switch unit {
        case "y" where number <= 100: self.init(months: number * 12)
        case "m" where number <= 1200: self.init(months: number)
        case "d" where number <= 36_500: self.init(days: number)
        default: return nil
        }
    }

    /// The first day that is still inside the period that ends on `date`: `date` minus the period.
    public func start(before date: LocalDate) -> LocalDate {
        date.adding(months: -months).adding(days: -days)
    }

    /// `3y`, `18m` or `400d` (as parsed).
    public var description: String {
        if days > 0 { return "\(days + months * 30)d" }
        return months % 12 == 0 ? "\(months / 12)y" : "\(months)m"
    }

    /// Three years: the default.
    public static let threeYears = RetentionPeriod(months: 36)
}

/// The outcome of an anonymisation run: how many families, never who.
public struct AnonymisationResult: Sendable, Hashable, Codable {
    /// Families anonymised (or, in a dry run, that would be).
    public var families: Int
    /// Whether this was a dry run.
    public var dryRun: Bool
    /// The last activity allowed: families with activity on or after this day are kept.
    public var inactiveBefore: LocalDate

    /// Creates a result.
    public init(families: Int, dryRun: Bool, inactiveBefore: LocalDate) {
        self.families = families
        self.dryRun = dryRun
        self.inactiveBefore = inactiveBefore
    }
}

/// What erasing a family on request did.
public struct ErasureResult: Sendable, Hashable, Codable {
    /// The reference the family had (it is replaced by an opaque one; the loans stay, for the figures).
    public var reference: String
    /// Loans kept, without personal data, for the figures.
    public var loansKept: Int

    /// Creates a result.
    public init(reference: String, loansKept: Int) {
        self.reference = reference
        self.loansKept = loansKept
    }
}

/// Everything the store holds about one family (subject access under 152-FZ).
public struct FamilyRecord: Sendable, Hashable, Codable {
    /// The family with its contact details and children.
    public var family: Family
    /// Every loan, oldest first.
    public var loans: [Loan]
    /// Every reservation, oldest first.
    public var reservations: [FamilyReservation]
    /// Audit events about the family (registration, changes, status).
    public var events: [AuditEvent]

    /// Creates a record.
    public init(family: Family, loans: [Loan], reservations: [FamilyReservation], events: [AuditEvent]) {
        self.family = family
        self.loans = loans
        self.reservations = reservations
        self.events = events
    }
}

/// A reservation as the family's record shows it.
public struct FamilyReservation: Sendable, Hashable, Codable {
    /// Reservation id.
    public var id: Int64
    /// Item type code.
    public var itemType: String
    /// Centre code.
    public var centre: String
    /// When it was placed.
    public var placedAt: Date
    /// `waiting`, `held`, `fulfilled`, `expired` or `cancelled`.
    public var state: String

    /// Creates a reservation line.
    public init(id: Int64, itemType: String, centre: String, placedAt: Date, state: String) {
        self.id = id
        self.itemType = itemType
        self.centre = centre
        self.placedAt = placedAt
        self.state = state
    }
}
