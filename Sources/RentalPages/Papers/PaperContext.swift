import Foundation
import RentalModel

/// The fields a template sees, as nested dictionaries and lists (swift-mustache reads `[String: Any]`).
/// Every document's fields are documented in `Templates/README.md`; ``TemplateCheck`` refuses a template
/// that names any other.
public enum PaperContext {
    /// The fields of a loan document (contract, hand-over or return act).
    public static func loan(_ input: LoanPaperInput, layout: PaperLayout, printedOn: LocalDate) -> [String: Any] {
        let loan = input.loan
        let rule = input.rule
        let renewalsAllowed = rule?.renewalsAllowed ?? 0
        let period: String = rule.map { RussianWords.period($0.period) }
            ?? RussianWords.plural(loan.issuedOn.days(until: loan.dueDate), "день", "дня", "дней")
        var returned: [String: Any] = [:]
        if loan.state == .returned || loan.state == .lost, let closedAt = loan.closedAt {
            let zone = ZoneRules.named(input.centre.timeZone) ?? .utc
            returned = [
                "date": RussianWords.date(LocalDate(closedAt, in: zone)),
                "condition": loan.returnCondition.map(RussianWords.condition) ?? "",
                "damaged": loan.returnCondition == .damaged,
                "note": loan.returnNote ?? "",
                "hasNote": !(loan.returnNote ?? "").isEmpty,
                "takenBy": input.closedByName ?? loan.closedBy ?? "",
                "centre": input.returnedTo?.name ?? input.centre.name,
                "late": LocalDate(closedAt, in: zone) > loan.dueDate,
                "lost": loan.state == .lost,
            ]
        }
        return [
            "printedOn": RussianWords.longDate(printedOn),
            "copies": copies(layout.copies),
            "centre": centre(input.centre, input.details),
            "family": family(input.family),
            "item": [
                "type": input.itemType.name,
                "typeCode": input.itemType.code,
                "number": input.unit.inventoryNumber,
                "condition": (input.handoverCondition ?? (loan.state == .open ? input.unit.condition : nil))
                    .map(RussianWords.condition) ?? "не записано",
                "cost": input.unit.costMinor.map(RussianWords.money) ?? "",
                "hasCost": input.unit.costMinor != nil,
            ] as [String: Any],
            "loan": [
                "id": "\(loan.id)",
                "issuedOn": RussianWords.date(loan.issuedOn),
                "issuedOnLong": RussianWords.longDate(loan.issuedOn),
                "dueDate": RussianWords.date(loan.dueDate),
                "dueDateLong": RussianWords.longDate(loan.dueDate),
                "period": period,
                "renewals": "\(loan.renewals)",
                "renewalsAllowed": "\(renewalsAllowed)",
                "canRenew": renewalsAllowed > 0,
                "renewalPeriod": rule.map { RussianWords.period($0.renewalPeriod) } ?? "",
                "returned": loan.state != .open,
            ] as [String: Any],
            "return": returned,
            "staff": ["name": input.issuedByName],
        ]
    }

    /// The fields of a family's card.
    public static func card(_ input: FamilyCardInput, printedOn: LocalDate) -> [String: Any] {
        [
            "printedOn": RussianWords.longDate(printedOn),
            "centre": input.centre.map { centre($0, input.details) } ?? centre(nil, input.details),
            "family": family(input.family),
            "hasLoans": !input.lines.isEmpty,
            "loans": input.lines.map { line -> [String: Any] in
                [
                    "id": "\(line.loan.id)",
                    "number": line.loan.inventoryNumber,
                    "type": line.itemTypeName,
                    "centre": line.centreName,
                    "issuedOn": RussianWords.date(line.loan.issuedOn),
                    "dueDate": RussianWords.date(line.loan.dueDate),
                    "state": RussianWords.state(line.loan.state),
                    "returnCondition": line.loan.returnCondition.map(RussianWords.condition) ?? "",
                ]
            },
        ]
    }

    /// The fields of a label sheet: pages of `columns × rows` labels, each with its QR code as inline SVG.
    public static func labels(_ labels: [LabelInput], centre: Centre, layout: PaperLayout) throws(QRCode.Failure) -> [String: Any] {
        let perPage = max(1, layout.labelColumns * layout.labelRows)
        var pages: [[String: Any]] = []
        var index = 0
        while index < labels.count {
            let slice = labels[index..<min(labels.count, index + perPage)]
            var items: [[String: Any]] = []
            for label in slice {
                let payload = QRCode.payload(for: label.inventoryNumber, urlPattern: layout.labelURL)
                items.append(["number": label.inventoryNumber, "type": label.itemTypeName,
                              "qr": try QRCode(encoding: payload).svg(), "payload": payload])
            }
            pages.append(["labels": items])
            index += perPage
        }
        return [
            "centre": ["name": centre.name, "code": centre.code],
            "columns": "\(layout.labelColumns)",
            "rows": "\(layout.labelRows)",
            "pages": pages,
            "count": "\(labels.count)",
        ]
    }

    private static func copies(_ count: Int) -> [[String: Any]] {
        count >= 2
            ? [["label": "Экземпляр ссудодателя", "hasLabel": true, "pageBreak": false],
               ["label": "Экземпляр ссудополучателя", "hasLabel": true, "pageBreak": true]]
            : [["label": "", "hasLabel": false, "pageBreak": false]]
    }

    private static func centre(_ centre: Centre?, _ details: CentreDetails) -> [String: Any] {
        [
            "name": centre?.name ?? "", "code": centre?.code ?? "", "region": centre?.region ?? "",
            "organisation": details.organisation, "address": details.address,
            "head": details.head.isEmpty ? "______________________" : details.head,
            "place": [centre?.name ?? "", details.address].filter { !$0.isEmpty }.joined(separator: ", "),
            "fullName": details.organisation.isEmpty ? (centre?.name ?? "")
                : centre.map { "\(details.organisation) («\($0.name)»)" } ?? details.organisation,
        ]
    }

    private static func family(_ family: Family) -> [String: Any] {
        [
            "reference": family.reference,
            "surname": family.contactSurname,
            "givenNames": family.contactGivenNames,
            "fullName": [family.contactSurname, family.contactGivenNames].filter { !$0.isEmpty }.joined(separator: " "),
            "shortName": ([family.contactSurname] + family.contactGivenNames.split(separator: " ").compactMap { $0.first.map { "\($0)." } })
                .joined(separator: " "),
            "phone": family.phone,
            "address": family.address,
        ]
    }
}
