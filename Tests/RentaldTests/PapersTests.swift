import Foundation
import RentalModel
import RentalPages
import Testing

/// The papers rendered from the shipped templates, printed by real headless Chromium and read back with
/// pdftotext, as a person would read them.
@Suite("papers printed by Chromium", .enabled(if: PaperTools.available, "needs chromium, poppler-utils and zbar-tools"))
struct PapersTests {
    /// A returned loan of a cot to a family with a Cyrillic name, `returned` or still open.
    static func input(surname: String, number: String, due: LocalDate, returned: Bool) throws -> LoanPaperInput {
        let issued = due.adding(months: -3)
        let zone = TimeZone(identifier: "Asia/Omsk") ?? .gmt
        let loan = Loan(id: 4711, inventoryNumber: number, itemType: "cot", family: "F-2026-0777", centre: "ryabinushka",
                        issuedBy: "olga", issuedAt: issued.startOfDay(in: zone), issuedOn: issued, backdated: false,
                        dueDate: due, renewals: 0, state: returned ? .returned : .open,
                        closedAt: returned ? due.adding(days: 3).startOfDay(in: zone).addingTimeInterval(3600) : nil,
                        closedBy: returned ? "pavel" : nil, returnedTo: returned ? "ryabinushka" : nil,
                        returnCondition: returned ? .damaged : nil, returnNote: returned ? "треснула боковая планка" : nil)
        let family = Family(reference: "F-2026-0777", contactSurname: surname, contactGivenNames: "Алёна Сергеевна",
                            phone: "+7 913 000-11-22", address: "г. Омск, ул. Лермонтова, д. 5, кв. 12",
                            lowIncomeUntil: due.adding(months: 12), consentOn: issued, children: [])
        let unit = RentalUnit(inventoryNumber: number, itemType: "cot", homeCentre: "ryabinushka", currentCentre: "ryabinushka",
                              status: returned ? .inRepair : .onLoan, condition: returned ? .damaged : .good, costMinor: 899_000)
        let centre = Centre(code: "ryabinushka", name: "Рябинушка", region: "Омская область", timeZone: "Asia/Omsk",
                            openDays: Centre.weekdays)
        return LoanPaperInput(
            loan: loan, family: family, unit: unit,
            itemType: ItemType(code: "cot", name: "Кроватка детская", category: .infant, sanitiseAfterReturn: true),
            centre: centre, details: CentreDetails(organisation: "БУ «КЦСОН»", address: "г. Омск, ул. Мира, 1", head: "Н. В. Кузнецова"),
            handoverCondition: .good, rule: LoanRule(scope: RuleScope(), period: .months(3), renewalsAllowed: 1, renewalPeriod: .months(1)),
            issuedByName: "О. П. Смирнова", closedByName: returned ? "П. А. Орлов" : nil, returnedTo: returned ? centre : nil)
    }

    /// Text of the PDF Chromium prints, with runs of spaces collapsed (pdftotext lays words out in columns).
    static func printed(_ html: String) async throws -> (text: String, pdf: URL) {
        let pdf = try await HeadlessChromium.pdf(html: html)
        let text = try await HeadlessChromium.text(ofPDF: pdf)
        return (text.split(whereSeparator: { $0 == " " }).joined(separator: " "), pdf)
    }

    @Test("contract, hand-over act and return act show the family, the unit, the due date and both signature lines",
          arguments: DocumentKind.loanDocuments)
    func loanDocument(kind: DocumentKind) async throws {
        let templates = try TemplateSet.load(adminDirectory: nil)
        let due = LocalDate(year: 2027, month: 3, day: 9) ?? LocalDate(Date(), in: .gmt)
        let input = try Self.input(surname: "Щербакова", number: "КРВ-7-3", due: due, returned: kind == .return)
        let html = templates.render(kind, PaperContext.loan(input, layout: PaperLayout(), printedOn: due))
        let (text, pdf) = try await Self.printed(html)
        #expect(text.contains(input.family.contactSurname), "\(text)")
        #expect(text.contains(input.unit.inventoryNumber))
        #expect(text.contains(RussianWords.date(input.loan.dueDate)))
        #expect(text.contains("подпись Ссудодателя"))
        #expect(text.contains("подпись Ссудополучателя"))
        // An act fits one A4 page; the contract may run onto a second, its signatures kept together.
        #expect(try await PaperTools.pageCount(pdf) <= (kind == .contract ? 2 : 1))
        switch kind {
        case .contract:
            #expect(text.contains("ДОГОВОР БЕЗВОЗМЕЗДНОГО ПОЛЬЗОВАНИЯ"))
            #expect(text.contains("№ \(input.loan.id)"))
            #expect(text.contains("990,00 руб."), "the sum the family is liable for")
            #expect(text.contains(input.details.head))
        case .handover:
            #expect(text.contains("АКТ ПРИЁМА-ПЕРЕДАЧИ"))
            #expect(text.contains(input.issuedByName))
        default:
            #expect(text.contains("АКТ ВОЗВРАТА"))
            #expect(text.contains(input.loan.returnNote ?? "—"))
            #expect(text.contains("повреждено"))
            #expect(text.contains(input.closedByName ?? "—"), "who took it back")
            #expect(text.contains("позже установленного срока"), "returned three days late")
        }
    }

    @Test("two copies print on two pages, each marked")
    func twoCopies() async throws {
        let templates = try TemplateSet.load(adminDirectory: nil)
        let due = LocalDate(year: 2027, month: 1, day: 15) ?? LocalDate(Date(), in: .gmt)
        let input = try Self.input(surname: "Ёлкина", number: "КРВ-1-9", due: due, returned: false)
        let one = try await HeadlessChromium.pdf(html: templates.render(.contract, PaperContext.loan(input, layout: PaperLayout(copies: 1), printedOn: due)))
        let (text, two) = try await Self.printed(templates.render(.contract, PaperContext.loan(input, layout: PaperLayout(copies: 2), printedOn: due)))
        #expect(try await PaperTools.pageCount(two) == 2 * (await PaperTools.pageCount(one)))
        #expect(text.contains("Экземпляр ссудодателя") && text.contains("Экземпляр ссудополучателя"))
        #expect(text.components(separatedBy: "Ёлкина").count - 1 >= 4, "the name on both copies")
    }

    @Test("a family card lists every loan with its unit and due date")
    func familyCard() async throws {
        let templates = try TemplateSet.load(adminDirectory: nil)
        let due = LocalDate(year: 2026, month: 12, day: 20) ?? LocalDate(Date(), in: .gmt)
        let first = try Self.input(surname: "Кузьмина", number: "КРВ-2-2", due: due, returned: true)
        var second = first.loan
        second.id = 4712
        second.inventoryNumber = "ВАН-2-1"
        second.dueDate = due.adding(days: 40)
        second.state = .open
        let card = FamilyCardInput(family: first.family, lines: [.init(loan: first.loan, itemTypeName: "Кроватка детская", centreName: "Рябинушка"),
                                                                  .init(loan: second, itemTypeName: "Ванночка детская", centreName: "Рябинушка")],
                                   centre: first.centre, details: first.details)
        let (text, _) = try await Self.printed(templates.render(.card, PaperContext.card(card, printedOn: due)))
        #expect(text.contains("Кузьмина"))
        for loan in [first.loan, second] {
            #expect(text.contains(loan.inventoryNumber))
            #expect(text.contains(RussianWords.date(loan.dueDate)))
        }
        #expect(text.contains("возвращено") && text.contains("на руках"))
    }

    @Test("Russian plurals and sums")
    func words() {
        #expect([1, 2, 5, 11, 21, 22, 25, 111].map { RussianWords.plural($0, "день", "дня", "дней") }
                == ["1 день", "2 дня", "5 дней", "11 дней", "21 день", "22 дня", "25 дней", "111 дней"])
        #expect(RussianWords.period(.months(3)) == "3 месяца")
        #expect(RussianWords.money(minor: 1_234_505) == "12\u{202F}345,05 руб.")
    }
}
