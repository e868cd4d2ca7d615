#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where a physical unit is in its life. Changes only through store operations that check the move.
public enum UnitStatus: String, Sendable, Codable, CaseIterable, CodingKeyRepresentable {
    /// On the shelf, can be lent.
    case available
    /// Lent to a family.
    case onLoan = "on_loan"
    /// Kept for a family on the waiting list.
    case held
    /// Travelling between centres.
    case inTransit = "in_transit"
    /// Returned, waiting to be cleaned before the next loan.
    case sanitising
    /// Broken, being repaired.
    case inRepair = "in_repair"
    /// Not returned and written off as lost.
    case lost
    /// Taken out of service for good.
    case retired
}

/// The state a unit is in.
public enum Condition: String, Sendable, Codable, CaseIterable {
    /// Never used.
    case new
    /// Works, no visible wear.
    case good
    /// Works, visibly used.
    case fair
    /// Needs repair.
    case damaged
}

/// One physical thing with an inventory number.
public struct RentalUnit: Sendable, Hashable, Codable {
    /// Unique, printable inventory number, e.g. `ОМ-0001` or `KET-0042`.
    public var inventoryNumber: String
    /// Item type code.
    public var itemType: String
    /// The centre that owns the unit.
    public var homeCentre: String
    /// The centre where the unit is (or was last, when on loan or in transit).
    public var currentCentre: String
    /// Where it is going, while ``UnitStatus/inTransit``.
    public var transitTo: String?
    /// Status.
    public var status: UnitStatus
    /// Condition.
    public var condition: Condition
    /// When it was acquired.
    public var acquiredOn: LocalDate?
    /// What it cost, in kopecks (minor units of the currency).
    public var costMinor: Int?
    /// Who paid for it (a grant, a donor, the regional budget).
    public var fundingSource: String?
    /// The last electrical safety check.
    public var lastSafetyCheck: LocalDate?
    /// A free note for staff.
    public var note: String?

    /// Creates a unit value.
    public init(inventoryNumber: String, itemType: String, homeCentre: String, currentCentre: String,
                transitTo: String? = nil, status: UnitStatus, condition: Condition,
                acquiredOn: LocalDate? = nil, costMinor: Int? = nil, fundingSource: String? = nil,
                lastSafetyCheck: LocalDate? = nil, note: String? = nil) {
        self.inventoryNumber = inventoryNumber
        self.itemType = itemType
        self.homeCentre = homeCentre
        self.currentCentre = currentCentre
        self.transitTo = transitTo
        self.status = status
        self.condition = condition
        self.acquiredOn = acquiredOn
        self.costMinor = costMinor
        self.fundingSource = fundingSource
        self.lastSafetyCheck = lastSafetyCheck
        self.note = note
    }
}

/// What is needed to register a new unit; it starts ``UnitStatus/available`` at its home centre.
public struct NewUnit: Sendable, Hashable, Codable {
    /// See ``RentalUnit/inventoryNumber``.
    public var inventoryNumber: String
    /// Item type code.
    public var itemType: String
    /// Home centre code.
    public var centre: String
    /// See ``RentalUnit/condition``.
    public var condition: Condition
    /// See ``RentalUnit/acquiredOn``.
    public var acquiredOn: LocalDate?
    /// See ``RentalUnit/costMinor``.
    public var costMinor: Int?
    /// See ``RentalUnit/fundingSource``.
    public var fundingSource: String?
    /// See ``RentalUnit/lastSafetyCheck``.
    public var lastSafetyCheck: LocalDate?

    /// Creates the description of a new unit.
    public init(inventoryNumber: String, itemType: String, centre: String, condition: Condition = .new,
                acquiredOn: LocalDate? = nil, costMinor: Int? = nil, fundingSource: String? = nil,
                lastSafetyCheck: LocalDate? = nil) {
        self.inventoryNumber = inventoryNumber
        self.itemType = itemType
        self.centre = centre
        self.condition = condition
        self.acquiredOn = acquiredOn
        self.costMinor = costMinor
        self.fundingSource = fundingSource
        self.lastSafetyCheck = lastSafetyCheck
    }
}

extension NewUnit {
    private enum CodingKeys: String, CodingKey {
        case inventoryNumber, itemType, centre, condition, acquiredOn, costMinor, fundingSource, lastSafetyCheck
    }

    /// Decodes a new unit; `condition` (new) and the optional facts may be left out.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(inventoryNumber: try c.decode(String.self, forKey: .inventoryNumber),
                  itemType: try c.decode(String.self, forKey: .itemType), centre: try c.decode(String.self, forKey: .centre),
                  condition: try c.decodeIfPresent(Condition.self, forKey: .condition) ?? .new,
                  acquiredOn: try c.decodeIfPresent(LocalDate.self, forKey: .acquiredOn),
                  costMinor: try c.decodeIfPresent(Int.self, forKey: .costMinor),
                  fundingSource: try c.decodeIfPresent(String.self, forKey: .fundingSource),
                  lastSafetyCheck: try c.decodeIfPresent(LocalDate.self, forKey: .lastSafetyCheck))
    }
}
