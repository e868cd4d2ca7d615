import GRDB

extension RentalStore {
    /// Adds an item type to the catalogue. Admin only.
    public func addItemType(_ type: ItemType, by who: Principal) async throws(RentalError) -> ItemType {
        try who.requireAdmin("adding an item type")
        var type = type
        type.code = try Validate.code(type.code, field: "code")
        type.name = try Validate.text(type.name, field: "name", max: 200)
        if let days = type.safetyCheckDays { _ = try Validate.range(days, 1...3660, field: "safetyCheckDays") }
        if let months = type.infantAgeLimitMonths { _ = try Validate.range(months, 1...72, field: "infantAgeLimitMonths") }
        type.recallNote = try Validate.optionalText(type.recallNote, field: "recallNote", max: 500)
        let stored = type
        return try await write { db in
            try db.cachedStatement(sql: """
                INSERT INTO item_type (code, name, category, sanitise_after_return, safety_check_days,
                                       infant_age_limit_months, recalled, recall_note)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [stored.code, stored.name, stored.category.rawValue, stored.sanitiseAfterReturn,
                                 stored.safetyCheckDays, stored.infantAgeLimitMonths, stored.recalled, stored.recallNote])
            try self.audit(db, who, "item_type.add", "item_type", stored.code, ["category": stored.category.rawValue])
            return stored
        }
    }

    /// One item type.
    public func itemType(_ code: String) async throws(RentalError) -> ItemType {
        try await read { db in try Lookup.itemType(db, code).itemType }
    }

    /// The whole catalogue, by code.
    public func itemTypes() async throws(RentalError) -> [ItemType] {
        try await read { db in try db.all(Lookup.itemTypeSelect + " ORDER BY code") { row in try Lookup.itemType(row) } }
    }

    /// Recalls an item type (``recall(itemType:note:by:)``) or lifts the recall (``liftRecall(itemType:by:)``,
    /// which needs a safety check of each unit in service). A switch: asking for the state the type is in
    /// already changes nothing. Admin only.
    public func setRecall(_ recalled: Bool, itemType code: String, note: String? = nil,
                          by who: Principal) async throws(RentalError) -> ItemType {
        try who.requireAdmin("recalling an item type")
        let current = try await itemType(code)
        guard current.recalled != recalled else { return current }
        return recalled ? try await recall(itemType: code, note: note, by: who).itemType : try await liftRecall(itemType: code, by: who)
    }
}
