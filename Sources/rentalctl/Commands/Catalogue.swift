import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Catalogue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "catalogue", abstract: tr("The item types.", "Виды вещей."), subcommands: [List.self, Show.self, Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: tr("Add an item type (administrators).", "Добавить вид вещей (администратор)."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("Code (a to z, 0 to 9, '-'), e.g. baby-bath.", "Код (a–z, 0–9, '-'), например baby-bath.")), transform: Check.itemTypeCode) var code: String
        @Option(help: ArgumentHelp(tr("The name people use.", "Название, как его называют люди."))) var name: String
        @Option(help: ArgumentHelp(tr("appliance, infant, furniture or other.", "appliance, infant, furniture или other."))) var category: Category
        @Option(name: .customLong("sanitise"), help: ArgumentHelp(tr("Sanitise after each return (default: yes for infant items).", "Санобработка после каждого возврата (по умолчанию да для детских вещей)."))) var sanitise: Bool?
        @Option(name: .customLong("safety-check-days"), help: ArgumentHelp(tr("Electrical safety check every N days.", "Проверка электробезопасности каждые N дней.")), transform: Check.count) var safetyCheckDays: Int?
        @Option(name: .customLong("infant-months"), help: ArgumentHelp(tr("Only for children younger than N months.", "Только для детей младше N месяцев.")), transform: Check.count) var infantMonths: Int?

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
        static let configuration = CommandConfiguration(commandName: "list", abstract: tr("List item types.", "Список видов вещей."))
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let types = try await global.client.itemTypes()
                if global.json { return Output.json(Page(items: types)) }
                Output.table([tr("CODE", "КОД"), tr("NAME", "НАЗВАНИЕ"), tr("CATEGORY", "КАТЕГОРИЯ"), tr("RECALLED", "ОТОЗВАН")],
                             types.map { [$0.code, $0.name, Language.current.category($0.category), $0.recalled ? tr("yes", "да") : ""] })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: tr("Show one item type with its flags.", "Показать вид вещей и его признаки."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("Item type code (e.g. cot).", "Код вида вещей (например, cot)."), valueName: "code"), transform: Check.itemTypeCode) var code: String

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let type = try await global.client.itemType(code)
                if global.json { return Output.json(type) }
                print("\(type.code)  \(type.name)  \(Language.current.category(type.category))")
                if type.sanitiseAfterReturn { print(tr("sanitised after each return", "санобработка после каждого возврата")) }
                if let days = type.safetyCheckDays { print(tr("electrical safety check every \(days) days", "проверка электробезопасности каждые \(days) дн.")) }
                if let months = type.infantAgeLimitMonths { print(tr("for children under \(months) months", "для детей младше \(months) мес.")) }
                if type.recalled { print(tr("RECALLED", "ОТОЗВАН") + (type.recallNote.map { ": \($0)" } ?? "")) }
            }
        }
    }
}
