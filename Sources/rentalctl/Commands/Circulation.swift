import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Checkout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checkout", abstract: "Lend a unit to a family.")
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Family reference number.", valueName: "ref")) var family: String
    @Option(help: ArgumentHelp("Inventory number of the unit.", valueName: "inv")) var unit: String
    @OptionGroup var centre: CentreOption
    @Option(name: .customLong("issued-on"), help: ArgumentHelp("Backdate the checkout to this day (administrators).", valueName: "date"))
    var issuedOn: LocalDate?
    @Option(help: ArgumentHelp("A key that makes a retried checkout return the first loan.", valueName: "key"))
    var key: String?

    func run() async throws {
        let centreCode = try centre.required()
        // Noon UTC of that day.
        let issuedAt = issuedOn.map { $0.startOfDay(in: .gmt).addingTimeInterval(12 * 3600) }
        try await perform { () async throws(RentalError) in
            let loan = try await global.client.checkout(
                CheckoutRequest(family: family, unit: ScannedCode.inventoryNumber(unit), centre: centreCode, issuedAt: issuedAt), idempotencyKey: key)
            if global.json { return Output.json(loan) }
            print(tr("Loan \(loan.id): \(loan.inventoryNumber) (\(loan.itemType)) to family \(loan.family), due \(Output.dueDate(loan.dueDate))",
                     "Выдача \(loan.id): \(loan.inventoryNumber) (\(loan.itemType)) семье \(loan.family), вернуть до \(Output.dueDate(loan.dueDate))"))
        }
    }
}

struct Return: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "return", abstract: "Take a unit back and say where it goes next.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Inventory number of the unit.", valueName: "inv")) var unit: String
    @Option(help: "Its condition: new, good, fair or damaged.") var condition: Condition = .good
    @Option(help: "A note about the return.") var note: String?
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
    static let configuration = CommandConfiguration(commandName: "renew", abstract: "Extend a loan.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The loan number.") var loan: Int64

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
    static let configuration = CommandConfiguration(commandName: "lost", abstract: "Close a loan as lost.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The loan number.") var loan: Int64
    @Option(help: "Why.") var note: String?

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
    static let configuration = CommandConfiguration(commandName: "loans", abstract: "List loans.")
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Only this centre's loans.", valueName: "code")) var centre: String?
    @Option(help: ArgumentHelp("Only this family's loans.", valueName: "ref")) var family: String?
    @Flag(help: "Only overdue loans (each in its centre's time zone).") var overdue = false
    @Option(name: .customLong("due-before"), help: ArgumentHelp("Only loans due before this day.", valueName: "date"))
    var dueBefore: LocalDate?
    @Flag(help: "Closed loans too.") var all = false
    @Option(help: "At most this many (1–1000).") var limit = 100

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let page = try await global.client.loans(LoanFilter(centre: centre, family: family, openOnly: !all, overdueOnly: overdue,
                                                                dueBefore: dueBefore, limit: limit))
            if global.json { return Output.json(page) }
            let names = try await global.names()
            Output.table(
                [tr("LOAN", "ВЫДАЧА"), tr("UNIT", "ВЕЩЬ"), tr("TYPE", "ВИД"), tr("FAMILY", "СЕМЬЯ"), tr("CENTRE", "ЦЕНТР"),
                 tr("DUE", "СРОК"), tr("STATE", "СОСТОЯНИЕ")],
                page.items.map { loan in
                    ["\(loan.id)", loan.inventoryNumber, names.itemType(loan.itemType), loan.family, names.centre(loan.centre), Output.date(loan.dueDate),
                     loan.state == .open ? tr("open", "на руках") : loan.state == .returned ? tr("returned", "возвращена") : tr("lost", "утеряна")]
                })
        }
    }
}

struct ShowLoan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "loan", abstract: tr("Show one loan.", "Показать одну выдачу."))
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(tr("Loan number.", "Номер выдачи."), valueName: "id")) var id: Int64

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let loan = try await global.client.loan(id)
            if global.json { return Output.json(loan) }
            print(tr("Loan \(loan.id): \(loan.inventoryNumber) (\(loan.itemType)) to family \(loan.family) at \(loan.centre)",
                     "Выдача \(loan.id): \(loan.inventoryNumber) (\(loan.itemType)), семья \(loan.family), \(loan.centre)"))
            print(tr("issued ", "выдана ") + Output.date(loan.issuedOn) + tr(" by ", ", выдал ") + loan.issuedBy
                  + tr(", due ", ", срок ") + Output.date(loan.dueDate) + tr(", renewals ", ", продлений ") + "\(loan.renewals)")
            if let closed = loan.closedBy { print(tr("closed (\(loan.state.rawValue)) by ", "закрыта (\(loan.state.rawValue)), принял ") + closed) }
        }
    }
}
