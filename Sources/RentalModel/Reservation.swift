#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where a reservation is in its life.
public enum ReservationState: String, Sendable, Codable, CaseIterable {
    /// In the queue, no unit kept yet.
    case waiting
    /// A unit is kept for the family until ``Reservation/pickupBy``.
    case held
    /// The family took the unit (or another unit of the type) home.
    case fulfilled
    /// The family did not collect the held unit in time.
    case expired
    /// Cancelled by staff, or closed by a recall.
    case cancelled

    /// Whether the reservation is still in play (waiting or held).
    public var isOpen: Bool { self == .waiting || self == .held }
}

/// A family waiting for an item type at a centre (its pickup centre), or a unit held for it there.
public struct Reservation: Sendable, Hashable, Codable {
    /// Store id; also the queue order within a centre and item type.
    public var id: Int64
    /// Family reference.
    public var family: String
    /// Item type code.
    public var itemType: String
    /// Centre code: where the family collects the unit.
    public var centre: String
    /// When it was placed.
    public var placedAt: Date
    /// Position among the waiting families, 1 = next; 0 when not waiting.
    public var position: Int
    /// The state (``ReservationState/waiting`` for values made by older clients).
    public var state: ReservationState
    /// The unit kept for the family, while held (and, once fulfilled or expired, the unit that was).
    public var heldUnit: String?
    /// The last day (in the pickup centre's calendar) to collect the held unit.
    public var pickupBy: LocalDate?
    /// Why the family was passed over the last time a unit came free (a refusal code, e.g.
    /// `family_has_overdue`); it keeps its place in the queue.
    public var skipReason: String?
    /// Why it was closed, when cancelled or expired (`cancelled`, `expired`, `recalled`).
    public var closeReason: String?
    /// While waiting: when a unit may come back, by the due dates of the type's open loans at the centre
    /// (the one at the family's position); nil when there are not that many loans.
    public var expectedBy: LocalDate?
    /// While waiting with no free unit here: a free unit elsewhere that could be sent for it.
    public var proposal: TransferProposal?

    /// Creates a value.
    public init(id: Int64, family: String, itemType: String, centre: String, placedAt: Date, position: Int,
                state: ReservationState = .waiting, heldUnit: String? = nil, pickupBy: LocalDate? = nil,
                skipReason: String? = nil, closeReason: String? = nil, expectedBy: LocalDate? = nil,
                proposal: TransferProposal? = nil) {
        self.id = id
        self.family = family
        self.itemType = itemType
        self.centre = centre
        self.placedAt = placedAt
        self.position = position
        self.state = state
        self.heldUnit = heldUnit
        self.pickupBy = pickupBy
        self.skipReason = skipReason
        self.closeReason = closeReason
        self.expectedBy = expectedBy
        self.proposal = proposal
    }
}

extension Reservation {
    private enum CodingKeys: String, CodingKey {
        case id, family, itemType, centre, placedAt, position, state, heldUnit, pickupBy, skipReason, closeReason,
             expectedBy, proposal
    }

    /// Decodes a reservation; the facts of holds may be left out (a waiting reservation from an older daemon).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(Int64.self, forKey: .id), family: try c.decode(String.self, forKey: .family),
                  itemType: try c.decode(String.self, forKey: .itemType), centre: try c.decode(String.self, forKey: .centre),
                  placedAt: try c.decode(Date.self, forKey: .placedAt), position: try c.decode(Int.self, forKey: .position),
                  state: try c.decodeIfPresent(ReservationState.self, forKey: .state) ?? .waiting,
                  heldUnit: try c.decodeIfPresent(String.self, forKey: .heldUnit),
                  pickupBy: try c.decodeIfPresent(LocalDate.self, forKey: .pickupBy),
                  skipReason: try c.decodeIfPresent(String.self, forKey: .skipReason),
                  closeReason: try c.decodeIfPresent(String.self, forKey: .closeReason),
                  expectedBy: try c.decodeIfPresent(LocalDate.self, forKey: .expectedBy),
                  proposal: try c.decodeIfPresent(TransferProposal.self, forKey: .proposal))
    }
}
