import Foundation
import Glibc
import RentalClient
import RentalProtocol
import Testing

/// The papers through the real daemon and rentalctl: check out a cot, print the contract and the hand-over
/// act to PDF, return it damaged (scanning its label), print the return act and a label sheet.
@Suite("papers through rentald and rentalctl", .enabled(if: PaperTools.available, "needs chromium, poppler-utils and zbar-tools"))
struct PapersAPITests {
    static let user = String(cString: getpwuid(geteuid()).pointee.pw_name)
    static let config = """
        [documents]
        organisation = БУ «Комплексный центр социального обслуживания населения»
        address.ryabinushka = г. Омск, ул. Рябиновая, д. 7
        head.ryabinushka = Кузнецова Наталья Викторовна
        label_url = https://prokat.example.org/u/{number}
        label_grid = 3x8

        [staff]
        \(user) = Смирнова Ольга Петровна
        """

    func ctl(_ daemon: DaemonHarness, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await CLITests().ctl(daemon, arguments)
    }

    func pdfText(_ path: String) async throws -> String {
        try await HeadlessChromium.text(ofPDF: URL(fileURLWithPath: path)).split(separator: " ").joined(separator: " ")
    }

    @Test("the demo flow, with names on the paper and not in the log")
    func demoFlow() async throws {
        let daemon = try DaemonHarness(config: Self.config)
        try await daemon.start(useConfig: true)
        let surname = "Белова", given = "Ольга Ивановна", phone = "+7 913 555-44-33"
        let family = try await ctl(daemon, ["families", "add", "--reference", "F-PAP-1", "--surname", surname, "--given-names", given,
                                            "--phone", phone, "--low-income-until", "31.12.2027", "--consent", "2026-11-01",
                                            "--child", "2026-08-15"])
        #expect(family.status == 0, "\(family.output)")
        let cot = try #require(try await daemon.client.units(centre: "ryabinushka", itemType: "cot", status: .available).items.first)
        let loan = try await daemon.client.checkout(CheckoutRequest(family: "F-PAP-1", unit: cot.inventoryNumber, centre: "ryabinushka"))

        let contract = daemon.directory.appendingPathComponent("contract.pdf").path
        let printed = try await ctl(daemon, ["print", "contract", "\(loan.id)", "--pdf", contract])
        #expect(printed.status == 0, "\(printed.output)")
        let text = try await pdfText(contract)
        let due = PlainText.padded(loan.dueDate.day, width: 2) + "." + PlainText.padded(loan.dueDate.month, width: 2) + ".\(loan.dueDate.year)"
        for expected in [surname, given, cot.inventoryNumber, due, "Кузнецова Наталья Викторовна", "г. Омск, ул. Рябиновая, д. 7",
                         "Смирнова Ольга Петровна", "подпись Ссудодателя", "подпись Ссудополучателя"] {
            #expect(text.contains(expected), "\(expected) in \(text)")
        }
        let handover = daemon.directory.appendingPathComponent("handover.pdf").path
        #expect(try await ctl(daemon, ["print", "handover", "\(loan.id)", "--pdf", handover]).status == 0)
        let handoverText = try await pdfText(handover)
        #expect(handoverText.contains("хорошее") || handoverText.contains("новое"), "the condition at hand-over")

        // Scan the unit's label back at the return desk: the QR code's URL, as the scanner types it.
        let sheet = try await daemon.client.labels(centre: "ryabinushka", units: [cot.inventoryNumber])
        let scanned = try #require(try await PaperTools.qrCodes(inPDF: HeadlessChromium.pdf(html: sheet)).first)
        #expect(scanned.hasPrefix("https://prokat.example.org/u/"))
        let returned = try await ctl(daemon, ["return", scanned, "--condition", "damaged", "--note", "сломана планка"])
        #expect(returned.status == 0, "\(returned.output)")
        let returnAct = daemon.directory.appendingPathComponent("return.pdf").path
        #expect(try await ctl(daemon, ["print", "return", "\(loan.id)", "--pdf", returnAct]).status == 0)
        let returnText = try await pdfText(returnAct)
        for expected in [surname, cot.inventoryNumber, "повреждено", "сломана планка", "Смирнова Ольга Петровна"] {
            #expect(returnText.contains(expected), "\(expected) in \(returnText)")
        }

        // A label sheet for the centre: every unit there, every code back to its number.
        let labels = daemon.directory.appendingPathComponent("labels.pdf").path
        #expect(try await ctl(daemon, ["print", "labels", "--type", "cot", "--pdf", labels]).status == 0)
        let units = try await daemon.client.units(centre: "ryabinushka", itemType: "cot").items.filter { $0.status != .retired && $0.status != .lost }
        let codes = try await PaperTools.qrCodes(inPDF: URL(fileURLWithPath: labels)).map { ScannedCode.inventoryNumber($0) }
        #expect(codes.sorted() == units.map(\.inventoryNumber).sorted())

        // The family card, as HTML on stdout.
        let card = try await ctl(daemon, ["print", "card", "F-PAP-1"])
        #expect(card.status == 0 && card.output.contains(surname) && card.output.contains(cot.inventoryNumber))

        // Personal data is on the paper, never in the daemon's log.
        for secret in [surname, given, phone] { #expect(!daemon.log.contains(secret), "\(secret) leaked into the log") }
        try await daemon.stop()
    }

    @Test("bad requests: an unknown kind, copies, a missing centre, an unknown loan")
    func refusals() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let kind = try await daemon.curlRaw([], "/v1/loans/1/documents/invoice")
        #expect(kind.status == 404 && kind.body.contains("route_not_found"))
        let copies = try await daemon.curlRaw([], "/v1/loans/1/documents/contract?copies=3")
        #expect(copies.status == 400 || copies.status == 422)
        let centre = try await daemon.curlRaw([], "/v1/units/labels")
        #expect(centre.status == 400 || centre.status == 422)
        let loan = try await daemon.curlRaw([], "/v1/loans/999999/documents/handover")
        #expect(loan.status == 404 && loan.body.contains("loan_not_found"))
        let ok = try await daemon.curlRaw(["-D", "-"], "/v1/families/F-2026-0001/documents/card")
        #expect(ok.status == 200 && ok.body.lowercased().contains("content-type: text/html; charset=utf-8"))
        #expect(ok.body.lowercased().contains("cache-control: no-store"))

        // --pdf with no converter on PATH names the Debian packages and exits 69; nothing is written.
        let output = daemon.directory.appendingPathComponent("no-converter.out").path
        let pdf = daemon.directory.appendingPathComponent("never.pdf").path
        let child = try Spawn([CLITests.binary, "print", "contract", "1", "--pdf", pdf],
                              environment: ["PATH": daemon.directory.path, "LANG": "C.UTF-8", "RENTALD_SOCKET": daemon.socketPath],
                              outputPath: output)
        #expect(await child.wait() == 69)
        #expect(child.output.contains("apt-get install chromium") && child.output.contains("weasyprint"), "\(child.output)")
        #expect(!FileManager.default.fileExists(atPath: pdf))
        try await daemon.stop()
    }

    @Test("a reload with a broken template keeps the last good one")
    func reloadKeepsGoodTemplates() async throws {
        let directory = try TemplateTests.directory(["handover.mustache": "<p>Акт {{loan.id}} — {{item.number}}</p>\n"])
        let daemon = try DaemonHarness(config: "[documents]\ntemplates = \(directory.path)\n")
        try await daemon.start(useConfig: true)
        let before = try await daemon.client.loanDocument("handover", loan: 1)
        #expect(before.hasPrefix("<p>Акт 1 — "))
        try "<p>Акт {{loan.id}} {{#item.number}}</p>\n".write(to: directory.appendingPathComponent("handover.mustache"), atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        let deadline = Date().addingTimeInterval(10)
        while !daemon.log.contains("templates refused"), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        // An unclosed section is found at the end of the file (line 2, after the first line's newline).
        #expect(daemon.log.contains("\(directory.path)/handover.mustache:2: a section is opened but never closed"), "\(daemon.log)")
        #expect(try await daemon.client.loanDocument("handover", loan: 1) == before)
        try await daemon.stop()
    }
}
