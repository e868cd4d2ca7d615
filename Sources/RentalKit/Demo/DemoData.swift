import Foundation

extension RentalStore {
    /// Fills an empty store with the pilot region: ten centres of Omsk oblast (Asia/Omsk), a catalogue of
    /// appliances and first-year baby items, rules, about three hundred units, invented families, open
    /// loans and a few overdue ones (backdated checkouts). The same every time for the same clock day.
    /// - Throws: ``RentalError/Code/invalidInput`` when the store already holds centres.
    public func seedDemoData(by who: Principal) async throws(RentalError) -> DemoSummary {
        guard try await centres().isEmpty else {
            throw RentalError(.invalidInput, "demo data goes into an empty store only")
        }
        var random = SplitMix64(seed: 2026)
        let region = "Омская область"
        let centres: [(String, String)] = [
            ("ryabinushka", "Рябинушка"), ("vdokhnovenie", "Вдохновение"), ("isilkul", "Исилькульский"),
            ("bolsherechye", "Большереченский"), ("muromtsevo", "Муромцевский"), ("odesskoe", "Одесский"),
            ("moskalenki", "Москаленский"), ("sedelnikovo", "Седельниковский"), ("cherlak", "Черлакский"),
            ("novovarshavka", "Нововаршавский"),
        ]
        for (code, name) in centres {
            _ = try await addCentre(NewCentre(code: code, name: name, region: region, timeZone: "Asia/Omsk"), by: who)
        }
        let year = LocalDate(clock.now(), in: ZoneRules.utc).year
        for centre in centres.map(\.0) {
            _ = try await addClosure(centre: centre, from: LocalDate(year: year + 1, month: 1, day: 1) ?? .init(serialDay: 0),
                                     through: LocalDate(year: year + 1, month: 1, day: 8) ?? .init(serialDay: 0),
                                     kind: .holiday, note: "Новогодние каникулы", by: who)
        }

        let catalogue: [ItemType] = [
            ItemType(code: "kettle", name: "Чайник электрический", category: .appliance, sanitiseAfterReturn: false, safetyCheckDays: 365),
            ItemType(code: "microwave", name: "Микроволновая печь", category: .appliance, sanitiseAfterReturn: false, safetyCheckDays: 365),
            ItemType(code: "iron", name: "Утюг", category: .appliance, sanitiseAfterReturn: false, safetyCheckDays: 365),
            ItemType(code: "washer", name: "Стиральная машина", category: .appliance, sanitiseAfterReturn: false, safetyCheckDays: 365),
            ItemType(code: "vacuum", name: "Пылесос", category: .appliance, sanitiseAfterReturn: false, safetyCheckDays: 365),
            ItemType(code: "cot", name: "Кроватка детская", category: .infant, sanitiseAfterReturn: true, infantAgeLimitMonths: 12),
            ItemType(code: "changing-table", name: "Пеленальный столик", category: .infant, sanitiseAfterReturn: true, infantAgeLimitMonths: 12),
            ItemType(code: "baby-bath", name: "Ванночка детская", category: .infant, sanitiseAfterReturn: true, infantAgeLimitMonths: 12),
            ItemType(code: "pram", name: "Коляска", category: .infant, sanitiseAfterReturn: true, infantAgeLimitMonths: 12),
            ItemType(code: "ironing-board", name: "Гладильная доска", category: .furniture, sanitiseAfterReturn: false),
            ItemType(code: "wardrobe", name: "Шкаф детский", category: .furniture, sanitiseAfterReturn: false),
        ]
        for type in catalogue { _ = try await addItemType(type, by: who) }
        // Inventory number prefixes, as printed on the labels.
        let prefixes = ["kettle": "ЧАЙ", "microwave": "СВЧ", "iron": "УТГ", "washer": "СТМ", "vacuum": "ПЫЛ",
                        "cot": "КРВ", "changing-table": "ПСТ", "baby-bath": "ВАН", "pram": "КОЛ",
                        "ironing-board": "ГЛД", "wardrobe": "ШКФ"]
        _ = try await setRule(LoanRule(scope: RuleScope(), period: .months(1), renewalsAllowed: 1, maxOpenLoans: 4,
                                       maxOpenLoansInCategory: 2), by: who)
        _ = try await setRule(LoanRule(scope: RuleScope(category: .appliance), period: .days(14), renewalsAllowed: 2,
                                       renewalPeriod: .days(14), maxOpenLoans: 4, maxOpenLoansInCategory: 2), by: who)
        _ = try await setRule(LoanRule(scope: RuleScope(category: .infant), period: .months(6), renewalsAllowed: 2,
                                       renewalPeriod: .months(3), maxOpenLoans: 4, maxOpenLoansInCategory: 3), by: who)

        let today = LocalDate(clock.now(), in: ZoneRules.named("Asia/Omsk") ?? .utc)
        var units: [(number: String, type: ItemType, centre: String)] = []
        for (index, (centre, _)) in centres.enumerated() {
            for type in catalogue {
                for n in 1...(2 + Int(random.next() % 3)) {
                    let number = "\(prefixes[type.code] ?? "ИНВ")-\(index + 1)-\(n)"
                    _ = try await addUnit(NewUnit(inventoryNumber: number, itemType: type.code, centre: centre,
                                                  condition: n == 1 ? .new : .good, acquiredOn: today.adding(days: -400),
                                                  costMinor: 150_000 + Int(random.next() % 1_500_000),
                                                  fundingSource: n % 2 == 0 ? "Областной бюджет" : "Грант фонда",
                                                  lastSafetyCheck: type.safetyCheckDays == nil ? nil : today.adding(days: -30)),
                                          by: who)
                    units.append((number, type, centre))
                }
            }
        }

        let surnames = ["Лебедева", "Соколова", "Морозова", "Волкова", "Зайцева", "Павлова", "Козлова", "Новикова",
                        "Фёдорова", "Михайлова", "Алексеева", "Яковлева", "Романова", "Степанова", "Никитина"]
        let givenNames = ["Анна Сергеевна", "Ольга Ивановна", "Елена Петровна", "Мария Андреевна", "Наталья Олеговна",
                          "Татьяна Викторовна", "Юлия Николаевна", "Ирина Павловна"]
        var families: [String] = []
        for n in 1...120 {
            let reference = String(format: "F-%04d-%04d", today.year, n)
            var children = [Child(birthDate: today.adding(days: -Int(random.next() % 330)))]
            if n % 5 == 0 { children = [Child(birthDate: today.adding(days: 20 + Int(random.next() % 120)), expected: true)] }
            if n % 7 == 0 { children.append(Child(birthDate: today.adding(days: -(800 + Int(random.next() % 2000))))) }
            _ = try await registerFamily(Family(
                reference: reference, contactSurname: surnames[Int(random.next() % UInt64(surnames.count))],
                contactGivenNames: givenNames[Int(random.next() % UInt64(givenNames.count))],
                phone: String(format: "+7 900 %03d-%02d-%02d", n / 100, (n / 10) % 100, n % 100 + 10),
                address: "Омская область, с. Примерное, ул. Выдуманная, д. \(n)",
                lowIncomeUntil: today.adding(days: 30 + Int(random.next() % 300)), consentOn: today.adding(days: -60),
                children: children), by: who)
            families.append(reference)
        }

        // Open loans: most current, some backdated far enough to be overdue now.
        var open = 0
        for (index, unit) in units.enumerated() where index % 5 == 0 {
            let family = families[(index / 5) % families.count]
            let backdays = index % 35 == 0 ? 20 + Int(random.next() % 11) : Int(random.next() % 10)
            let issuedAt = backdays == 0 ? nil : clock.now().addingTimeInterval(-Double(backdays) * 86_400)
            do {
                _ = try await checkout(family: family, unit: unit.number, at: unit.centre, issuedAt: issuedAt, by: who)
                open += 1
            } catch where [.loanLimitReached, .categoryLimitReached, .noEligibleChild, .familyHasOverdue].contains(error.code) {
                continue  // The rules said no: demo data obeys them like everyone else.
            }
        }
        return DemoSummary(centres: centres.count, units: units.count, families: families.count, openLoans: open)
    }
}

/// A small deterministic generator (SplitMix64), so demo data is the same on every machine (and a
/// generated test case repeats).
package struct SplitMix64 {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
