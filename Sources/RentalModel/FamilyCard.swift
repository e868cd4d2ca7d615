#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the desk needs about one family on one screen: who they are, their children's ages, their loans,
/// holds and waiting lists, and what they may take today at one centre — and why not.
public struct FamilyCard: Sendable, Hashable, Codable {
    /// The family as stored.
    public var family: Family
    /// The centre the card is for: eligibility is judged there, on its local date.
    public var centre: String
    /// Today in that centre's zone.
    public var today: LocalDate
    /// Each child with its age in whole months today (none for a child still expected).
    public var children: [ChildAge]
    /// Open loans, soonest due first, each with how many days it is overdue in its own centre's zone.
    public var openLoans: [CardLoan]
    /// Units held for the family, ready to collect.
    public var holds: [Reservation]
    /// Places in waiting lists.
    public var waiting: [Reservation]
    /// For each item type of the catalogue: may the family take one here today, under which rule, and if
    /// not, the refusal's code and reason.
    public var eligibility: [Eligibility]

    /// Creates a value.
    public init(family: Family, centre: String, today: LocalDate, children: [ChildAge], openLoans: [CardLoan],
                holds: [Reservation], waiting: [Reservation], eligibility: [Eligibility]) {
        self.family = family
        self.centre = centre
        self.today = today
        self.children = children
        self.openLoans = openLoans
        self.holds = holds
        self.waiting = waiting
        self.eligibility = eligibility
    }
}

/// A child with its age.
public struct ChildAge: Sendable, Hashable, Codable {
    /// Birth date (or expected date).
    public var birthDate: LocalDate
    /// Whether the child is still expected.
    public var expected: Bool
    /// Whole months since birth on the card's day; absent while expected.
    public var ageMonths: Int?

    /// The child's age on `day`.
    public init(_ child: Child, on day: LocalDate) {
        birthDate = child.birthDate
        expected = child.expected
        guard !child.expected, child.birthDate <= day else { return }
        ageMonths = (day.year - child.birthDate.year) * 12 + day.month - child.birthDate.month - (day.day < child.birthDate.day ? 1 : 0)
    }
}

/// An open loan on the card.
public struct CardLoan: Sendable, Hashable, Codable {
    /// The loan.
    public var loan: Loan
    /// Days past its due date in its centre's zone; 0 when not overdue.
    public var daysOverdue: Int

    /// Creates a value.
    public init(loan: Loan, daysOverdue: Int) {
        self.loan = loan
        self.daysOverdue = daysOverdue
    }
}

/// Whether a family may borrow an item type at a centre today.
public struct Eligibility: Sendable, Hashable, Codable {
    /// Item type code.
    public var itemType: String
    /// Its category.
    public var category: Category
    /// Whether a checkout would pass the family's checks (a free unit is another matter).
    public var allowed: Bool
    /// The loan rule that applies, when one does.
    public var rule: Int64?
    /// The refusal's stable code, when not allowed (`family_has_overdue`, `no_eligible_child`, …).
    public var refusal: String?
    /// The refusal's reason, when not allowed.
    public var reason: String?

    /// Creates a value.
    public init(itemType: String, category: Category, allowed: Bool, rule: Int64? = nil, refusal: String? = nil, reason: String? = nil) {
        self.itemType = itemType
        self.category = category
        self.allowed = allowed
        self.rule = rule
        self.refusal = refusal
        self.reason = reason
    }
}
