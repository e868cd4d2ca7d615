import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Catalogue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "catalogue", abstract: "The item types.", subcommands: [List.self, Show.self, Add.self])

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

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: tr("Show one item type with its flags.", "Показать вид вещей и его признаки."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("Item type code (e.g. cot).", "Код вида вещей (например, cot)."), valueName: "code")) var code: String

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let type = try await global.client.itemType(code)
                if global.json { return Output.json(type) }
                print("\(type.code)  \(type.name)  \(type.category.rawValue)")
                if type.sanitiseAfterReturn { print(tr("sanitised after each return", "санобработка после каждого возврата")) }
                if let days = type.safetyCheckDays { print(tr("electrical safety check every \(days) days", "проверка электробезопасности каждые \(days) дн.")) }
                if let months = type.infantAgeLimitMonths { print(tr("for children under \(months) months", "для детей младше \(months) мес.")) }
                if type.recalled { print(tr("RECALLED", "ОТОЗВАН") + (type.recallNote.map { ": \($0)" } ?? "")) }
            }
        }
    }
}
