#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A family waiting for an item type at a centre.
public struct Reservation: Sendable, Hashable, Codable {
    /// Store id; also the queue order within a centre and item type.
    public var id: Int64
    /// Family reference.
    public var family: String
    /// Item type code.
    public var itemType: String
    /// Centre code.
    public var centre: String
    /// When it was placed.
    public var placedAt: Date
    /// Position in the queue, 1 = next.
    public var position: Int

    /// Creates a value.
    public init(id: Int64, family: String, itemType: String, centre: String, placedAt: Date, position: Int) {
        self.id = id
        self.family = family
        self.itemType = itemType
        self.centre = centre
        self.placedAt = placedAt
        self.position = position
    }
}
