import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Checkout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checkout", abstract: tr("Lend a unit to a family.", "Выдать вещь семье."))
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(tr("Family reference number.", "Номер семьи."), valueName: "ref"), transform: Check.reference) var family: String
    @Option(help: ArgumentHelp(tr("Inventory number of the unit.", "Инвентарный номер вещи."), valueName: "inv"), transform: Check.inventoryNumber) var unit: String
    @OptionGroup var centre: CentreOption
    @Option(name: .customLong("issued-on"), help: ArgumentHelp(tr("Backdate the checkout to this day (administrators).", "Оформить выдачу задним числом (администратор)."), valueName: "date"), transform: Check.date)
    var issuedOn: LocalDate?
    @Option(help: ArgumentHelp(tr("A key that makes a retried checkout return the first loan.", "Ключ запроса: повторная выдача с ним вернёт первую."), valueName: "key"))
    var key: String?

    func run() async throws {
        let centreCode = try centre.required()
        // Noon UTC of that day.
        let issuedAt = issuedOn.map { $0.startOfDay(in: .gmt).addingTimeInterval(12 * 3600) }
        try await perform { () async throws(RentalError) in
            let loan = try await global.client.checkout(
                CheckoutRequest(family: family, unit: ScannedCode.inventoryNumber(unit), centre: centreCode, issuedAt: issuedAt), idempotencyKey: key)
            if global.json { return Output.json(loan) }
            let type = try await global.names().itemType(loan.itemType)
            print(tr("Loan \(loan.id): \(loan.inventoryNumber) (\(type)) to family \(loan.family), due \(Output.dueDate(loan.dueDate))",
                     "Выдача \(loan.id): \(loan.inventoryNumber) (\(type)) семье \(loan.family), вернуть до \(Output.dueDate(loan.dueDate))"))
        }
    }
}

struct Return: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "return", abstract: tr("Take a unit back and say where it goes next.", "Принять вещь и сказать, куда она пойдёт дальше."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(tr("Inventory number of the unit.", "Инвентарный номер вещи."), valueName: "inv"), transform: Check.inventoryNumber) var unit: String
    @Option(help: ArgumentHelp(tr("Its condition: new, good, fair or damaged.", "Состояние: new, good, fair или damaged."))) var condition: Condition = .good
    @Option(help: ArgumentHelp(tr("A note about the return.", "Заметка о возврате."))) var note: String?
    @OptionGroup var centre: CentreOption

    func run() async throws {
        let centreCode = try centre.required()
        try await perform { () async throws(RentalError) in
            let receipt = try await global.client.returnUnit(ReturnRequest(unit: ScannedCode.inventoryNumber(unit), centre: centreCode, condition: condition, note: note))
            if global.json { return Output.json(receipt) }
            let next = Language.current.status(receipt.unitStatus)
            print(tr("Returned \(receipt.loan.inventoryNumber) (loan \(receipt.loan.id))\(receipt.wasOverdue ? ", late" : ""); the unit goes to: \(next)",
                     "Принято \(receipt.loan.inventoryNumber) (выдача \(receipt.loan.id))\(receipt.wasOverdue ? ", с опозданием" : ""); дальше: \(next)"))
            if let hold = receipt.heldFor {
                print(tr("Held for reservation \(hold) until ", "Отложена по брони \(hold) до ") + (receipt.pickupBy.map(Output.dueDate) ?? "?"))
            }
            switch (receipt.returnElsewhere, receipt.sentTo, receipt.heldFor) {
            case (.floating?, _, _):
                print(tr("Returned away from its home centre: it stays here (floating).",
                         "Возвращена не в свой центр: остаётся здесь (плавающий фонд)."))
            case (.sendHome?, let home?, _):
                print(tr("Returned away from its home centre: sent home to \(home).",
                         "Возвращена не в свой центр: отправлена домой, в \(home)."))
            case (.sendHome?, nil, _?):
                print(tr("Returned away from its home centre: kept here for a waiting family.",
                         "Возвращена не в свой центр: оставлена здесь для семьи из очереди."))
            case (.sendHome?, nil, nil):
                print(tr("Returned away from its home centre: send it home once it is ready (rentalctl units send).",
                         "Возвращена не в свой центр: когда будет готова, отправьте её домой (rentalctl units send)."))
            case (nil, _, _):
                break
            }
        }
    }
}

struct Renew: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "renew", abstract: tr("Extend a loan.", "Продлить выдачу."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(tr("The loan number.", "Номер выдачи.")), transform: Check.number) var loan: Int64

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let renewed = try await global.client.renew(loan: loan)
            if global.json { return Output.json(renewed) }
            print(tr("Loan \(renewed.id) renewed, due \(Output.dueDate(renewed.dueDate))",
                     "Выдача \(renewed.id) продлена до \(Output.dueDate(renewed.dueDate))"))
        }
    }
}

struct Lost: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lost", abstract: tr("Close a loan as lost.", "Закрыть выдачу как утерю."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(tr("The loan number.", "Номер выдачи.")), transform: Check.number) var loan: Int64
    @Option(help: ArgumentHelp(tr("Why.", "Причина."))) var note: String?

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let closed = try await global.client.markLost(loan: loan, note: note)
            if global.json { return Output.json(closed) }
            print(tr("Loan \(closed.id) closed as lost; unit \(closed.inventoryNumber) is written off as lost",
                     "Выдача \(closed.id) закрыта как утеря; вещь \(closed.inventoryNumber) отмечена утерянной"))
        }
    }
}

struct Loans: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "loans", abstract: tr("List loans.", "Список выдач."))
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(tr("Only this centre's loans.", "Только выдачи этого центра."), valueName: "code"), transform: Check.centreCode) var centre: String?
    @Option(help: ArgumentHelp(tr("Only this family's loans.", "Только выдачи этой семьи."), valueName: "ref"), transform: Check.reference) var family: String?
    @Flag(help: ArgumentHelp(tr("Only overdue loans (each in its centre's time zone).", "Только просроченные (в часовом поясе своего центра)."))) var overdue = false
    @Option(name: .customLong("due-before"), help: ArgumentHelp(tr("Only loans due before this day.", "Только выдачи со сроком до этого дня."), valueName: "date"), transform: Check.date)
    var dueBefore: LocalDate?
    @Flag(help: ArgumentHelp(tr("Closed loans too.", "Включая закрытые выдачи."))) var all = false
    @Option(help: ArgumentHelp(tr("At most this many (1 to 1000, default 100).", "Не больше стольких (1–1000, по умолчанию 100).")), transform: Check.limit) var limit = 100

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let page = try await global.client.loans(LoanFilter(centre: centre, family: family, openOnly: !all, overdueOnly: overdue,
                                                                dueBefore: dueBefore, limit: limit))
            if global.json { return Output.json(page) }
            let names = try await global.names()
            // Without --all every loan is open: the state column says so only when it tells them apart.
            Output.table(
                [tr("LOAN", "ВЫДАЧА"), tr("UNIT", "ВЕЩЬ"), tr("TYPE", "ВИД"), tr("FAMILY", "СЕМЬЯ"), tr("CENTRE", "ЦЕНТР"),
                 tr("DUE", "СРОК")] + (all ? [tr("STATE", "СОСТОЯНИЕ")] : []),
                page.items.map { loan in
                    ["\(loan.id)", loan.inventoryNumber, names.itemType(loan.itemType), loan.family, names.centre(loan.centre), Output.date(loan.dueDate)]
                        + (all ? [loan.state == .open ? tr("open", "на руках") : loan.state == .returned ? tr("returned", "возвращена") : tr("lost", "утеряна")] : [])
                })
        }
    }
}

struct ShowLoan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "loan", abstract: tr("Show one loan.", "Показать одну выдачу."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(tr("Loan number.", "Номер выдачи."), valueName: "id"), transform: Check.number) var id: Int64

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let loan = try await global.client.loan(id)
            if global.json { return Output.json(loan) }
            let names = try await global.names()
            let type = names.itemType(loan.itemType), centre = names.centre(loan.centre)
            print(tr("Loan \(loan.id): \(loan.inventoryNumber) (\(type)) to family \(loan.family) at \(centre)",
                     "Выдача \(loan.id): \(loan.inventoryNumber) (\(type)), семья \(loan.family), \(centre)"))
            print(tr("issued ", "выдана ") + Output.date(loan.issuedOn) + tr(" by ", ", выдал ") + loan.issuedBy
                  + tr(", due ", ", срок ") + Output.date(loan.dueDate) + tr(", renewals ", ", продлений ") + "\(loan.renewals)")
            if let closed = loan.closedBy {
                let state = loan.state == .returned ? tr("returned", "возвращена") : loan.state == .lost ? tr("lost", "утеряна") : tr("open", "на руках")
                print(tr("closed (\(state)) by ", "закрыта (\(state)), принял ") + closed)
            }
        }
    }
}
