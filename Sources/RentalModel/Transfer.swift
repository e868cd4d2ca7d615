#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A unit on its way between centres.
public struct Transfer: Sendable, Hashable, Codable {
    /// Inventory number.
    public var unit: String
    /// Item type code.
    public var itemType: String
    /// The centre it left.
    public var from: String
    /// The centre it goes to.
    public var to: String
    /// Who sent it (nil for units sent before transfers were recorded).
    public var sentBy: String?
    /// When it was sent.
    public var sentAt: Date?
    /// The reservation it travels for: on receipt it is held for that family.
    public var reservation: Int64?
    /// Whole days on the way, by the destination's calendar days (0 on the day it was sent).
    public var daysOnTheWay: Int?

    /// Creates a value.
    public init(unit: String, itemType: String, from: String, to: String, sentBy: String?, sentAt: Date?,
                reservation: Int64?, daysOnTheWay: Int?) {
        self.unit = unit
        self.itemType = itemType
        self.from = from
        self.to = to
        self.sentBy = sentBy
        self.sentAt = sentAt
        self.reservation = reservation
        self.daysOnTheWay = daysOnTheWay
    }
}

/// A free unit at one centre that could go to a family waiting at another.
public struct TransferProposal: Sendable, Hashable, Codable {
    /// The waiting reservation.
    public var reservation: Int64
    /// Item type code.
    public var itemType: String
    /// Where the unit stands now (staff there send it).
    public var from: String
    /// The reservation's pickup centre.
    public var to: String
    /// The free unit.
    public var unit: String

    /// Creates a value.
    public init(reservation: Int64, itemType: String, from: String, to: String, unit: String) {
        self.reservation = reservation
        self.itemType = itemType
        self.from = from
        self.to = to
        self.unit = unit
    }
}

/// The outcome of receiving a unit: where it is now, and the reservation it is held for, if any.
public struct TransferReceipt: Sendable, Hashable, Codable {
    /// The unit, now at the destination (available or held).
    public var unit: RentalUnit
    /// The reservation now holding it.
    public var heldFor: Reservation?

    /// Creates a value.
    public init(unit: RentalUnit, heldFor: Reservation?) {
        self.unit = unit
        self.heldFor = heldFor
    }
}

/// What a unit returned at a centre other than its home does (a rule of the whole service).
public enum ReturnElsewhere: String, Sendable, Codable, CaseIterable {
    /// It stays where it was returned and joins that centre's stock.
    case floating
    /// It is sent back to its home centre (unless a family waits for it where it was returned).
    case sendHome = "send-home"
}

/// What a recall did.
public struct RecallReport: Sendable, Hashable, Codable {
    /// The recalled item type.
    public var itemType: ItemType
    /// Free units taken out of circulation (available, sanitising, in repair, in transit), by inventory number.
    public var withdrawnUnits: [String]
    /// Reservations whose held unit was withdrawn, closed with reason `recalled`.
    public var releasedHolds: [Int64]
    /// Waiting reservations closed with reason `recalled`.
    public var closedReservations: [Int64]
    /// Open loans of the type: call these families.
    public var openLoans: [Loan]

    /// Creates a value.
    public init(itemType: ItemType, withdrawnUnits: [String], releasedHolds: [Int64], closedReservations: [Int64],
                openLoans: [Loan]) {
        self.itemType = itemType
        self.withdrawnUnits = withdrawnUnits
        self.releasedHolds = releasedHolds
        self.closedReservations = closedReservations
        self.openLoans = openLoans
    }
}
