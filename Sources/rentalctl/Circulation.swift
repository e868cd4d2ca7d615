import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the daemon's health, version and counts.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let health = try await global.client.health()
            if global.json { return Output.json(health) }
            let s = health.summary
            print(tr("rentald \(health.version) (API v\(health.apiVersion)) is running, up \(health.uptimeSeconds) s",
                     "rentald \(health.version) (API v\(health.apiVersion)) работает \(health.uptimeSeconds) с"))
            print(tr("you: \(health.caller) (\(health.role))", "вы: \(health.caller) (\(health.role))"))
            print(tr("\(s.centres) centres, \(s.units) units, \(s.families) families, \(s.openLoans) open loans, \(s.overdueLoans) overdue",
                     "центров: \(s.centres), вещей: \(s.units), семей: \(s.families), на руках: \(s.openLoans), просрочено: \(s.overdueLoans)"))
        }
    }
}

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
            Output.table(
                [tr("LOAN", "ВЫДАЧА"), tr("UNIT", "ВЕЩЬ"), tr("TYPE", "ВИД"), tr("FAMILY", "СЕМЬЯ"), tr("CENTRE", "ЦЕНТР"),
                 tr("DUE", "СРОК"), tr("STATE", "СОСТОЯНИЕ")],
                page.items.map { loan in
                    ["\(loan.id)", loan.inventoryNumber, loan.itemType, loan.family, loan.centre, Output.date(loan.dueDate),
                     loan.state == .open ? tr("open", "на руках") : loan.state == .returned ? tr("returned", "возвращена") : tr("lost", "утеряна")]
                })
        }
    }
}

struct Stock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stock", abstract: "Units per centre and item type, by status.")
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Only this centre.", valueName: "code")) var centre: String?
    @Option(help: ArgumentHelp("Only this item type.", valueName: "type")) var type: String?

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let lines = try await global.client.stock(centre: centre, itemType: type)
            if global.json { return Output.json(Page(items: lines)) }
            Output.table(
                [tr("CENTRE", "ЦЕНТР"), tr("TYPE", "ВИД"), tr("AVAILABLE", "В НАЛИЧИИ"), tr("ON LOAN", "ВЫДАНО"),
                 tr("HELD", "ОТЛОЖЕНО"), tr("SANITISING", "САНОБРАБОТКА"), tr("REPAIR", "РЕМОНТ"), tr("TOTAL", "ВСЕГО")],
                lines.map { line in
                    [line.centre, line.itemType, "\(line.count(.available))", "\(line.count(.onLoan))", "\(line.count(.held))",
                     "\(line.count(.sanitising))", "\(line.count(.inRepair))", "\(line.total)"]
                })
        }
    }
}

struct Available: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "available", abstract: "Is there a free unit of a type here, and if not, where?")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Item type code (e.g. cot).") var type: String
    @OptionGroup var centre: CentreOption

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let answer = try await global.client.availability(of: type, at: centre.resolved)
            if global.json { return Output.json(answer) }
            if let here = answer.centre {
                print(answer.here > 0 ? tr("\(answer.here) free at \(here)", "свободно в \(here): \(answer.here)")
                                      : tr("none free at \(here)", "в \(here) свободных нет"))
            }
            let elsewhere = answer.byCentre.filter { $0.key != answer.centre }.sorted { $0.value > $1.value }
            if !elsewhere.isEmpty {
                Output.table([tr("CENTRE", "ЦЕНТР"), tr("FREE", "СВОБОДНО")], elsewhere.map { [$0.key, "\($0.value)"] })
            }
        }
    }
}
