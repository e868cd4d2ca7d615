import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Stock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stock", abstract: tr("Units per centre and item type, by status.", "Вещи по центрам и видам, по состояниям."))
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(tr("Only this centre.", "Только этот центр."), valueName: "code"), transform: Check.centreCode) var centre: String?
    @Option(help: ArgumentHelp(tr("Only this item type.", "Только этот вид вещей."), valueName: "type"), transform: Check.itemTypeCode) var type: String?

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let lines = try await global.client.stock(centre: centre, itemType: type)
            if global.json { return Output.json(Page(items: lines)) }
            let names = try await global.names()
            Output.table(
                // Short headings for the counts leave the names room in 80 columns.
                [tr("CENTRE", "ЦЕНТР"), tr("TYPE", "ВИД"), tr("FREE", "СВОБ."), tr("ON LOAN", "ВЫДАНО"),
                 tr("HELD", "ОТЛОЖ."), tr("CLEANING", "САНОБР."), tr("REPAIR", "РЕМОНТ"), tr("TOTAL", "ВСЕГО")],
                lines.map { line in
                    [names.centre(line.centre), names.itemType(line.itemType), "\(line.count(.available))", "\(line.count(.onLoan))", "\(line.count(.held))",
                     "\(line.count(.sanitising))", "\(line.count(.inRepair))", "\(line.total)"]
                })
        }
    }
}

struct Available: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "available", abstract: tr("Is there a free unit of a type here, and if not, where?", "Есть ли здесь свободная вещь этого вида, а если нет — где?"))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(tr("Item type code (e.g. cot).", "Код вида вещей (например, cot).")), transform: Check.itemTypeCode) var type: String
    @OptionGroup var centre: CentreOption

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let answer = try await global.client.availability(of: type, at: centre.resolved)
            if global.json { return Output.json(answer) }
            let names = try await global.names()
            if let here = answer.centre.map(names.centre) {
                print(answer.here > 0 ? tr("\(answer.here) free at \(here)", "свободно здесь («\(here)»): \(answer.here)")
                                      : tr("none free at \(here)", "здесь («\(here)») свободных нет"))
            }
            let elsewhere = answer.byCentre.filter { $0.key != answer.centre }.sorted { $0.value > $1.value }
            if !elsewhere.isEmpty {
                Output.table([tr("CENTRE", "ЦЕНТР"), tr("FREE", "СВОБОДНО")], elsewhere.map { [names.centre($0.key), "\($0.value)"] })
            }
            if let here = answer.centre, answer.here == 0 {
                let proposals = try await global.client.transferProposals(centre: here).filter { $0.to == here && $0.itemType == type }
                for proposal in proposals {
                    print(tr("Reservation \(proposal.reservation) waits here: \(proposal.unit) at \(proposal.from) can be sent for it.",
                             "Здесь ждёт бронь \(proposal.reservation): для неё можно отправить \(proposal.unit) из \(proposal.from)."))
                }
            }
        }
    }
}
