import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Rules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: tr("Loan rules.", "Правила выдачи."), subcommands: [List.self, SetRule.self, Remove.self, Effective.self])

    struct SetRule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: tr("Create or replace the rule for a scope (administrators).", "Создать или заменить правило (администратор)."),
            discussion: tr("Periods are written as 14d or 3m (days or months).", "Сроки пишутся как 14d или 3m (дни или месяцы)."))
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(tr("Only at this centre (default: all centres).", "Только в этом центре (по умолчанию во всех)."), valueName: "code"), transform: Check.centreCode) var centre: String?
        @Option(help: ArgumentHelp(tr("Only this category.", "Только эта категория."))) var category: Category?
        @Option(help: ArgumentHelp(tr("Only this item type.", "Только этот вид вещей."), valueName: "type"), transform: Check.itemTypeCode) var type: String?
        @Option(help: ArgumentHelp(tr("Loan period: 14d or 3m.", "Срок выдачи: 14d или 3m."))) var period: String
        @Option(help: ArgumentHelp(tr("Renewals allowed (default 0).", "Разрешено продлений (по умолчанию 0).")), transform: Check.count) var renewals = 0
        @Option(name: .customLong("renewal-period"), help: ArgumentHelp(tr("Each renewal adds: 14d or 1m (default: the period).", "Продление добавляет: 14d или 1m (по умолчанию — срок выдачи)."))) var renewalPeriod: String?
        @Option(name: .customLong("max-loans"), help: ArgumentHelp(tr("Open loans per family in all.", "Всего открытых выдач на семью.")), transform: Check.count) var maxLoans: Int?
        @Option(name: .customLong("max-in-category"), help: ArgumentHelp(tr("Open loans per family in the item's category.", "Открытых выдач на семью в категории вещи.")), transform: Check.count) var maxInCategory: Int?
        @Option(name: .customLong("infant-months"), help: ArgumentHelp(tr("Overrides the item type's infant age limit.", "Заменяет возрастное ограничение вида вещей.")), transform: Check.count) var infantMonths: Int?

        static func parse(_ text: String, option: String) throws -> LoanPeriod {
            guard let unit = text.last, let count = Int(text.dropLast()), count > 0, unit == "d" || unit == "m" else {
                throw ValidationError(tr("\(option): not a period; write days or months like 14d or 3m", "\(option): это не срок; пишите дни или месяцы так: 14d или 3m"))
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
        static let configuration = CommandConfiguration(commandName: "list", abstract: tr("List loan rules, most general first.", "Список правил выдачи, от общих к частным."))
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let rules = try await global.client.rules()
                if global.json { return Output.json(Page(items: rules)) }
                let names = try await global.names()
                Output.table([tr("ID", "№"), tr("CENTRE", "ЦЕНТР"), tr("APPLIES TO", "ДЛЯ"), tr("PERIOD", "СРОК"), tr("RENEWALS", "ПРОДЛЕНИЙ"),
                              tr("MAX LOANS", "МАКС. ВЫДАЧ")],
                             rules.map { rule in
                                 ["\(rule.id)", rule.scope.centre.map(names.centre) ?? "*",
                                  rule.scope.itemType.map(names.itemType) ?? rule.scope.category.map(Language.current.category) ?? "*",
                                  Language.current.period(rule.period), "\(rule.renewalsAllowed)", rule.maxOpenLoans.map(String.init) ?? "-"]
                             })
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: tr("Remove a rule (administrators).", "Удалить правило (администратор)."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("The rule's number (see `rules list`).", "Номер правила (см. `rules list`)."), valueName: "id"), transform: Check.number) var id: Int64

        func run() async throws {
            try await perform { () async throws(RentalError) in
                try await global.client.removeRule(id)
                if global.json { return Output.json(["removed": id]) }
                print(tr("Rule \(id) removed", "Правило \(id) удалено"))
            }
        }
    }

    struct Effective: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "effective", abstract: tr("The rule that applies to an item type at a centre.", "Какое правило действует для вида вещей в центре."))
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(tr("Item type code (e.g. cot).", "Код вида вещей (например, cot)."), valueName: "type"), transform: Check.itemTypeCode) var type: String
        @OptionGroup var centre: CentreOption

        func run() async throws {
            let centreCode = try centre.required()
            try await perform { () async throws(RentalError) in
                let rule = try await global.client.effectiveRule(centre: centreCode, itemType: type)
                if global.json { return Output.json(rule) }
                print(tr("Rule \(rule.id): \(rule.period), renewals \(rule.renewalsAllowed)", "Правило \(rule.id): \(rule.period), продлений \(rule.renewalsAllowed)")
                      + (rule.maxOpenLoans.map { tr(", at most \($0) loans", ", не более \($0) выдач") } ?? ""))
            }
        }
    }
}
