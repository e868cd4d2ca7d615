#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A report over a period: the sections its name asks for (all of them for ``ReportName/summary``),
/// every figure counted from loans, units and reservations (never from names or contacts, so the figures
/// stay the same after families are anonymised).
public struct Report: Sendable, Hashable, Codable {
    /// Which report.
    public var name: ReportName
    /// What it covers.
    public var query: ReportQuery
    /// When it was computed ("now" for the open and overdue figures and the stock).
    public var asOf: Date
    /// The centres it covers, by code, with their names and zones.
    public var centres: [ReportCentre]
    /// The item types it covers, by code, with their names.
    public var itemTypes: [ReportItemType]
    /// Families and children.
    public var families: FamilyFigures?
    /// Loan flows.
    public var loans: LoanFigures?
    /// Utilisation.
    public var utilisation: UtilisationFigures?
    /// Overdue loans and late returns.
    public var overdue: OverdueFigures?
    /// Reservations and queues.
    public var waiting: WaitingFigures?
    /// Stock.
    public var stock: StockFigures?
    /// The most borrowed item types, most loans first.
    public var popular: [PopularLine]?

    /// Creates a report with no sections.
    public init(name: ReportName, query: ReportQuery, asOf: Date, centres: [ReportCentre], itemTypes: [ReportItemType]) {
        self.name = name
        self.query = query
        self.asOf = asOf
        self.centres = centres
        self.itemTypes = itemTypes
    }
}

/// A centre a report covers.
public struct ReportCentre: Sendable, Hashable, Codable {
    /// Code.
    public var code: String
    /// Name.
    public var name: String
    /// IANA time zone: the period's days are this centre's local days.
    public var timeZone: String

    /// Creates a value.
    public init(code: String, name: String, timeZone: String) {
        self.code = code
        self.name = name
        self.timeZone = timeZone
    }
}

/// An item type a report covers.
public struct ReportItemType: Sendable, Hashable, Codable {
    /// Code.
    public var code: String
    /// Name.
    public var name: String
    /// Category.
    public var category: Category

    /// Creates a value.
    public init(code: String, name: String, category: Category) {
        self.code = code
        self.name = name
        self.category = category
    }
}

/// Families served in the period: those with a loan that started in it.
public struct FamilyFigures: Sendable, Hashable, Codable {
    /// Distinct families with a loan started in the period.
    public var served: Int
    /// Their children born by the period's last day (expected children not counted).
    public var children: Int
    /// Of those, children under one year old at the start of one of the family's loans in the period,
    /// counted by month (born in the month of the loan's start or in the eleven months before), so that
    /// the figure stays the same after anonymisation, which keeps only the birth year and month.
    public var childrenUnderOne: Int
    /// Families whose first loan ever (within the centre, category or item type asked for) started in
    /// the period.
    public var newFamilies: Int
    /// Families served per centre (a family served at two centres counts at each).
    public var byCentre: [CentreCount]

    /// Creates a value.
    public init(served: Int, children: Int, childrenUnderOne: Int, newFamilies: Int, byCentre: [CentreCount]) {
        self.served = served
        self.children = children
        self.childrenUnderOne = childrenUnderOne
        self.newFamilies = newFamilies
        self.byCentre = byCentre
    }
}

/// A count for one centre.
public struct CentreCount: Sendable, Hashable, Codable {
    /// Centre code.
    public var centre: String
    /// The count.
    public var count: Int

    /// Creates a value.
    public init(centre: String, count: Int) {
        self.centre = centre
        self.count = count
    }
}

/// Loan events in the period, each counted at the loan's issuing centre and in its zone: started (issue
/// date in the period), returned and lost (closed in the period), renewed (renewals made in the period).
public struct LoanFlow: Sendable, Hashable, Codable {
    /// Loans started.
    public var started: Int
    /// Loans returned.
    public var returned: Int
    /// Renewals made.
    public var renewed: Int
    /// Loans closed as lost.
    public var lost: Int

    /// Creates a value.
    public init(started: Int = 0, returned: Int = 0, renewed: Int = 0, lost: Int = 0) {
        self.started = started
        self.returned = returned
        self.renewed = renewed
        self.lost = lost
    }

    /// The sum of two flows.
    public static func + (lhs: LoanFlow, rhs: LoanFlow) -> LoanFlow {
        LoanFlow(started: lhs.started + rhs.started, returned: lhs.returned + rhs.returned,
                 renewed: lhs.renewed + rhs.renewed, lost: lhs.lost + rhs.lost)
    }
}

/// Loan flows: in all, by centre × item type, by month × centre.
public struct LoanFigures: Sendable, Hashable, Codable {
    /// All of the period.
    public var total: LoanFlow
    /// By centre and item type (only pairs with an event).
    public var byCentreAndType: [CentreTypeFlow]
    /// By calendar month (`YYYY-MM`, local) and centre (only pairs with an event).
    public var byMonth: [MonthFlow]

    /// Creates a value.
    public init(total: LoanFlow, byCentreAndType: [CentreTypeFlow], byMonth: [MonthFlow]) {
        self.total = total
        self.byCentreAndType = byCentreAndType
        self.byMonth = byMonth
    }
}

/// The loan flow at one centre for one item type.
public struct CentreTypeFlow: Sendable, Hashable, Codable {
    /// Centre code.
    public var centre: String
    /// Item type code.
    public var itemType: String
    /// The flow.
    public var flow: LoanFlow

    /// Creates a value.
    public init(centre: String, itemType: String, flow: LoanFlow) {
        self.centre = centre
        self.itemType = itemType
        self.flow = flow
    }
}

/// The loan flow at one centre in one month.
public struct MonthFlow: Sendable, Hashable, Codable {
    /// `YYYY-MM`.
    public var month: String
    /// Centre code.
    public var centre: String
    /// The flow.
    public var flow: LoanFlow

    /// Creates a value.
    public init(month: String, centre: String, flow: LoanFlow) {
        self.month = month
        self.centre = centre
        self.flow = flow
    }
}

/// Unit-days on loan out of unit-days in service, over the days of the period up to today.
///
/// A unit is in service on a day from its acquisition date (or always, without one) until the day it
/// was lost or retired; it is on loan on the days from the loan's issue date up to the day before its
/// return (an open loan: through today). Both count at the unit's current centre.
public struct UtilisationFigures: Sendable, Hashable, Codable {
    /// All units covered.
    public var total: UtilisationLine
    /// By item type (all centres).
    public var byItemType: [UtilisationLine]
    /// By centre and item type.
    public var byCentreAndType: [UtilisationLine]

    /// Creates a value.
    public init(total: UtilisationLine, byItemType: [UtilisationLine], byCentreAndType: [UtilisationLine]) {
        self.total = total
        self.byItemType = byItemType
        self.byCentreAndType = byCentreAndType
    }
}

/// One line of utilisation.
public struct UtilisationLine: Sendable, Hashable, Codable {
    /// Centre code (nil: all centres).
    public var centre: String?
    /// Item type code (nil: all item types).
    public var itemType: String?
    /// Unit-days in service.
    public var unitDaysInService: Int
    /// Unit-days on loan.
    public var unitDaysOnLoan: Int
    /// On loan ÷ in service, 0…1 (nil when nothing was in service).
    public var share: Double?

    /// Creates a value; the share is computed.
    public init(centre: String?, itemType: String?, unitDaysInService: Int, unitDaysOnLoan: Int) {
        self.centre = centre
        self.itemType = itemType
        self.unitDaysInService = unitDaysInService
        self.unitDaysOnLoan = unitDaysOnLoan
        self.share = unitDaysInService > 0 ? Double(unitDaysOnLoan) / Double(unitDaysInService) : nil
    }
}

/// Overdue loans and late returns. A loan due on D is overdue from D + 1 in its centre's zone.
public struct OverdueFigures: Sendable, Hashable, Codable {
    /// Loans whose first overdue day (due date + 1) fell in the period, not after today, while they were
    /// still open.
    public var becameOverdue: Int
    /// Loans returned in the period.
    public var returned: Int
    /// Of those, returned after their due date.
    public var returnedLate: Int
    /// returnedLate ÷ returned (nil when none was returned).
    public var lateShare: Double?
    /// Median of the days late of the late returns (nil when none was late).
    public var medianDaysLate: Double?
    /// Open loans overdue now.
    public var openOverdueNow: Int

    /// Creates a value.
    public init(becameOverdue: Int, returned: Int, returnedLate: Int, lateShare: Double?, medianDaysLate: Double?,
                openOverdueNow: Int) {
        self.becameOverdue = becameOverdue
        self.returned = returned
        self.returnedLate = returnedLate
        self.lateShare = lateShare
        self.medianDaysLate = medianDaysLate
        self.openOverdueNow = openOverdueNow
    }
}

/// Reservations in the period and the queues now.
public struct WaitingFigures: Sendable, Hashable, Codable {
    /// Reservations placed in the period.
    public var placed: Int
    /// Reservations fulfilled (the family got the item) in the period.
    public var fulfilled: Int
    /// Reservations that expired unclaimed in the period (nil: this store keeps no expiry).
    public var expired: Int?
    /// Reservations cancelled in the period.
    public var cancelled: Int
    /// Median days from placing a reservation to its fulfilment, of those fulfilled in the period.
    public var medianDaysToPickup: Double?
    /// The waiting lists now, longest first: unmet demand, what to buy next.
    public var queues: [QueueLine]

    /// Creates a value.
    public init(placed: Int, fulfilled: Int, expired: Int?, cancelled: Int, medianDaysToPickup: Double?, queues: [QueueLine]) {
        self.placed = placed
        self.fulfilled = fulfilled
        self.expired = expired
        self.cancelled = cancelled
        self.medianDaysToPickup = medianDaysToPickup
        self.queues = queues
    }
}

/// The waiting list for one item type at one centre.
public struct QueueLine: Sendable, Hashable, Codable {
    /// Centre code.
    public var centre: String
    /// Item type code.
    public var itemType: String
    /// Families waiting.
    public var waiting: Int
    /// Units of the type available at the centre now.
    public var available: Int
    /// When the longest-waiting family asked (local date at the centre).
    public var oldestSince: LocalDate

    /// Creates a value.
    public init(centre: String, itemType: String, waiting: Int, available: Int, oldestSince: LocalDate) {
        self.centre = centre
        self.itemType = itemType
        self.waiting = waiting
        self.available = available
        self.oldestSince = oldestSince
    }
}

/// Stock now, and what left it in the period.
public struct StockFigures: Sendable, Hashable, Codable {
    /// Units now by centre (where they are), status and condition (only combinations that exist).
    public var byStatus: [StockStatusLine]
    /// Units in service (not lost or retired) that were never lent, by centre.
    public var neverLent: [CentreCount]
    /// Units lost or retired in the period, with their cost and funding source.
    public var leftService: [LeftServiceLine]
    /// Cost of the units lost or retired in the period, by funding source.
    public var leftServiceByFunding: [FundingLine]

    /// Creates a value.
    public init(byStatus: [StockStatusLine], neverLent: [CentreCount], leftService: [LeftServiceLine],
                leftServiceByFunding: [FundingLine]) {
        self.byStatus = byStatus
        self.neverLent = neverLent
        self.leftService = leftService
        self.leftServiceByFunding = leftServiceByFunding
    }
}

/// A count of units at a centre in one status and condition.
public struct StockStatusLine: Sendable, Hashable, Codable {
    /// Centre code.
    public var centre: String
    /// Status.
    public var status: UnitStatus
    /// Condition.
    public var condition: Condition
    /// Units.
    public var units: Int

    /// Creates a value.
    public init(centre: String, status: UnitStatus, condition: Condition, units: Int) {
        self.centre = centre
        self.status = status
        self.condition = condition
        self.units = units
    }
}

/// A unit lost or retired in the period.
public struct LeftServiceLine: Sendable, Hashable, Codable {
    /// Inventory number.
    public var inventoryNumber: String
    /// Item type code.
    public var itemType: String
    /// Centre code (where it was).
    public var centre: String
    /// `lost` or `retired`.
    public var status: UnitStatus
    /// The local day it left service.
    public var on: LocalDate
    /// Acquisition cost in kopecks.
    public var costMinor: Int?
    /// Funding source.
    public var fundingSource: String?

    /// Creates a value.
    public init(inventoryNumber: String, itemType: String, centre: String, status: UnitStatus, on: LocalDate,
                costMinor: Int?, fundingSource: String?) {
        self.inventoryNumber = inventoryNumber
        self.itemType = itemType
        self.centre = centre
        self.status = status
        self.on = on
        self.costMinor = costMinor
        self.fundingSource = fundingSource
    }
}

/// Units and their cost for one funding source.
public struct FundingLine: Sendable, Hashable, Codable {
    /// Funding source (nil: none recorded).
    public var fundingSource: String?
    /// Units.
    public var units: Int
    /// Their acquisition cost in kopecks (units without a cost add nothing).
    public var costMinor: Int

    /// Creates a value.
    public init(fundingSource: String?, units: Int, costMinor: Int) {
        self.fundingSource = fundingSource
        self.units = units
        self.costMinor = costMinor
    }
}

/// How often an item type was borrowed in the period.
public struct PopularLine: Sendable, Hashable, Codable {
    /// Item type code.
    public var itemType: String
    /// Loans started.
    public var loans: Int
    /// Distinct families.
    public var families: Int

    /// Creates a value.
    public init(itemType: String, loans: Int, families: Int) {
        self.itemType = itemType
        self.loans = loans
        self.families = families
    }
}
