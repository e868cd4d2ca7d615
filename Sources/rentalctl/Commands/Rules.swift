import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Rules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "Loan rules.", subcommands: [List.self, SetRule.self, Remove.self, Effective.self])

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

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: tr("Remove a rule (administrators).", "Удалить правило (администратор)."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("The rule's number (see `rules list`).", "Номер правила (см. `rules list`)."), valueName: "id")) var id: Int64

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
        @Option(help: ArgumentHelp(tr("Item type code (e.g. cot).", "Код вида вещей (например, cot)."), valueName: "type")) var type: String
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
