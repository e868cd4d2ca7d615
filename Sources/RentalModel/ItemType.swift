/// What kind of thing an item type is; loan rules may be scoped by it.
public enum Category: String, Sendable, Codable, CaseIterable {
    /// Household appliances: kettle, microwave oven, iron, washing machine, …
    case appliance
    /// First-year baby equipment: cot, baby bath, pram, …
    case infant
    /// Furniture: wardrobe, changing table, ironing board, …
    case furniture
    /// Anything else.
    case other
}

/// A catalogue entry («Чайник электрический», «Кроватка детская»).
public struct ItemType: Sendable, Hashable, Codable {
    /// Stable slug, e.g. `cot`.
    public var code: String
    /// The name people use.
    public var name: String
    /// The category.
    public var category: Category
    /// Whether a returned unit must be sanitised before it is lent again.
    public var sanitiseAfterReturn: Bool
    /// When set, a unit needs an electrical safety check at most this many days before a checkout.
    public var safetyCheckDays: Int?
    /// When set, only families with a child (born or expected) younger than this many months may
    /// borrow it. A loan rule may set its own limit, which then wins.
    public var infantAgeLimitMonths: Int?
    /// Whether the item type is recalled: no checkouts while set.
    public var recalled: Bool
    /// Why it was recalled.
    public var recallNote: String?

    /// Creates an item type value.
    public init(code: String, name: String, category: Category, sanitiseAfterReturn: Bool,
                safetyCheckDays: Int? = nil, infantAgeLimitMonths: Int? = nil,
                recalled: Bool = false, recallNote: String? = nil) {
        self.code = code
        self.name = name
        self.category = category
        self.sanitiseAfterReturn = sanitiseAfterReturn
        self.safetyCheckDays = safetyCheckDays
        self.infantAgeLimitMonths = infantAgeLimitMonths
        self.recalled = recalled
        self.recallNote = recallNote
    }
}

extension ItemType {
    private enum CodingKeys: String, CodingKey {
        case code, name, category, sanitiseAfterReturn, safetyCheckDays, infantAgeLimitMonths, recalled, recallNote
    }

    /// Decodes an item type; `sanitiseAfterReturn` (true for infant items) and `recalled` (false) may be
    /// left out.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let category = try c.decode(Category.self, forKey: .category)
        self.init(code: try c.decode(String.self, forKey: .code), name: try c.decode(String.self, forKey: .name),
                  category: category,
                  sanitiseAfterReturn: try c.decodeIfPresent(Bool.self, forKey: .sanitiseAfterReturn) ?? (category == .infant),
                  safetyCheckDays: try c.decodeIfPresent(Int.self, forKey: .safetyCheckDays),
                  infantAgeLimitMonths: try c.decodeIfPresent(Int.self, forKey: .infantAgeLimitMonths),
                  recalled: try c.decodeIfPresent(Bool.self, forKey: .recalled) ?? false,
                  recallNote: try c.decodeIfPresent(String.self, forKey: .recallNote))
    }
}
