#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where a loan stands.
public enum LoanState: String, Sendable, Codable, CaseIterable {
    /// The family has the unit.
    case open
    /// The unit came back.
    case returned
    /// The unit was written off as lost.
    case lost
}

/// A unit lent to a family.
public struct Loan: Sendable, Hashable, Codable {
    /// Store id.
    public var id: Int64
    /// The unit's inventory number.
    public var inventoryNumber: String
    /// The unit's item type code.
    public var itemType: String
    /// The borrowing family's reference number.
    public var family: String
    /// The issuing centre's code.
    public var centre: String
    /// Who issued it (audit name).
    public var issuedBy: String
    /// When it was issued.
    public var issuedAt: Date
    /// The issue date in the centre's zone.
    public var issuedOn: LocalDate
    /// Whether the checkout was recorded after the fact with an earlier issue time.
    public var backdated: Bool
    /// The due date in the centre's zone.
    public var dueDate: LocalDate
    /// How many times it was renewed.
    public var renewals: Int
    /// Open, returned or lost.
    public var state: LoanState
    /// When it was returned or declared lost.
    public var closedAt: Date?
    /// Who closed it.
    public var closedBy: String?
    /// The centre it was returned to.
    public var returnedTo: String?
    /// The unit's condition on return.
    public var returnCondition: Condition?
    /// A note made on return.
    public var returnNote: String?

    /// Days past the due date on `today` (a local date in the centre's zone); 0 when not overdue or closed.
    public func daysOverdue(on today: LocalDate) -> Int {
        state == .open ? max(0, dueDate.days(until: today)) : 0
    }

    /// Whether the loan is open and `today` (in the centre's zone) is after the due date.
    public func isOverdue(on today: LocalDate) -> Bool {
        daysOverdue(on: today) > 0
    }

    /// Creates a value.
    public init(id: Int64, inventoryNumber: String, itemType: String, family: String, centre: String, issuedBy: String, issuedAt: Date, issuedOn: LocalDate, backdated: Bool, dueDate: LocalDate, renewals: Int, state: LoanState, closedAt: Date?, closedBy: String?, returnedTo: String?, returnCondition: Condition?, returnNote: String?) {
        self.id = id
        self.inventoryNumber = inventoryNumber
        self.itemType = itemType
        self.family = family
        self.centre = centre
        self.issuedBy = issuedBy
        self.issuedAt = issuedAt
        self.issuedOn = issuedOn
        self.backdated = backdated
        self.dueDate = dueDate
        self.renewals = renewals
        self.state = state
        self.closedAt = closedAt
        self.closedBy = closedBy
        self.returnedTo = returnedTo
        self.returnCondition = returnCondition
        self.returnNote = returnNote
    }
}

/// The outcome of a return: the closed loan and where the unit goes next.
public struct ReturnReceipt: Sendable, Hashable, Codable {
    /// The loan, now returned.
    public var loan: Loan
    /// The unit's new status: available, held (for a waiting family), in transit (sent home), sanitising
    /// or in repair.
    public var unitStatus: UnitStatus
    /// Whether the loan was returned after its due date.
    public var wasOverdue: Bool
    /// The reservation the unit is now held for, when a family waited for it at this centre.
    public var heldFor: Int64?
    /// The last day for that family to collect it.
    public var pickupBy: LocalDate?
    /// When returned away from the unit's home centre: the rule that decided where it goes.
    public var returnElsewhere: ReturnElsewhere?
    /// The centre the unit was sent to (its home), when the rule sent it there.
    public var sentTo: String?

    /// Creates a value.
    public init(loan: Loan, unitStatus: UnitStatus, wasOverdue: Bool, heldFor: Int64? = nil, pickupBy: LocalDate? = nil,
                returnElsewhere: ReturnElsewhere? = nil, sentTo: String? = nil) {
        self.loan = loan
        self.unitStatus = unitStatus
        self.wasOverdue = wasOverdue
        self.heldFor = heldFor
        self.pickupBy = pickupBy
        self.returnElsewhere = returnElsewhere
        self.sentTo = sentTo
    }
}

/// Which loans to list.
public struct LoanFilter: Sendable, Hashable, Codable {
    /// Only loans issued at this centre.
    public var centre: String?
    /// Only this family's loans.
    public var family: String?
    /// Only open loans (default) — false lists closed ones too.
    public var openOnly: Bool
    /// Only loans overdue now, each in its centre's zone.
    public var overdueOnly: Bool
    /// Only loans due before this date.
    public var dueBefore: LocalDate?
    /// Only loans with an id greater than this (pagination cursor).
    public var afterID: Int64?
    /// At most this many (1…1000).
    public var limit: Int

    /// Creates a filter.
    public init(centre: String? = nil, family: String? = nil, openOnly: Bool = true, overdueOnly: Bool = false,
                dueBefore: LocalDate? = nil, afterID: Int64? = nil, limit: Int = 100) {
        self.centre = centre
        self.family = family
        self.openOnly = openOnly
        self.overdueOnly = overdueOnly
        self.dueBefore = dueBefore
        self.afterID = afterID
        self.limit = limit
    }
}
