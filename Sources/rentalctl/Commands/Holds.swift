import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

/// How reservations read in a table or a sentence.
enum ReservationText {
    static func state(_ state: ReservationState) -> String {
        switch state {
        case .waiting: tr("waiting", "в очереди")
        case .held: tr("held", "отложена")
        case .fulfilled: tr("fulfilled", "выдана")
        case .expired: tr("expired", "истекла")
        case .cancelled: tr("cancelled", "отменена")
        }
    }

    /// Position, hold or outcome in a few words.
    static func detail(_ reservation: Reservation) -> String {
        switch reservation.state {
        case .waiting:
            var text = tr("#\(reservation.position) in the queue", "\(reservation.position)-я в очереди")
            if let expected = reservation.expectedBy { text += tr(", expected by ", ", ожидается к ") + Output.date(expected) }
            if let skip = reservation.skipReason { text += tr(", passed over: ", ", пропущена: ") + skip }
            return text
        case .held:
            return tr("unit \(reservation.heldUnit ?? "?") held until ", "вещь \(reservation.heldUnit ?? "?") отложена до ")
                + (reservation.pickupBy.map(Output.dueDate) ?? "?")
        case .fulfilled, .expired, .cancelled:
            return reservation.closeReason ?? ""
        }
    }

    /// The sentence after `rentalctl reserve` or `reservations show`.
    static func describe(_ reservation: Reservation, names: Names) {
        let type = names.itemType(reservation.itemType), centre = names.centre(reservation.centre)
        print(tr("Reservation \(reservation.id): family \(reservation.family), \(type) at \(centre) — ",
                 "Бронь \(reservation.id): семья \(reservation.family), «\(type)», центр «\(centre)» — ")
              + (reservation.state == .held ? "" : state(reservation.state) + ", ") + detail(reservation))
        if let proposal = reservation.proposal {
            let from = names.centre(proposal.from)
            print(tr("A free unit stands at \(from): staff there can send it with",
                     "Свободная вещь есть в центре «\(from)»: там её можно отправить командой"))
            print("  rentalctl units send \(proposal.unit) --to \(proposal.to) --reservation \(proposal.reservation) --centre \(proposal.from)")
        }
    }

    static func table(_ reservations: [Reservation], names: Names) {
        Output.table([tr("ID", "№"), tr("FAMILY", "СЕМЬЯ"), tr("TYPE", "ВИД"), tr("CENTRE", "ЦЕНТР"), tr("STATE", "СОСТОЯНИЕ"),
                      tr("DETAIL", "ПОДРОБНО")],
                     reservations.map { ["\($0.id)", $0.family, names.itemType($0.itemType), names.centre($0.centre), state($0.state), detail($0)] })
    }
}

struct Reserve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reserve", abstract: tr("Put a family on the waiting list for an item type (held at once when one is free).", "Поставить семью в очередь на вид вещей (вещь сразу откладывается, если свободна)."))
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(tr("Family reference number.", "Номер семьи."), valueName: "ref"), transform: Check.reference) var family: String
    @Option(help: ArgumentHelp(tr("Item type code (e.g. cot).", "Код вида вещей (например, cot)."), valueName: "type"), transform: Check.itemTypeCode) var type: String
    @OptionGroup var centre: CentreOption

    func run() async throws {
        let centreCode = try centre.required()
        try await perform { () async throws(RentalError) in
            let reservation = try await global.client.reserve(ReservationRequest(family: family, itemType: type, centre: centreCode))
            if global.json { return Output.json(reservation) }
            // The reservation is made: names that cannot be read now leave the codes, not an error.
            ReservationText.describe(reservation, names: (try? await global.names()) ?? .codes)
        }
    }
}

struct Reservations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reservations", abstract: tr("Waiting lists: list, show and cancel reservations.", "Очереди: список, просмотр и отмена."),
        subcommands: [List.self, Show.self, Cancel.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: tr("A family's reservations, or the queue for a type at a centre.", "Очереди семьи или очередь на вид вещей в центре."))
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(tr("A family's reservations.", "Очереди семьи."), valueName: "ref"), transform: Check.reference) var family: String?
        @Option(help: ArgumentHelp(tr("The queue for this item type (at --centre).", "Очередь на этот вид вещей (в --centre)."), valueName: "type"), transform: Check.itemTypeCode) var type: String?
        @OptionGroup var centre: CentreOption

        func run() async throws {
            guard family != nil || type != nil else {
                throw ValidationError(tr("Name a family with --family, or a type with --type.", "Укажите семью (--family) или вид (--type)."))
            }
            let centreCode = family == nil ? try centre.required() : nil
            try await perform { () async throws(RentalError) in
                let list = if let family { try await global.client.reservations(family: family) }
                    else { try await global.client.reservations(itemType: type ?? "", centre: centreCode ?? "") }
                if global.json { return Output.json(Page(items: list)) }
                guard !list.isEmpty else { return print(tr("No reservations.", "Броней нет.")) }
                ReservationText.table(list, names: try await global.names())
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: tr("One reservation, with a transfer proposal.", "Одна очередь с предложением перемещения."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("The reservation number.", "Номер очереди.")), transform: Check.number) var id: Int64

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let reservation = try await global.client.reservation(id)
                if global.json { return Output.json(reservation) }
                ReservationText.describe(reservation, names: try await global.names())
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel", abstract: tr("Take a family off the waiting list (a held unit goes to the next family).", "Убрать семью из очереди (отложенная вещь переходит следующей семье)."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("The reservation number.", "Номер очереди.")), transform: Check.number) var id: Int64

        func run() async throws {
            try await perform { () async throws(RentalError) in
                try await global.client.cancelReservation(id)
                if global.json { return Output.json(["cancelled": id]) }
                print(tr("Reservation \(id) cancelled.", "Бронь \(id) отменена."))
            }
        }
    }
}

struct Holds: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holds", abstract: tr("Units held for families, ready for pickup.", "Вещи, отложенные для семей и ждущие получения."),
        subcommands: [List.self, Cancel.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: tr("Holds at a centre, soonest deadline first.", "Отложенные вещи центра, сначала с ближайшим сроком."))
        @OptionGroup var global: GlobalOptions
        @OptionGroup var centre: CentreOption

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let holds = try await global.client.holds(centre: centre.resolved)
                if global.json { return Output.json(Page(items: holds)) }
                guard !holds.isEmpty else { return print(tr("Nothing is held.", "Отложенных вещей нет.")) }
                let names = try await global.names()
                Output.table([tr("ID", "№"), tr("UNIT", "ВЕЩЬ"), tr("TYPE", "ВИД"), tr("FAMILY", "СЕМЬЯ"), tr("CENTRE", "ЦЕНТР"),
                              tr("PICK UP BY", "ЗАБРАТЬ ДО")],
                             holds.map { ["\($0.id)", $0.heldUnit ?? "", names.itemType($0.itemType), $0.family, names.centre($0.centre),
                                          $0.pickupBy.map(Output.dueDate) ?? ""] })
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cancel", abstract: tr("Cancel a hold; the unit goes to the next family.", "Снять отложенную вещь; она переходит следующей семье."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("The reservation number of the hold.", "Номер очереди отложенной вещи.")), transform: Check.number) var id: Int64

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let cancelled = try await global.client.cancelHold(id)
                if global.json { return Output.json(cancelled) }
                print(tr("Hold \(id) cancelled; unit \(cancelled.heldUnit ?? "?") went on to the next family or back to the shelf.",
                         "Бронь \(id) отменена; вещь \(cancelled.heldUnit ?? "?") передана следующей семье или возвращена на полку."))
            }
        }
    }
}

struct Recall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recall", abstract: tr("Recall an item type (administrators), or lift a recall.", "Отозвать вид вещей (администратор) или снять отзыв."),
        subcommands: [Run.self, Lift.self], defaultSubcommand: Run.self)

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: tr("Take every free and held unit of a type out of circulation and list its open loans.", "Вывести из оборота все свободные и отложенные вещи вида и перечислить его выдачи."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("Item type code.", "Код вида вещей.")), transform: Check.itemTypeCode) var type: String
        @Option(help: ArgumentHelp(tr("Why (the manufacturer's notice).", "Причина (уведомление производителя)."))) var note: String?

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let report = try await global.client.recall(RecallRunRequest(itemType: type, note: note))
                if global.json { return Output.json(report) }
                print(tr("\(type) recalled: \(report.withdrawnUnits.count) free units withdrawn, \(report.releasedHolds.count) holds released, \(report.closedReservations.count) reservations closed.",
                         "\(type) отозван: изъято свободных вещей — \(report.withdrawnUnits.count), снято броней — \(report.releasedHolds.count), закрыто очередей — \(report.closedReservations.count)."))
                guard !report.openLoans.isEmpty else { return }
                print(tr("Call these families back:", "Позвоните этим семьям:"))
                Output.table([tr("LOAN", "ВЫДАЧА"), tr("UNIT", "ВЕЩЬ"), tr("FAMILY", "СЕМЬЯ"), tr("CENTRE", "ЦЕНТР")],
                             report.openLoans.map { ["\($0.id)", $0.inventoryNumber, $0.family, $0.centre] })
            }
        }
    }

    struct Lift: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lift", abstract: tr("Return a recalled type to service once each unit passed a safety check.", "Вернуть отозванный вид в оборот, когда каждая вещь прошла проверку."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("Item type code.", "Код вида вещей.")), transform: Check.itemTypeCode) var type: String

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let lifted = try await global.client.liftRecall(itemType: type)
                if global.json { return Output.json(lifted) }
                print(tr("The recall of \(type) is lifted.", "Отзыв \(type) снят."))
            }
        }
    }
}
