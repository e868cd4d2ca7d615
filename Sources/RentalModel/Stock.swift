/// Units of one item type at one centre, counted by status.
public struct StockLine: Sendable, Hashable, Codable {
    /// Centre code (the unit's current centre).
    public var centre: String
    /// Item type code.
    public var itemType: String
    /// Count per status; statuses with no unit are absent.
    public var counts: [UnitStatus: Int]

    /// All units counted, whatever their status.
    public var total: Int { counts.values.reduce(0, +) }

    /// Units of one status.
    public func count(_ status: UnitStatus) -> Int { counts[status] ?? 0 }

    /// Creates a value.
    public init(centre: String, itemType: String, counts: [UnitStatus: Int]) {
        self.centre = centre
        self.itemType = itemType
        self.counts = counts
    }
}

/// "Is there a free cot at my centre, and if not, where?"
public struct Availability: Sendable, Hashable, Codable {
    /// Item type code.
    public var itemType: String
    /// The centre asked about, if any.
    public var centre: String?
    /// Units available at that centre (0 when no centre was asked about).
    public var here: Int
    /// Available units per centre code, for every centre that has some.
    public var byCentre: [String: Int]

    /// Creates a value.
    public init(itemType: String, centre: String?, here: Int, byCentre: [String: Int]) {
        self.itemType = itemType
        self.centre = centre
        self.here = here
        self.byCentre = byCentre
    }
}
