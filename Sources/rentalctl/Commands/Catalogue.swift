import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

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
