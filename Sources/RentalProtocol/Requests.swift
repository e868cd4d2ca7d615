#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalModel

/// `POST /v1/loans`: lend a unit.
public struct CheckoutRequest: Codable, Sendable, Hashable {
    /// Family reference.
    public var family: String
    /// Inventory number.
    public var unit: String
    /// Centre code where the unit is handed over.
    public var centre: String
    /// Backdates the checkout (administrators only).
    public var issuedAt: Date?

    /// Creates a request.
    public init(family: String, unit: String, centre: String, issuedAt: Date? = nil) {
        self.family = family
        self.unit = unit
        self.centre = centre
        self.issuedAt = issuedAt
    }
}

/// `POST /v1/returns`: take a unit back.
public struct ReturnRequest: Codable, Sendable, Hashable {
    /// Inventory number.
    public var unit: String
    /// Centre code where it is handed back.
    public var centre: String
    /// Its condition.
    public var condition: Condition
    /// A note.
    public var note: String?

    /// Creates a request.
    public init(unit: String, centre: String, condition: Condition, note: String? = nil) {
        self.unit = unit
        self.centre = centre
        self.condition = condition
        self.note = note
    }
}

/// A body with only an optional note (`POST /v1/loans/{id}/lost`).
public struct NoteRequest: Codable, Sendable, Hashable {
    /// The note.
    public var note: String?

    /// Creates a request.
    public init(note: String? = nil) { self.note = note }
}

/// `PUT /v1/centres/{code}/open-days`.
public struct OpenDaysRequest: Codable, Sendable, Hashable {
    /// The days the centre is open.
    public var openDays: Set<Weekday>

    /// Creates a request.
    public init(openDays: Set<Weekday>) { self.openDays = openDays }

    /// Encodes the days in the order of the week.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Weekday.inWeekOrder(openDays), forKey: .openDays)
    }
}

/// `POST /v1/centres/{code}/closures`.
public struct ClosureRequest: Codable, Sendable, Hashable {
    /// First closed day.
    public var firstDay: LocalDate
    /// Last closed day.
    public var lastDay: LocalDate
    /// Why.
    public var kind: Closure.Kind
    /// A note.
    public var note: String?

    /// Creates a request.
    public init(firstDay: LocalDate, lastDay: LocalDate, kind: Closure.Kind, note: String? = nil) {
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.kind = kind
        self.note = note
    }
}

/// `POST /v1/catalogue/{code}/recall`.
public struct RecallRequest: Codable, Sendable, Hashable {
    /// Recall (true) or lift the recall (false).
    public var recalled: Bool
    /// Why.
    public var note: String?

    /// Creates a request.
    public init(recalled: Bool, note: String? = nil) {
        self.recalled = recalled
        self.note = note
    }
}

/// `POST /v1/units/{inventoryNumber}/status`: a status change outside circulation.
public struct UnitStatusRequest: Codable, Sendable, Hashable {
    /// The change, by name.
    public enum Change: String, Codable, Sendable, CaseIterable {
        /// sanitising → available
        case finishSanitising = "finish-sanitising"
        /// available or sanitising → in repair
        case sendToRepair = "send-to-repair"
        /// in repair → available (needs `condition`)
        case finishRepair = "finish-repair"
        /// → retired
        case retire
        /// → lost
        case markMissing = "mark-missing"
        /// lost → available at `centre`
        case markFound = "mark-found"
        /// available → in transit to `destination`
        case send
        /// in transit → available at the destination
        case receive
    }

    /// The change.
    public var change: Change
    /// For `finish-repair`: the condition after repair.
    public var condition: Condition?
    /// For `send`: the destination centre.
    public var destination: String?
    /// For `mark-found`: the centre where it was found.
    public var centre: String?
    /// A note.
    public var note: String?

    /// Creates a request.
    public init(change: Change, condition: Condition? = nil, destination: String? = nil, centre: String? = nil,
                note: String? = nil) {
        self.change = change
        self.condition = condition
        self.destination = destination
        self.centre = centre
        self.note = note
    }

    /// The request as a ``UnitChange``.
    /// - Throws: ``RentalError/Code/invalidInput`` when a field the change needs is missing.
    public func unitChange() throws(RentalError) -> UnitChange {
        switch change {
        case .finishSanitising: return .finishSanitising
        case .sendToRepair: return .sendToRepair
        case .finishRepair:
            guard let condition else { throw RentalError(.invalidInput, "condition: required for finish-repair") }
            return .finishRepair(condition: condition)
        case .retire: return .retire
        case .markMissing: return .markMissing
        case .markFound:
            guard let centre else { throw RentalError(.invalidInput, "centre: required for mark-found") }
            return .markFound(centre: centre)
        case .send:
            guard let destination else { throw RentalError(.invalidInput, "destination: required for send") }
            return .send(to: destination)
        case .receive: return .receive
        }
    }
}

/// `POST /v1/units/{inventoryNumber}/safety-checks`.
public struct SafetyCheckRequest: Codable, Sendable, Hashable {
    /// The day of the check.
    public var on: LocalDate
    /// Whether the unit passed.
    public var passed: Bool

    /// Creates a request.
    public init(on: LocalDate, passed: Bool) {
        self.on = on
        self.passed = passed
    }
}

/// `POST /v1/families/{reference}/status`.
public struct FamilyStatusRequest: Codable, Sendable, Hashable {
    /// The new status.
    public var status: FamilyStatus

    /// Creates a request.
    public init(status: FamilyStatus) { self.status = status }
}

/// `POST /v1/reservations`.
public struct ReservationRequest: Codable, Sendable, Hashable {
    /// Family reference.
    public var family: String
    /// Item type code.
    public var itemType: String
    /// Centre code.
    public var centre: String

    /// Creates a request.
    public init(family: String, itemType: String, centre: String) {
        self.family = family
        self.itemType = itemType
        self.centre = centre
    }
}

/// `POST /v1/backups`: a hot backup into the daemon's backup directory.
public struct BackupRequest: Codable, Sendable, Hashable {
    /// File name inside the backup directory: letters, digits, `.`, `_`, `-`, ending in `.sqlite`.
    public var name: String

    /// Creates a request.
    public init(name: String) { self.name = name }
}

/// The answer to `POST /v1/backups`.
public struct BackupResult: Codable, Sendable, Hashable {
    /// The file written (absolute path on the server).
    public var file: String
    /// Its size in bytes.
    public var bytes: Int
    /// `ok`: the copy passed SQLite's integrity check.
    public var integrity: String

    /// Creates a value.
    public init(file: String, bytes: Int, integrity: String) {
        self.file = file
        self.bytes = bytes
        self.integrity = integrity
    }
}
