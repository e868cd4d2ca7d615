#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a circulation notice is about.
public enum CirculationNoticeKind: String, Sendable, Codable, CaseIterable {
    /// A unit is held for a family: it may collect it until the pickup deadline.
    case holdReady = "hold-ready"
    /// A family did not collect its held unit in time; the unit went on to the next family.
    case holdExpired = "hold-expired"
    /// A recalled item type is on loan to a family: call it back.
    case recall

    /// The fixed journal `MESSAGE_ID` (see `systemd/rentald.catalog`).
    public var messageID: String {
        switch self {
        case .holdReady: "0fa488a3520845f8885fa34a3b3d8563"
        case .holdExpired: "e95feda63ca54d3cabfd0dbe11715487"
        case .recall: "f2f03a1f43874409a075dd4f76fd7769"
        }
    }

    /// The syslog priority: 5 notice, 4 warning.
    public var priority: Int {
        switch self {
        case .holdReady, .holdExpired: 5
        case .recall: 4
        }
    }
}

/// A notice about a hold or a recall, for the journal (and whoever texts the family). Carries identifiers
/// only: the family's reference, never a name or a phone.
public struct CirculationNotice: Sendable, Hashable, Codable {
    /// Store id (increasing).
    public var id: Int64
    /// What it is about.
    public var kind: CirculationNoticeKind
    /// The reservation (holds).
    public var reservation: Int64?
    /// The loan (recalls).
    public var loan: Int64?
    /// Centre code: the pickup centre of a hold, the issuing centre of a loan.
    public var centre: String
    /// Inventory number.
    public var unit: String
    /// Item type code.
    public var itemType: String
    /// Family reference.
    public var family: String
    /// The last day to collect a held unit (holds).
    public var pickupBy: LocalDate?

    /// Creates a value.
    public init(id: Int64, kind: CirculationNoticeKind, reservation: Int64?, loan: Int64?, centre: String, unit: String,
                itemType: String, family: String, pickupBy: LocalDate?) {
        self.id = id
        self.kind = kind
        self.reservation = reservation
        self.loan = loan
        self.centre = centre
        self.unit = unit
        self.itemType = itemType
        self.family = family
        self.pickupBy = pickupBy
    }

    /// The sentence for the journal's `MESSAGE`.
    public var message: String {
        switch kind {
        case .holdReady:
            "Unit \(unit) (\(itemType)) is held at \(centre) for family \(family) until \(pickupBy?.description ?? "?")"
                + " (reservation \(reservation ?? 0))"
        case .holdExpired:
            "Hold of unit \(unit) (\(itemType)) at \(centre) for family \(family) expired on \(pickupBy?.description ?? "?")"
                + " (reservation \(reservation ?? 0))"
        case .recall:
            "Recalled item type \(itemType): unit \(unit) is on loan \(loan ?? 0) from \(centre) to family \(family)"
        }
    }

    /// The journal fields of the notice.
    public var journalFields: [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [
            ("MESSAGE", message), ("MESSAGE_ID", kind.messageID), ("PRIORITY", "\(kind.priority)"),
            ("RENTAL_NOTICE", kind.rawValue), ("RENTAL_CENTRE", centre), ("RENTAL_UNIT", unit),
            ("RENTAL_ITEM_TYPE", itemType), ("RENTAL_FAMILY", family),
        ]
        if let reservation { fields.append(("RENTAL_RESERVATION", "\(reservation)")) }
        if let loan { fields.append(("RENTAL_LOAN", "\(loan)")) }
        if let pickupBy { fields.append(("RENTAL_PICKUP_BY", pickupBy.description)) }
        return fields
    }
}
