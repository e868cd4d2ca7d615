import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

extension Units {
    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send", abstract: tr("Send an available unit to another centre (optionally for a reservation there).", "Отправить свободную вещь в другой центр (можно — для очереди там)."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("Inventory number.", "Инвентарный номер.")), transform: Check.inventoryNumber) var unit: String
        @Option(help: ArgumentHelp(tr("Destination centre code.", "Код центра назначения."), valueName: "code"), transform: Check.centreCode) var to: String
        @Option(help: ArgumentHelp(tr("The reservation at the destination it is for.", "Очередь в центре назначения, для которой отправляется вещь."), valueName: "id"), transform: Check.number) var reservation: Int64?
        @Option(help: ArgumentHelp(tr("A note.", "Заметка."))) var note: String?

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let transfer = try await global.client.send(unit: unit, SendRequest(centre: to, reservation: reservation, note: note))
                if global.json { return Output.json(transfer) }
                print(tr("\(transfer.unit) sent from \(transfer.from) to \(transfer.to)",
                         "\(transfer.unit) отправлена из \(transfer.from) в \(transfer.to)")
                      + (transfer.reservation.map { tr(" for reservation \($0)", " для брони \($0)") } ?? "") + ".")
            }
        }
    }

    struct Receive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "receive", abstract: tr("Take in a unit that arrived (held at once when a family waits here).", "Принять прибывшую вещь (сразу откладывается, если здесь ждёт семья)."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("Inventory number.", "Инвентарный номер.")), transform: Check.inventoryNumber) var unit: String
        @Option(help: ArgumentHelp(tr("A note.", "Заметка."))) var note: String?

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let receipt = try await global.client.receive(unit: unit, note: note)
                if global.json { return Output.json(receipt) }
                if let hold = receipt.heldFor {
                    print(tr("\(receipt.unit.inventoryNumber) received at \(receipt.unit.currentCentre) and held for family \(hold.family) (reservation \(hold.id)) until ",
                             "\(receipt.unit.inventoryNumber) принята в \(receipt.unit.currentCentre) и отложена для семьи \(hold.family) (бронь \(hold.id)) до ")
                          + (hold.pickupBy.map(Output.dueDate) ?? "?"))
                } else {
                    print(tr("\(receipt.unit.inventoryNumber) received at \(receipt.unit.currentCentre): available.",
                             "\(receipt.unit.inventoryNumber) принята в \(receipt.unit.currentCentre): в наличии."))
                }
            }
        }
    }
}

struct Transfers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfers", abstract: tr("Units in transit between centres, and what could be sent where.", "Вещи в пути между центрами и что куда можно отправить."),
        subcommands: [List.self, Proposals.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: tr("Units in transit, with days on the way.", "Вещи в пути, с числом дней в дороге."))
        @OptionGroup var global: GlobalOptions
        @OptionGroup var centre: CentreOption

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let transfers = try await global.client.transfers(centre: centre.resolved)
                if global.json { return Output.json(Page(items: transfers)) }
                guard !transfers.isEmpty else { return print(tr("Nothing is in transit.", "В пути ничего нет.")) }
                Output.table([tr("UNIT", "ВЕЩЬ"), tr("TYPE", "ВИД"), tr("FROM", "ОТКУДА"), tr("TO", "КУДА"), tr("SENT BY", "ОТПРАВИЛ"),
                              tr("ON THE WAY", "В ПУТИ"), tr("RESERVATION", "БРОНЬ")],
                             transfers.map { [$0.unit, $0.itemType, $0.from, $0.to, $0.sentBy ?? "", $0.daysOnTheWay.map(Plural.days) ?? "",
                                              $0.reservation.map { "\($0)" } ?? ""] })
            }
        }
    }

    struct Proposals: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "proposals", abstract: tr("Free units that could go to families waiting at other centres.", "Свободные вещи, которые можно отправить семьям из очередей других центров."))
        @OptionGroup var global: GlobalOptions
        @OptionGroup var centre: CentreOption

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let proposals = try await global.client.transferProposals(centre: centre.resolved)
                if global.json { return Output.json(Page(items: proposals)) }
                guard !proposals.isEmpty else { return print(tr("Nothing to send.", "Отправлять нечего.")) }
                Output.table([tr("UNIT", "ВЕЩЬ"), tr("TYPE", "ВИД"), tr("FROM", "ОТКУДА"), tr("TO", "КУДА"), tr("RESERVATION", "БРОНЬ")],
                             proposals.map { [$0.unit, $0.itemType, $0.from, $0.to, "\($0.reservation)"] })
            }
        }
    }
}
