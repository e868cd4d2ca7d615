/// A change of a unit's status outside circulation. Checkout, return and loss of a loan change the
/// status too, through their own operations.
public enum UnitChange: Sendable, Hashable, Codable {
    /// Cleaning is done: sanitising → available.
    case finishSanitising
    /// Send for repair: available or sanitising → in repair.
    case sendToRepair
    /// Repaired: in repair → available, in the given condition.
    case finishRepair(condition: Condition)
    /// Take out of service for good: any status but on loan → retired.
    case retire
    /// Missing from the shelf: available, held or in transit → lost.
    case markMissing
    /// Found again at a centre: lost → available there.
    case markFound(centre: String)
    /// Send to another centre: available → in transit.
    case send(to: String)
    /// Arrived: in transit → available at the destination.
    case receive

    /// The statuses the change may start from.
    public var allowedFrom: Set<UnitStatus> {
        switch self {
        case .finishSanitising: [.sanitising]
        case .sendToRepair: [.available, .sanitising]
        case .finishRepair: [.inRepair]
        case .retire: [.available, .held, .sanitising, .inRepair, .lost, .inTransit]
        case .markMissing: [.available, .held, .inTransit]
        case .markFound: [.lost]
        case .send: [.available]
        case .receive: [.inTransit]
        }
    }

    /// The status the unit ends in.
    public var target: UnitStatus {
        switch self {
        case .finishSanitising, .finishRepair, .markFound, .receive: .available
        case .sendToRepair: .inRepair
        case .retire: .retired
        case .markMissing: .lost
        case .send: .inTransit
        }
    }

    /// The audit action name.
    package var action: String {
        switch self {
        case .finishSanitising: "unit.sanitised"
        case .sendToRepair: "unit.repair"
        case .finishRepair: "unit.repaired"
        case .retire: "unit.retire"
        case .markMissing: "unit.missing"
        case .markFound: "unit.found"
        case .send: "unit.send"
        case .receive: "unit.receive"
        }
    }
}
