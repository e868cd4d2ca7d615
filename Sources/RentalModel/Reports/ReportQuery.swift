/// The reports RentalKit computes. `summary` holds every section; each other name holds one.
public enum ReportName: String, Sendable, Codable, CaseIterable {
    /// The headline figures: every section below.
    case summary
    /// Families served, their children, new families.
    case families
    /// Loans started, returned, renewed and lost, by centre × item type and by month.
    case loans
    /// Unit-days on loan out of unit-days in service, by centre × item type.
    case utilisation
    /// Loans that became overdue, late returns, open overdue loans now.
    case overdue
    /// Reservations and the queues of unmet demand.
    case waiting
    /// Units by status and condition, units never lent, units lost or retired in the period.
    case stock
    /// The most borrowed item types.
    case popular
}

/// What a report covers: a period of local dates (each centre's own zone, both days included) and
/// optionally one centre, one category or one item type.
public struct ReportQuery: Sendable, Hashable, Codable {
    /// First day of the period.
    public var from: LocalDate
    /// Last day of the period (included).
    public var to: LocalDate
    /// Only this centre (code).
    public var centre: String?
    /// Only item types of this category.
    public var category: Category?
    /// Only this item type (code).
    public var itemType: String?

    /// Creates a query.
    public init(from: LocalDate, to: LocalDate, centre: String? = nil, category: Category? = nil, itemType: String? = nil) {
        self.from = from
        self.to = to
        self.centre = centre
        self.category = category
        self.itemType = itemType
    }
}
