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
        commandName: "print", abstract: "Print a loan's contract or acts, a family's card, or inventory labels.",
        discussion: """
            HTML for A4 goes to standard output (open it in a browser and print); --pdf FILE renders it with \
            Debian's chromium (or weasyprint) found on this machine.
            """,
        subcommands: [LoanPaper.self, HandoverAct.self, ReturnAct.self, FamilyCard.self, LabelSheet.self])

    /// Where a page goes.
    struct Destination: ParsableArguments {
        @Option(help: ArgumentHelp("Write a PDF to this file instead of HTML to standard output.", valueName: "file"))
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
        static let configuration = CommandConfiguration(commandName: "contract", abstract: "The loan-for-use contract of a loan.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The loan number.") var loan: Int64
        @Option(help: "Copies: 1, or 2 (the centre's and the family's; default from the daemon's configuration).") var copies: Int?
        @OptionGroup var destination: Destination
        func run() async throws { try await Print.loanDocument("contract", loan: loan, copies: copies, global: global, destination: destination) }
    }

    struct HandoverAct: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "handover", abstract: "The act of hand-over of a loan.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The loan number.") var loan: Int64
        @Option(help: "Copies: 1 or 2.") var copies: Int?
        @OptionGroup var destination: Destination
        func run() async throws { try await Print.loanDocument("handover", loan: loan, copies: copies, global: global, destination: destination) }
    }

    struct ReturnAct: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "return", abstract: "The act of return of a loan (condition, note, who took it back).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The loan number.") var loan: Int64
        @Option(help: "Copies: 1 or 2.") var copies: Int?
        @OptionGroup var destination: Destination
        func run() async throws { try await Print.loanDocument("return", loan: loan, copies: copies, global: global, destination: destination) }
    }

    struct FamilyCard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "card", abstract: "A family's card: its loan history, for the file.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The family's reference number.") var reference: String
        @Option(help: ArgumentHelp("The centre that heads the card (default: $RENTAL_CENTRE, else the latest loan's).", valueName: "code"))
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
        static let configuration = CommandConfiguration(commandName: "labels", abstract: "An A4 sheet of inventory labels with QR codes.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var centre: CentreOption
        @Option(help: ArgumentHelp("Only units of this item type.", valueName: "type")) var type: String?
        @Option(help: ArgumentHelp("Only these units (inventory numbers or scanned labels, comma-separated).", valueName: "n1,n2"))
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
