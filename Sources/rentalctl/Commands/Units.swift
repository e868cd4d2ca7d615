import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Units: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "units", abstract: tr("Register, show, list and retire units.", "Учёт, просмотр и списание вещей."),
                                                    subcommands: [List.self, Show.self, Add.self, SafetyCheck.self, Retire.self, Send.self, Receive.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: tr("List units.", "Список вещей."))
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(tr("Only this centre.", "Только этот центр."), valueName: "code"), transform: Check.centreCode) var centre: String?
        @Option(help: ArgumentHelp(tr("Only this item type.", "Только этот вид вещей."), valueName: "type"), transform: Check.itemTypeCode) var type: String?
        @Option(help: ArgumentHelp(tr("Only this status.", "Только это состояние."))) var status: UnitStatus?
        @Option(help: ArgumentHelp(tr("At most this many (1 to 1000, default 100).", "Не больше стольких (1–1000, по умолчанию 100).")), transform: Check.limit) var limit = 100

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let page = try await global.client.units(centre: centre, itemType: type, status: status, limit: limit)
                if global.json { return Output.json(page) }
                let names = try await global.names()
                Output.table([tr("UNIT", "ВЕЩЬ"), tr("TYPE", "ВИД"), tr("CENTRE", "ЦЕНТР"), tr("STATUS", "СОСТОЯНИЕ")],
                             page.items.map { [$0.inventoryNumber, names.itemType($0.itemType), names.centre($0.currentCentre), Language.current.status($0.status)] })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: tr("Show one unit.", "Показать вещь."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("Inventory number.", "Инвентарный номер.")), transform: Check.inventoryNumber) var unit: String

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let unit = try await global.client.unit(ScannedCode.inventoryNumber(unit))
                if global.json { return Output.json(unit) }
                let names = try await global.names()
                print(Output.bold(unit.inventoryNumber) + "  " + names.itemType(unit.itemType))
                var lines: [(String, String)] = [
                    (tr("status", "статус"), Language.current.status(unit.status)),
                    (tr("condition", "состояние"), Language.current.condition(unit.condition)),
                    (tr("centre", "центр"), names.centre(unit.currentCentre)),
                ]
                if let destination = unit.transitTo { lines.append((tr("on the way to", "в пути в"), names.centre(destination))) }
                if unit.homeCentre != unit.currentCentre { lines.append((tr("home centre", "центр приписки"), names.centre(unit.homeCentre))) }
                if let acquired = unit.acquiredOn { lines.append((tr("acquired", "дата приобретения"), Output.date(acquired))) }
                if let cost = unit.costMinor { lines.append((tr("cost", "стоимость"), Output.money(minor: cost))) }
                if let source = unit.fundingSource { lines.append((tr("funded by", "источник финансирования"), source)) }
                if let check = unit.lastSafetyCheck { lines.append((tr("last safety check", "последняя проверка"), Output.date(check))) }
                if let note = unit.note { lines.append((tr("note", "заметка"), note)) }
                for (label, value) in lines { print("  " + label + ": " + value) }
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: tr("Register a new unit at its home centre.", "Поставить новую вещь на учёт в её центре."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("Inventory number.", "Инвентарный номер.")), transform: Check.inventoryNumber) var unit: String
        @Option(help: ArgumentHelp(tr("Item type code.", "Код вида вещей.")), transform: Check.itemTypeCode) var type: String
        @OptionGroup var centre: CentreOption
        @Option(help: ArgumentHelp(tr("Condition.", "Состояние."))) var condition: Condition = .new

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
        static let configuration = CommandConfiguration(commandName: "retire", abstract: tr("Take a unit out of service for good.", "Списать вещь."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("Inventory number.", "Инвентарный номер.")), transform: Check.inventoryNumber) var unit: String
        @Option(help: ArgumentHelp(tr("Why.", "Причина."))) var note: String?

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let retired = try await global.client.changeUnit(ScannedCode.inventoryNumber(unit), UnitStatusRequest(change: .retire, note: note))
                if global.json { return Output.json(retired) }
                print(tr("\(retired.inventoryNumber) retired", "\(retired.inventoryNumber) списана"))
            }
        }
    }

    struct SafetyCheck: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "safety-check", abstract: tr("Record an electrical safety check of a unit.", "Записать проверку электробезопасности вещи."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("Inventory number.", "Инвентарный номер."), valueName: "unit"), transform: Check.inventoryNumber) var unit: String
        @Flag(help: ArgumentHelp(tr("The unit failed the check (it goes to repair).", "Вещь проверку не прошла (уходит в ремонт)."))) var failed = false
        @Option(help: ArgumentHelp(tr("The day of the check (default: today).", "День проверки (по умолчанию сегодня)."), valueName: "date"), transform: Check.date) var on: LocalDate?

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let checked = try await global.client.recordSafetyCheck(ScannedCode.inventoryNumber(unit), SafetyCheckRequest(on: on ?? Output.today(), passed: !failed))
                if global.json { return Output.json(checked) }
                print(tr("\(checked.inventoryNumber): safety check recorded; now \(Language.current.status(checked.status))",
                         "\(checked.inventoryNumber): проверка записана; сейчас — \(Language.current.status(checked.status))"))
            }
        }
    }
}
