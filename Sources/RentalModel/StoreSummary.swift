/// Counts for a status line: what `systemctl status rentald` shows.
public struct StoreSummary: Sendable, Hashable, Codable {
    /// Centres.
    public var centres: Int
    /// Units not retired.
    public var units: Int
    /// Families.
    public var families: Int
    /// Open loans.
    public var openLoans: Int
    /// Open loans overdue now, each in its centre's zone.
    public var overdueLoans: Int

    /// Creates a value.
    public init(centres: Int, units: Int, families: Int, openLoans: Int, overdueLoans: Int) {
        self.centres = centres
        self.units = units
        self.families = families
        self.openLoans = openLoans
        self.overdueLoans = overdueLoans
    }
}
