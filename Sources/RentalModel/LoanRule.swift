/// A loan length: a number of days or of calendar months.
public struct LoanPeriod: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The unit of a period.
    public enum Unit: String, Sendable, Codable, CaseIterable {
        /// Calendar days.
        case days
        /// Calendar months (clamped at month ends).
        case months
    }

    /// How many units, ≥ 1.
    public var count: Int
    /// Days or months.
    public var unit: Unit

    /// Creates a period.
    public init(_ count: Int, _ unit: Unit) {
        self.count = count
        self.unit = unit
    }

    /// `count` days.
    public static func days(_ count: Int) -> LoanPeriod { LoanPeriod(count, .days) }
    /// `count` months.
    public static func months(_ count: Int) -> LoanPeriod { LoanPeriod(count, .months) }

    /// `date` plus this period.
    public func added(to date: LocalDate) -> LocalDate {
        switch unit {
        case .days: date.adding(days: count)
        case .months: date.adding(months: count)
        }
    }

    /// `14 days`, `3 months`.
    public var description: String { "\(count) \(unit.rawValue)" }
}

/// What a loan rule applies to: one centre or all, and one item type, one category or everything.
///
/// When several rules match a checkout, the most specific wins: a rule for the centre beats a rule for
/// all centres; within the same centre scope, an item-type rule beats a category rule, which beats a
/// rule for everything (the order Koha uses: library first, then item type).
public struct RuleScope: Sendable, Hashable, Codable {
    /// Centre code, or nil for all centres.
    public var centre: String?
    /// Category, or nil; never set together with ``itemType``.
    public var category: Category?
    /// Item type code, or nil; never set together with ``category``.
    public var itemType: String?

    /// Creates a scope.
    public init(centre: String? = nil, category: Category? = nil, itemType: String? = nil) {
        self.centre = centre
        self.category = category
        self.itemType = itemType
    }

    /// Higher is more specific.
    public var specificity: Int {
        (centre == nil ? 0 : 10) + (itemType != nil ? 2 : category != nil ? 1 : 0)
    }
}

/// The terms of a loan for one scope.
public struct LoanRule: Sendable, Hashable, Codable {
    /// Store id (0 for a rule not stored yet).
    public var id: Int64
    /// What it applies to.
    public var scope: RuleScope
    /// How long a loan lasts.
    public var period: LoanPeriod
    /// How many times a loan may be renewed.
    public var renewalsAllowed: Int
    /// How much each renewal adds.
    public var renewalPeriod: LoanPeriod
    /// At most this many open loans per family in all (nil: no limit).
    public var maxOpenLoans: Int?
    /// At most this many open loans per family in the item's category (nil: no limit).
    public var maxOpenLoansInCategory: Int?
    /// Overrides the item type's infant age limit, in months.
    public var infantAgeLimitMonths: Int?
    /// Whether overdue days are counted in the centre's open days only (for notices).
    public var countOpenDaysOnly: Bool

    /// Creates a rule.
    public init(id: Int64 = 0, scope: RuleScope, period: LoanPeriod, renewalsAllowed: Int = 0,
                renewalPeriod: LoanPeriod? = nil, maxOpenLoans: Int? = nil,
                maxOpenLoansInCategory: Int? = nil, infantAgeLimitMonths: Int? = nil,
                countOpenDaysOnly: Bool = false) {
        self.id = id
        self.scope = scope
        self.period = period
        self.renewalsAllowed = renewalsAllowed
        self.renewalPeriod = renewalPeriod ?? period
        self.maxOpenLoans = maxOpenLoans
        self.maxOpenLoansInCategory = maxOpenLoansInCategory
        self.infantAgeLimitMonths = infantAgeLimitMonths
        self.countOpenDaysOnly = countOpenDaysOnly
    }

    /// Whether the rule applies to a checkout of `itemType` (of `category`) at `centre`.
    public func applies(centre: String, itemType: String, category: Category) -> Bool {
        (scope.centre == nil || scope.centre == centre)
            && (scope.itemType == nil || scope.itemType == itemType)
            && (scope.category == nil || scope.category == category)
    }

    /// The most specific of `rules` that applies, or nil.
    public static func mostSpecific(of rules: [LoanRule], centre: String, itemType: String,
                                    category: Category) -> LoanRule? {
        rules.filter { $0.applies(centre: centre, itemType: itemType, category: category) }
            .max { $0.scope.specificity < $1.scope.specificity }
    }
}

extension LoanRule {
    private enum CodingKeys: String, CodingKey {
        case id, scope, period, renewalsAllowed, renewalPeriod, maxOpenLoans, maxOpenLoansInCategory,
             infantAgeLimitMonths, countOpenDaysOnly
    }

    /// Decodes a rule; `id`, `renewalsAllowed` (0), `renewalPeriod` (the period) and `countOpenDaysOnly`
    /// (false) may be left out.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decodeIfPresent(Int64.self, forKey: .id) ?? 0,
                  scope: try c.decodeIfPresent(RuleScope.self, forKey: .scope) ?? RuleScope(),
                  period: try c.decode(LoanPeriod.self, forKey: .period),
                  renewalsAllowed: try c.decodeIfPresent(Int.self, forKey: .renewalsAllowed) ?? 0,
                  renewalPeriod: try c.decodeIfPresent(LoanPeriod.self, forKey: .renewalPeriod),
                  maxOpenLoans: try c.decodeIfPresent(Int.self, forKey: .maxOpenLoans),
                  maxOpenLoansInCategory: try c.decodeIfPresent(Int.self, forKey: .maxOpenLoansInCategory),
                  infantAgeLimitMonths: try c.decodeIfPresent(Int.self, forKey: .infantAgeLimitMonths),
                  countOpenDaysOnly: try c.decodeIfPresent(Bool.self, forKey: .countOpenDaysOnly) ?? false)
    }
}
