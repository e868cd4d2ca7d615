import Foundation
import RentalModel

/// Made-up inputs with every field filled in: the source of each document's ``FieldSchema``, and of the
/// pages `rentald --check-config` renders to prove a template works. No real person's data.
public enum PaperSamples {
    static let day = LocalDate(year: 2026, month: 12, day: 7) ?? LocalDate(Date(timeIntervalSince1970: 0), in: ZoneRules.utc)

    /// A returned loan of a cot with all the facts a paper can show.
    public static var loan: LoanPaperInput {
        let loan = Loan(id: 1, inventoryNumber: "КРВ-0-1", itemType: "cot", family: "F-0000-0001", centre: "sample",
                        issuedBy: "sample", issuedAt: day.startOfDay(in: ZoneRules.utc), issuedOn: day, backdated: false,
                        dueDate: day.adding(months: 3), renewals: 0, state: .returned,
                        closedAt: day.adding(days: 30).startOfDay(in: ZoneRules.utc), closedBy: "sample", returnedTo: "sample",
                        returnCondition: .damaged, returnNote: "образец")
        let family = Family(reference: "F-0000-0001", contactSurname: "Образцова", contactGivenNames: "Анна Ивановна",
                            phone: "+7 000 000-00-00", address: "г. Образцов, ул. Примерная, 1", lowIncomeUntil: day,
                            consentOn: day, children: [])
        let unit = RentalUnit(inventoryNumber: "КРВ-0-1", itemType: "cot", homeCentre: "sample", currentCentre: "sample",
                              status: .available, condition: .good, costMinor: 1_250_000)
        let type = ItemType(code: "cot", name: "Кроватка детская", category: .infant, sanitiseAfterReturn: true)
        let centre = Centre(code: "sample", name: "Образец", region: "Образцовая область", timeZone: "UTC", openDays: Centre.weekdays)
        let rule = LoanRule(id: 1, scope: RuleScope(), period: .months(3), renewalsAllowed: 1, renewalPeriod: .months(1))
        return LoanPaperInput(loan: loan, family: family, unit: unit, itemType: type, centre: centre,
                              details: CentreDetails(organisation: "Образец", address: "Образцовый адрес", head: "Руководитель"),
                              handoverCondition: .good,
                              rule: rule, issuedByName: "Сотрудник", closedByName: "Сотрудник", returnedTo: centre)
    }

    /// A family card with one line.
    public static var card: FamilyCardInput {
        let sample = loan
        return FamilyCardInput(family: sample.family,
                               lines: [.init(loan: sample.loan, itemTypeName: sample.itemType.name, centreName: sample.centre.name)],
                               centre: sample.centre, details: sample.details)
    }

    /// The fields each document offers its template.
    public static func schema(of kind: DocumentKind) -> FieldSchema {
        switch kind {
        case .contract, .handover, .return:
            return FieldSchema.of(PaperContext.loan(loan, layout: PaperLayout(copies: 2), printedOn: day))
        case .card:
            return FieldSchema.of(PaperContext.card(card, printedOn: day))
        case .labels:
            let context = (try? PaperContext.labels([LabelInput(inventoryNumber: "КРВ-0-1", itemTypeName: "Кроватка детская")],
                                                    centre: loan.centre, layout: PaperLayout())) ?? [:]
            return FieldSchema.of(context)
        }
    }
}
