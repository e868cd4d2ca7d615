import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

/// `rentalctl print …`: the papers at the desk, as HTML for A4 on stdout or as a PDF.
struct Print: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print", abstract: tr("Print a loan's contract or acts, a family's card, or inventory labels.", "Печать договора и актов выдачи, карточки семьи или инвентарных этикеток."),
        discussion: tr("""
            HTML for A4 goes to standard output (open it in a browser and print); --pdf FILE renders it with \
            Debian's chromium (or weasyprint) found on this machine.
            """, """
            HTML для листа A4 выводится на стандартный вывод (откройте в браузере и распечатайте); --pdf ФАЙЛ \
            делает PDF через chromium (или weasyprint), найденный на этой машине.
            """),
        subcommands: [LoanPaper.self, HandoverAct.self, ReturnAct.self, FamilyCard.self, LabelSheet.self])

    /// Where a page goes.
    struct Destination: ParsableArguments {
        @Option(help: ArgumentHelp(tr("Write a PDF to this file instead of HTML to standard output.", "Записать PDF в этот файл вместо HTML на стандартный вывод."), valueName: "file"))
        var pdf: String?

        func deliver(_ html: String) throws {
            guard let pdf else {
                Console.writeOutput(html)
                return
            }
            try PDFRenderer.render(html, to: pdf)
            Console.writeError(tr("Wrote \(pdf)\n", "Записано: \(pdf)\n"))
        }
    }

    static func loanDocument(_ kind: String, loan: Int64, copies: Int?, global: GlobalOptions, destination: Destination) async throws {
        var html = ""
        try await perform { () async throws(RentalError) in
            html = try await global.client.loanDocument(kind, loan: loan, copies: copies)
        }
        try destination.deliver(html)
    }

    struct LoanPaper: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "contract", abstract: tr("The loan-for-use contract of a loan.", "Договор безвозмездного пользования по выдаче."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("The loan number.", "Номер выдачи.")), transform: Check.number) var loan: Int64
        @Option(help: ArgumentHelp(tr("Copies: 1, or 2 (the centre's and the family's; default from the daemon's configuration).", "Экземпляров: 1 или 2 (центру и семье; по умолчанию — из настроек службы).")), transform: Check.copies) var copies: Int?
        @OptionGroup var destination: Destination
        func run() async throws { try await Print.loanDocument("contract", loan: loan, copies: copies, global: global, destination: destination) }
    }

    struct HandoverAct: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "handover", abstract: tr("The act of hand-over of a loan.", "Акт приёма-передачи вещи."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("The loan number.", "Номер выдачи.")), transform: Check.number) var loan: Int64
        @Option(help: ArgumentHelp(tr("Copies: 1 or 2.", "Экземпляров: 1 или 2.")), transform: Check.copies) var copies: Int?
        @OptionGroup var destination: Destination
        func run() async throws { try await Print.loanDocument("handover", loan: loan, copies: copies, global: global, destination: destination) }
    }

    struct ReturnAct: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "return", abstract: tr("The act of return of a loan (condition, note, who took it back).", "Акт возврата вещи (состояние, заметка, кто принял)."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("The loan number.", "Номер выдачи.")), transform: Check.number) var loan: Int64
        @Option(help: ArgumentHelp(tr("Copies: 1 or 2.", "Экземпляров: 1 или 2.")), transform: Check.copies) var copies: Int?
        @OptionGroup var destination: Destination
        func run() async throws { try await Print.loanDocument("return", loan: loan, copies: copies, global: global, destination: destination) }
    }

    struct FamilyCard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "card", abstract: tr("A family's card: its loan history, for the file.", "Карточка семьи: история выдач, для личного дела."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("The family's reference number.", "Номер семьи.")), transform: Check.reference) var reference: String
        @Option(help: ArgumentHelp(tr("The centre that heads the card (default: $RENTAL_CENTRE, else the latest loan's).", "Центр в шапке карточки (по умолчанию $RENTAL_CENTRE, иначе центр последней выдачи)."), valueName: "code"), transform: Check.centreCode)
        var centre: String?
        @OptionGroup var destination: Destination

        func run() async throws {
            let heading = centre ?? ProcessInfo.processInfo.environment["RENTAL_CENTRE"].flatMap { $0.isEmpty ? nil : $0 }
            var html = ""
            try await perform { () async throws(RentalError) in
                html = try await global.client.familyCard(reference, centre: heading)
            }
            try destination.deliver(html)
        }
    }

    struct LabelSheet: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "labels", abstract: tr("An A4 sheet of inventory labels with QR codes.", "Лист A4 с инвентарными этикетками и QR-кодами."))
        @OptionGroup var global: GlobalOptions
        @OptionGroup var centre: CentreOption
        @Option(help: ArgumentHelp(tr("Only units of this item type.", "Только вещи этого вида."), valueName: "type"), transform: Check.itemTypeCode) var type: String?
        @Option(help: ArgumentHelp(tr("Only these units (inventory numbers or scanned labels, comma-separated).", "Только эти вещи (инвентарные номера или отсканированные этикетки через запятую)."), valueName: "n1,n2"))
        var units: String?
        @OptionGroup var destination: Destination

        func run() async throws {
            let centreCode = try centre.required()
            let numbers = units.map { $0.split(separator: ",").map { ScannedCode.inventoryNumber(String($0)) }.filter { !$0.isEmpty } }
            if let numbers, numbers.isEmpty { throw ValidationError(tr("--units needs inventory numbers.", "--units: укажите инвентарные номера.")) }
            var html = ""
            try await perform { () async throws(RentalError) in
                html = try await global.client.labels(centre: centreCode, itemType: type, units: numbers)
            }
            try destination.deliver(html)
        }
    }
}
