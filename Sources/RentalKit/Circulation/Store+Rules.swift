import GRDB

extension RentalStore {
    /// Creates the rule for a scope, or replaces the rule already there. Admin only.
    public func setRule(_ rule: LoanRule, by who: Principal) async throws(RentalError) -> LoanRule {
        try who.requireAdmin("setting a loan rule")
        guard rule.scope.category == nil || rule.scope.itemType == nil else {
            throw .invalid("scope", "name a category or an item type, not both")
        }
        _ = try Validate.range(rule.period.count, 1...3660, field: "period")
        _ = try Validate.range(rule.renewalPeriod.count, 1...3660, field: "renewalPeriod")
        _ = try Validate.range(rule.renewalsAllowed, 0...100, field: "renewalsAllowed")
        if let n = rule.maxOpenLoans { _ = try Validate.range(n, 0...1000, field: "maxOpenLoans") }
        if let n = rule.maxOpenLoansInCategory { _ = try Validate.range(n, 0...1000, field: "maxOpenLoansInCategory") }
        if let n = rule.infantAgeLimitMonths { _ = try Validate.range(n, 1...72, field: "infantAgeLimitMonths") }
        return try await write { db in
            let centreID = try rule.scope.centre.map { code in try Lookup.centreID(db, code) }
            let typeID = try rule.scope.itemType.map { code in try Lookup.itemType(db, code).id }
            try db.cachedStatement(sql: """
                DELETE FROM loan_rule WHERE IFNULL(centre_id, 0) = IFNULL(?, 0) AND IFNULL(category, '') = IFNULL(?, '')
                    AND IFNULL(item_type_id, 0) = IFNULL(?, 0)
                """).execute(arguments: [centreID, rule.scope.category?.rawValue, typeID])
            try db.cachedStatement(sql: """
                INSERT INTO loan_rule (centre_id, category, item_type_id, period_count, period_unit, renewals_allowed,
                    renewal_count, renewal_unit, max_open_loans, max_open_loans_in_category, infant_age_limit_months,
                    count_open_days_only)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [centreID, rule.scope.category?.rawValue, typeID, rule.period.count,
                                 rule.period.unit.rawValue, rule.renewalsAllowed, rule.renewalPeriod.count,
                                 rule.renewalPeriod.unit.rawValue, rule.maxOpenLoans, rule.maxOpenLoansInCategory,
                                 rule.infantAgeLimitMonths, rule.countOpenDaysOnly])
            var stored = rule
            stored.id = db.lastInsertedRowID
            try self.audit(db, who, "rule.set", "rule", "\(stored.id)", [
                "centre": rule.scope.centre ?? "*", "category": rule.scope.category?.rawValue ?? "*",
                "itemType": rule.scope.itemType ?? "*", "period": rule.period.description,
            ])
            // A higher limit or age may make a waiting family eligible for a unit already free.
            _ = try self.offerFreeUnits(db, to: .everyone, who: who, now: self.clock.now())
            return stored
        }
    }

    /// Removes a rule. Admin only.
    public func removeRule(id: Int64, by who: Principal) async throws(RentalError) {
        try who.requireAdmin("removing a loan rule")
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM loan_rule WHERE id = ?").execute(arguments: [id])
            guard db.changesCount == 1 else { throw RentalError(.ruleNotFound, "no loan rule with id \(id)") }
            try self.audit(db, who, "rule.remove", "rule", "\(id)")
            _ = try self.offerFreeUnits(db, to: .everyone, who: who, now: self.clock.now())
        }
    }

    /// Every rule, most general first.
    public func rules() async throws(RentalError) -> [LoanRule] {
        try await read { db in try Self.allRules(db).sorted { ($0.scope.specificity, $0.id) < ($1.scope.specificity, $1.id) } }
    }

    /// The rule that governs a checkout of `itemType` at `centre`.
    /// - Throws: ``RentalError/Code/noLoanRule`` when none applies.
    public func effectiveRule(centre: String, itemType: String) async throws(RentalError) -> LoanRule {
        try await read { db in
            _ = try Lookup.centreID(db, centre)
            let type = try Lookup.itemType(db, itemType).itemType
            return try Self.effectiveRule(db, centre: centre, itemType: type)
        }
    }

    static func effectiveRule(_ db: Database, centre: String, itemType: ItemType) throws -> LoanRule {
        guard let rule = LoanRule.mostSpecific(of: try allRules(db), centre: centre, itemType: itemType.code,
                                               category: itemType.category) else {
            throw RentalError(.noLoanRule, "no loan rule covers item type \(itemType.code) at centre \(centre)")
        }
        return rule
    }

    static func allRules(_ db: Database) throws -> [LoanRule] {
        try db.all("""
            SELECT r.id, c.code, r.category, t.code, r.period_count, r.period_unit, r.renewals_allowed, r.renewal_count,
                   r.renewal_unit, r.max_open_loans, r.max_open_loans_in_category, r.infant_age_limit_months,
                   r.count_open_days_only
            FROM loan_rule r
            LEFT JOIN centre c ON c.id = r.centre_id LEFT JOIN item_type t ON t.id = r.item_type_id
            """) { row in
            try LoanRule(
                id: row[0],
                scope: RuleScope(centre: row[1], category: (row[2] as String?).flatMap(Category.init(rawValue:)), itemType: row[3]),
                period: LoanPeriod(row[4], LoanPeriod.Unit(rawValue: row[5]) ?? .days),
                renewalsAllowed: row[6],
                renewalPeriod: LoanPeriod(row[7], LoanPeriod.Unit(rawValue: row[8]) ?? .days),
                maxOpenLoans: row[9], maxOpenLoansInCategory: row[10], infantAgeLimitMonths: row[11], countOpenDaysOnly: row[12])
        }
    }
}
