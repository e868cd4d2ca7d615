import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Families: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "families",
        abstract: "Register, find and change borrowing families.",
        subcommands: [Find.self, Show.self, Add.self, Edit.self, Suspend.self, Reinstate.self, FamilyErase.self, FamilyExport.self])

    static func show(_ family: Family) {
        print("\(family.reference)  \(family.contactSurname) \(family.contactGivenNames)")
        print(tr("phone: ", "телефон: ") + family.phone)
        print(tr("address: ", "адрес: ") + family.address)
        print(tr("low income until: ", "малоимущая до: ") + Output.date(family.lowIncomeUntil))
        print(tr("consent: ", "согласие: ") + (family.consentOn.map(Output.date) ?? tr("none", "нет")))
        print(tr("children: ", "дети: ") + family.children.map {
            Output.date($0.birthDate) + ($0.expected ? tr(" (expected)", " (ожидается)") : "")
        }.joined(separator: ", "))
        print(tr("status: ", "статус: ") + (family.status == .active ? tr("active", "активна") : tr("suspended", "приостановлена")))
    }

    struct Find: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "find", abstract: "Find by reference, phone or part of a surname (any case).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "What to look for.") var query: String

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let found = try await global.client.findFamilies(query)
                if global.json { return Output.json(Page(items: found)) }
                Output.table([tr("REFERENCE", "НОМЕР"), tr("CONTACT", "КОНТАКТ"), tr("PHONE", "ТЕЛЕФОН"), tr("STATUS", "СТАТУС")],
                             found.map { [$0.reference, "\($0.contactSurname) \($0.contactGivenNames)", $0.phone, $0.status.rawValue] })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one family.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Reference number.") var reference: String

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let family = try await global.client.family(reference)
                if global.json { return Output.json(family) }
                Families.show(family)
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Register a family.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Reference number.") var reference: String
        @Option(help: "Contact person's surname.") var surname: String
        @Option(name: .customLong("given-names"), help: "Contact person's given name and patronymic.") var givenNames = ""
        @Option(help: "Phone.") var phone: String
        @Option(help: "Address.") var address = ""
        @Option(name: .customLong("low-income-until"), help: "Last day of the low-income certificate.") var lowIncomeUntil: LocalDate
        @Option(help: "Date consent to personal-data processing was given.") var consent: LocalDate?
        @Option(name: .customLong("social-contract"), help: "Social-contract number.") var socialContract: String?
        @Option(help: "A child's birth date (repeat for each child).") var child: [LocalDate] = []
        @Option(help: "An expected child's birth date.") var expecting: [LocalDate] = []

        func run() async throws {
            let children = child.map { Child(birthDate: $0) } + expecting.map { Child(birthDate: $0, expected: true) }
            try await perform { () async throws(RentalError) in
                let family = try await global.client.registerFamily(Family(
                    reference: reference, contactSurname: surname, contactGivenNames: givenNames, phone: phone, address: address,
                    lowIncomeUntil: lowIncomeUntil, socialContract: socialContract, consentOn: consent, children: children))
                if global.json { return Output.json(family) }
                print(tr("Registered family \(family.reference)", "Семья \(family.reference) зарегистрирована"))
            }
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "edit", abstract: "Change a family's details.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Reference number.") var reference: String
        @Option(help: "New phone.") var phone: String?
        @Option(help: "New address.") var address: String?
        @Option(name: .customLong("low-income-until"), help: "New end of the low-income certificate.") var lowIncomeUntil: LocalDate?
        @Option(help: "Date consent was given.") var consent: LocalDate?

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let family = try await global.client.updateFamily(reference, FamilyUpdate(
                    phone: phone, address: address, lowIncomeUntil: lowIncomeUntil, consentOn: consent))
                if global.json { return Output.json(family) }
                Families.show(family)
            }
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "suspend", abstract: "Suspend a family (no more checkouts).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Reference number.") var reference: String

        func run() async throws {
            try await Families.setStatus(.suspended, reference, global)
        }
    }

    struct Reinstate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reinstate", abstract: "Reinstate a suspended family.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Reference number.") var reference: String

        func run() async throws {
            try await Families.setStatus(.active, reference, global)
        }
    }

    static func setStatus(_ status: FamilyStatus, _ reference: String, _ global: GlobalOptions) async throws {
        try await perform { () async throws(RentalError) in
            let family = try await global.client.setFamilyStatus(status, family: reference)
            if global.json { return Output.json(family) }
            print(status == .active ? tr("Family \(family.reference) reinstated", "Семья \(family.reference) восстановлена")
                                    : tr("Family \(family.reference) suspended", "Семья \(family.reference) приостановлена"))
        }
    }
}

struct Units: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "units", abstract: "Register, show, list and retire units.",
                                                    subcommands: [List.self, Show.self, Add.self, Retire.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List units.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Only this centre.", valueName: "code")) var centre: String?
        @Option(help: ArgumentHelp("Only this item type.", valueName: "type")) var type: String?
        @Option(help: "Only this status.") var status: UnitStatus?
        @Option(help: "At most this many (1–1000).") var limit = 100

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let page = try await global.client.units(centre: centre, itemType: type, status: status, limit: limit)
                if global.json { return Output.json(page) }
                Output.table([tr("UNIT", "ВЕЩЬ"), tr("TYPE", "ВИД"), tr("CENTRE", "ЦЕНТР"), tr("STATUS", "СОСТОЯНИЕ")],
                             page.items.map { [$0.inventoryNumber, $0.itemType, $0.currentCentre, Language.current.status($0.status)] })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one unit.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Inventory number.") var unit: String

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let unit = try await global.client.unit(unit)
                if global.json { return Output.json(unit) }
                print("\(unit.inventoryNumber)  \(unit.itemType)  \(Language.current.status(unit.status))  \(unit.currentCentre)")
                if let check = unit.lastSafetyCheck { print(tr("last safety check: ", "последняя проверка: ") + Output.date(check)) }
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Register a new unit at its home centre.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Inventory number.") var unit: String
        @Option(help: "Item type code.") var type: String
        @OptionGroup var centre: CentreOption
        @Option(help: "Condition.") var condition: Condition = .new

        func run() async throws {
            let centreCode = try centre.required()
            try await perform { () async throws(RentalError) in
                let added = try await global.client.addUnit(NewUnit(inventoryNumber: unit, itemType: type, centre: centreCode, condition: condition))
                if global.json { return Output.json(added) }
                print(tr("Registered \(added.inventoryNumber) at \(added.homeCentre)", "Вещь \(added.inventoryNumber) поставлена на учёт в \(added.homeCentre)"))
            }
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "retire", abstract: "Take a unit out of service for good.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Inventory number.") var unit: String
        @Option(help: "Why.") var note: String?

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let retired = try await global.client.changeUnit(unit, UnitStatusRequest(change: .retire, note: note))
                if global.json { return Output.json(retired) }
                print(tr("\(retired.inventoryNumber) retired", "\(retired.inventoryNumber) списана"))
            }
        }
    }
}

struct Catalogue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "catalogue", abstract: "The item types.", subcommands: [List.self, Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add an item type (administrators).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Code (a–z, 0–9, '-'), e.g. baby-bath.") var code: String
        @Option(help: "The name people use.") var name: String
        @Option(help: "appliance, infant, furniture or other.") var category: Category
        @Option(name: .customLong("sanitise"), help: "Sanitise after each return (default: yes for infant items).") var sanitise: Bool?
        @Option(name: .customLong("safety-check-days"), help: "Electrical safety check every N days.") var safetyCheckDays: Int?
        @Option(name: .customLong("infant-months"), help: "Only for children younger than N months.") var infantMonths: Int?

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let added = try await global.client.addItemType(ItemType(
                    code: code, name: name, category: category, sanitiseAfterReturn: sanitise ?? (category == .infant),
                    safetyCheckDays: safetyCheckDays, infantAgeLimitMonths: infantMonths))
                if global.json { return Output.json(added) }
                print(tr("Added item type \(added.code)", "Вид вещей \(added.code) добавлен"))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List item types.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let types = try await global.client.itemTypes()
                if global.json { return Output.json(Page(items: types)) }
                Output.table([tr("CODE", "КОД"), tr("NAME", "НАЗВАНИЕ"), tr("CATEGORY", "КАТЕГОРИЯ"), tr("RECALLED", "ОТОЗВАН")],
                             types.map { [$0.code, $0.name, $0.category.rawValue, $0.recalled ? tr("yes", "да") : ""] })
            }
        }
    }
}

struct Centres: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "centres", abstract: "Centres and their calendars.",
                                                    subcommands: [List.self, Show.self, CloseDay.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List centres.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let centres = try await global.client.centres()
                if global.json { return Output.json(Page(items: centres)) }
                Output.table([tr("CODE", "КОД"), tr("NAME", "НАЗВАНИЕ"), tr("TIME ZONE", "ЧАСОВОЙ ПОЯС")],
                             centres.map { [$0.code, $0.name, $0.timeZone] })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a centre with its closures.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Centre code.") var centre: String

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let found = try await global.client.centre(centre)
                if global.json { return Output.json(found) }
                print("\(found.code)  \(found.name)  \(found.timeZone)")
                print(tr("open: ", "работает: ") + Weekday.allCases.filter(found.openDays.contains).map(Language.current.weekday).joined(separator: ", "))
                for closure in found.closures {
                    print(tr("closed ", "закрыт ") + "\(Output.date(closure.firstDay))–\(Output.date(closure.lastDay)) \(closure.note)")
                }
            }
        }
    }

    struct CloseDay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close-day", abstract: "Record that a centre is closed on a day (or a run of days).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "First closed day.") var day: LocalDate
        @Option(help: "Last closed day (default: the same day).") var through: LocalDate?
        @Option(help: "holiday, emergency or other.") var kind: String = "emergency"
        @Option(help: "A note for staff.") var note: String?
        @OptionGroup var centre: CentreOption
        @Flag(name: .customLong("shift-due-dates"), help: "Also move loans due on the closed days to the next open day.")
        var shift = false

        func run() async throws {
            let centreCode = try centre.required()
            guard let kind = Closure.Kind(rawValue: kind) else { throw ValidationError("--kind must be holiday, emergency or other") }
            try await perform { () async throws(RentalError) in
                let closure = try await global.client.addClosure(ClosureRequest(firstDay: day, lastDay: through ?? day, kind: kind, note: note),
                                                                 centre: centreCode)
                let moved = shift ? try await global.client.shiftDueDates(centre: centreCode) : []
                if global.json { return Output.json(closure) }
                print(tr("\(centreCode) closed \(Output.date(closure.firstDay))–\(Output.date(closure.lastDay)); \(moved.count) loans moved",
                         "\(centreCode) закрыт \(Output.date(closure.firstDay))–\(Output.date(closure.lastDay)); перенесено выдач: \(moved.count)"))
            }
        }
    }
}

struct Rules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "Loan rules.", subcommands: [List.self, SetRule.self])

    struct SetRule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Create or replace the rule for a scope (administrators).",
            discussion: "Periods are written as 14d or 3m (days or months).")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Only at this centre (default: all centres).", valueName: "code")) var centre: String?
        @Option(help: "Only this category.") var category: Category?
        @Option(help: ArgumentHelp("Only this item type.", valueName: "type")) var type: String?
        @Option(help: "Loan period: 14d or 3m.") var period: String
        @Option(help: "Renewals allowed.") var renewals = 0
        @Option(name: .customLong("renewal-period"), help: "Each renewal adds: 14d or 1m (default: the period).") var renewalPeriod: String?
        @Option(name: .customLong("max-loans"), help: "Open loans per family in all.") var maxLoans: Int?
        @Option(name: .customLong("max-in-category"), help: "Open loans per family in the item's category.") var maxInCategory: Int?
        @Option(name: .customLong("infant-months"), help: "Overrides the item type's infant age limit.") var infantMonths: Int?

        static func parse(_ text: String, option: String) throws -> LoanPeriod {
            guard let unit = text.last, let count = Int(text.dropLast()), count > 0, unit == "d" || unit == "m" else {
                throw ValidationError("\(option) must be like 14d or 3m, not '\(text)'")
            }
            return LoanPeriod(count, unit == "d" ? .days : .months)
        }

        func run() async throws {
            let rule = LoanRule(scope: RuleScope(centre: centre, category: category, itemType: type),
                                period: try Self.parse(period, option: "--period"), renewalsAllowed: renewals,
                                renewalPeriod: try renewalPeriod.map { try Self.parse($0, option: "--renewal-period") },
                                maxOpenLoans: maxLoans, maxOpenLoansInCategory: maxInCategory, infantAgeLimitMonths: infantMonths)
            try await perform { () async throws(RentalError) in
                let stored = try await global.client.setRule(rule)
                if global.json { return Output.json(stored) }
                print(tr("Rule \(stored.id) set: \(stored.period)", "Правило \(stored.id) задано: \(stored.period)"))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List loan rules, most general first.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let rules = try await global.client.rules()
                if global.json { return Output.json(Page(items: rules)) }
                Output.table([tr("ID", "№"), tr("CENTRE", "ЦЕНТР"), tr("APPLIES TO", "ДЛЯ"), tr("PERIOD", "СРОК"), tr("RENEWALS", "ПРОДЛЕНИЙ"),
                              tr("MAX LOANS", "МАКС. ВЫДАЧ")],
                             rules.map { rule in
                                 ["\(rule.id)", rule.scope.centre ?? "*", rule.scope.itemType ?? rule.scope.category?.rawValue ?? "*",
                                  rule.period.description, "\(rule.renewalsAllowed)", rule.maxOpenLoans.map(String.init) ?? "-"]
                             })
            }
        }
    }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit trail.", subcommands: [List.self, Verify.self],
                                                    defaultSubcommand: List.self)

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check the audit trail's hash chain; exit 65 at the first broken link.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            var broken = false
            try await perform { () async throws(RentalError) in
                let result = try await global.client.verifyAudit()
                broken = result.firstBroken != nil
                if global.json { return Output.json(result) }
                if let first = result.firstBroken {
                    print(tr("BROKEN at event \(first): \(result.problem ?? "") (\(result.checked) events before it are intact)",
                             "НАРУШЕНА на записи \(first): \(result.problem ?? "") (\(result.checked) записей до неё целы)"))
                } else {
                    print(tr("intact: \(result.checked) events", "цела: \(result.checked) записей"))
                }
            }
            if broken { throw ExitCode(ExitStatus.refused) }
        }
    }
}

extension Audit {
    struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List audit events.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Events after this sequence number.") var since: Int64 = 0
    @Option(help: "Only this kind of entity (loan, unit, family, …).") var entity: String?
    @Option(help: "Only this entity key (with --entity).") var key: String?
    @Option(help: "At most this many (1–1000).") var limit = 100

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let page = try await global.client.audit(since: since, entity: entity, key: key, limit: limit)
            if global.json { return Output.json(page) }
            Output.table([tr("SEQ", "№"), tr("WHEN (UTC)", "КОГДА (UTC)"), tr("WHO", "КТО"), tr("WHAT", "ЧТО"), tr("ENTITY", "ОБЪЕКТ")],
                         page.items.map { ["\($0.sequence)", $0.at.formatted(.iso8601), $0.actor, $0.action, "\($0.entity) \($0.entityKey)"] })
        }
    }
}
}
