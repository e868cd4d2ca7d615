#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The stages of reminders about a loan, each sent at most once per loan and due date.
public enum NoticeStage: String, Sendable, Codable, CaseIterable, Comparable {
    /// Informational: the loan is due within a few days.
    case dueSoon = "due-soon"
    /// The loan has just become overdue.
    case overdue
    /// Still overdue after a longer while: call the family.
    case escalated
    /// Long overdue: consider the unit lost.
    case final

    /// The fixed journal `MESSAGE_ID` of notices of this stage (see `systemd/rentald.catalog`).
    public var messageID: String {
        switch self {
        case .dueSoon: "eb348fb1791244c1aa081dc1ec9c043b"
        case .overdue: "91aaadd49aff4652b449a0f36413f98a"
        case .escalated: "8532b5ff4882495693a6d4c68d732627"
        case .final: "b8361879cade491d9fd5c2c0b6f330e2"
        }
    }

    /// The syslog priority: 6 info, 4 warning, 3 error.
    public var priority: Int {
        switch self {
        case .dueSoon: 6
        case .overdue, .escalated: 4
        case .final: 3
        }
    }

    /// The journal `MESSAGE_ID` of the per-centre summary of a scan.
    public static let summaryMessageID = "b5d7c7e3c45f4a7e8c8d0f0f6a2d9e11"

    public static func < (lhs: NoticeStage, rhs: NoticeStage) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// When each stage is reached.
public struct NoticeSchedule: Sendable, Hashable, Codable {
    /// Days before the due date for the due-soon reminder (0 turns it off).
    public var dueSoonDays: Int
    /// Days overdue for each overdue stage.
    public var overdueDays: Int
    /// Days overdue for the escalated stage.
    public var escalatedDays: Int
    /// Days overdue for the final stage.
    public var finalDays: Int

    /// The defaults: 2 days before, then 1, 7 and 30 days overdue.
    public init(dueSoonDays: Int = 2, overdueDays: Int = 1, escalatedDays: Int = 7, finalDays: Int = 30) {
        self.dueSoonDays = dueSoonDays
        self.overdueDays = overdueDays
        self.escalatedDays = escalatedDays
        self.finalDays = finalDays
    }

    /// The latest stage reached by a loan `daysOverdue` days past its due date (negative: days before),
    /// or nil.
    public func stage(daysOverdue: Int) -> NoticeStage? {
        if daysOverdue >= finalDays { return .final }
        if daysOverdue >= escalatedDays { return .escalated }
        if daysOverdue >= overdueDays, daysOverdue > 0 { return .overdue }
        if dueSoonDays > 0, daysOverdue <= 0, -daysOverdue <= dueSoonDays { return .dueSoon }
        return nil
    }

    /// The stages reached up to and including `stage`, in order.
    public func stages(through stage: NoticeStage) -> [NoticeStage] {
        NoticeStage.allCases.filter { $0 <= stage && ($0 != .dueSoon || dueSoonDays > 0) }
    }
}

/// One reminder about a loan. Carries identifiers only: no names, phones or addresses.
public struct Notice: Sendable, Hashable, Codable {
    /// Store id (increasing; use as `since`).
    public var id: Int64
    /// The stage.
    public var stage: NoticeStage
    /// The loan.
    public var loan: Int64
    /// Centre code.
    public var centre: String
    /// Centre name.
    public var centreName: String
    /// Inventory number.
    public var unit: String
    /// Item type code.
    public var itemType: String
    /// Item type name.
    public var itemTypeName: String
    /// Family reference.
    public var family: String
    /// The due date the notice is about.
    public var dueDate: LocalDate
    /// Days past the due date (negative: days before), counted as the loan's rule says.
    public var daysOverdue: Int
    /// When it was handed to the journal (or stderr).
    public var sentAt: Date

    /// Creates a value.
    public init(id: Int64, stage: NoticeStage, loan: Int64, centre: String, centreName: String, unit: String, itemType: String,
                itemTypeName: String, family: String, dueDate: LocalDate, daysOverdue: Int, sentAt: Date) {
        self.id = id
        self.stage = stage
        self.loan = loan
        self.centre = centre
        self.centreName = centreName
        self.unit = unit
        self.itemType = itemType
        self.itemTypeName = itemTypeName
        self.family = family
        self.dueDate = dueDate
        self.daysOverdue = daysOverdue
        self.sentAt = sentAt
    }

    /// The sentence for the journal's `MESSAGE`.
    public var message: String {
        let what = "\(itemTypeName) \(unit), family \(family)"
        if daysOverdue <= 0 {
            let when = daysOverdue == 0 ? "today" : "in \(-daysOverdue) day\(daysOverdue == -1 ? "" : "s")"
            return "Loan \(loan) at \(centreName) is due \(when) (\(dueDate)): \(what)"
        }
        return "Loan \(loan) at \(centreName) is \(daysOverdue) day\(daysOverdue == 1 ? "" : "s") overdue (due \(dueDate)): \(what)"
    }

    /// The journal fields of the notice.
    public var journalFields: [(name: String, value: String)] {
        [("MESSAGE", message), ("MESSAGE_ID", stage.messageID), ("PRIORITY", "\(stage.priority)"),
         ("RENTAL_LOAN", "\(loan)"), ("RENTAL_CENTRE", centre), ("RENTAL_UNIT", unit), ("RENTAL_ITEM_TYPE", itemType),
         ("RENTAL_FAMILY", family), ("RENTAL_DUE_DATE", dueDate.description), ("RENTAL_DAYS_OVERDUE", "\(daysOverdue)"),
         ("RENTAL_STAGE", stage.rawValue)]
    }
}

/// What one scan did, per centre.
public struct NoticeScanSummary: Sendable, Hashable, Codable {
    /// Per centre code: notices sent per stage.
    public var sent: [String: [String: Int]]
    /// Notices that could not be handed over (they are retried by the next scan).
    public var failed: Int
    /// Lower stages recorded without sending because a later stage was reached first (a catch-up).
    public var superseded: Int

    /// Creates a value.
    public init(sent: [String: [String: Int]] = [:], failed: Int = 0, superseded: Int = 0) {
        self.sent = sent
        self.failed = failed
        self.superseded = superseded
    }

    /// All notices sent.
    public var total: Int { sent.values.flatMap(\.values).reduce(0, +) }
}
