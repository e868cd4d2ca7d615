/// What `RentalStore.seedDemoData(by:)` created.
public struct DemoSummary: Sendable, Hashable, Codable {
    /// Centres created.
    public var centres: Int
    /// Units created.
    public var units: Int
    /// Families created.
    public var families: Int
    /// Loans open after seeding.
    public var openLoans: Int

    /// Creates a value.
    public init(centres: Int, units: Int, families: Int, openLoans: Int) {
        self.centres = centres
        self.units = units
        self.families = families
        self.openLoans = openLoans
    }
}
