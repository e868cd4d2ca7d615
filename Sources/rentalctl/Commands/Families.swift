import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Families: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "families",
        abstract: tr("Register, find and change borrowing families.", "Регистрация, поиск и изменение семей."),
        subcommands: [Find.self, Show.self, Add.self, Edit.self, Suspend.self, Reinstate.self, FamilyErase.self, FamilyExport.self])

    static func show(_ family: Family) {
        print("\(family.reference)  \(family.contactSurname) \(family.contactGivenNames)")
        print(tr("phone: ", "телефон: ") + family.phone)
        print(tr("address: ", "адрес: ") + family.address)
        print(tr("low income until: ", "малоимущая до: ") + Output.date(family.lowIncomeUntil))
        print(tr("consent: ", "согласие: ") + (family.consentOn.map(Output.date) ?? tr("none", "нет")))
        print(tr("children: ", "дети: ") + family.children.map {
            Output.date($0.birthDate) + ($0.expected ? tr(" (expected)", " (ожидается)") : "")
        }.joined(separator: ", "))
        print(tr("status: ", "статус: ") + (family.status == .active ? tr("active", "активна") : tr("suspended", "приостановлена")))
    }

    /// The desk's card: the family, its loans, holds and places in queues, and what it may take here today.
    static func show(_ card: FamilyCard, names: Names) {
        let family = card.family
        print("\(family.reference)  \(family.contactSurname) \(family.contactGivenNames)")
        print(tr("phone: ", "телефон: ") + family.phone)
        if !family.address.isEmpty { print(tr("address: ", "адрес: ") + family.address) }
        let expired = family.lowIncomeUntil < card.today
        print(tr("low income until: ", "малоимущая до: ") + Output.date(family.lowIncomeUntil) + (expired ? Output.red(tr(" (expired)", " (истекло)")) : ""))
        print(tr("consent: ", "согласие: ") + (family.consentOn.map(Output.date) ?? Output.red(tr("none", "нет"))))
        print(tr("children: ", "дети: ") + (card.children.isEmpty ? tr("none", "нет") : card.children.map { child in
            Output.date(child.birthDate) + " (" + (child.ageMonths.map { Plural.months($0) } ?? tr("expected", "ожидается")) + ")"
        }.joined(separator: ", ")))
        print(tr("status: ", "статус: ") + (family.status == .active ? tr("active", "активна") : Output.red(tr("suspended", "приостановлена"))))

        print()
        print(Output.bold(tr("On loan", "На руках") + " (\(card.openLoans.count))"))
        for entry in card.openLoans {
            let loan = entry.loan
            let late = entry.daysOverdue > 0 ? "  " + Output.red(tr("OVERDUE by ", "ПРОСРОЧЕНА на ") + Plural.days(entry.daysOverdue)) : ""
            print("  \(loan.id)  \(loan.inventoryNumber)  \(names.itemType(loan.itemType))  " + tr("due ", "срок ")
                  + Output.date(loan.dueDate) + late)
        }
        if !card.holds.isEmpty {
            print(Output.bold(tr("Held for the family", "Отложено для семьи")))
            for hold in card.holds {
                print("  \(hold.heldUnit ?? "")  \(names.itemType(hold.itemType))  \(names.centre(hold.centre))"
                      + (hold.pickupBy.map { tr(", collect by ", ", забрать до ") + Output.date($0) } ?? ""))
            }
        }
        if !card.waiting.isEmpty {
            print(Output.bold(tr("Waiting", "В очереди")))
            for place in card.waiting {
                print("  \(names.itemType(place.itemType))  \(names.centre(place.centre))  " + tr("place ", "место ") + "\(place.position)"
                      + (place.expectedBy.map { tr(", expected by ", ", ожидается к ") + Output.date($0) } ?? ""))
            }
        }
        print()
        print(Output.bold(tr("May take today at ", "Что можно взять сегодня — ") + names.centre(card.centre)))
        let rows = card.eligibility.map { entry -> [String] in
            [names.itemType(entry.itemType),
             entry.allowed ? tr("yes", "да") : Output.red(tr("no", "нет")),
             entry.allowed ? entry.rule.map { tr("rule ", "правило ") + "\($0)" } ?? "" : entry.refusal.flatMap(RentalError.Code.init(rawValue:)).map(Explain.advice) ?? entry.reason ?? ""]
        }
        Output.table([tr("ITEM", "ВЕЩЬ"), tr("MAY TAKE", "МОЖНО"), tr("WHY", "ПОЧЕМУ")], rows)
    }

    /// A reference, or the one family found by a phone or part of a surname; several matches are listed and
    /// refused (exit 64), none is not found (exit 66).
    static func resolve(_ text: String, client: RentalClient) async throws(RentalError) -> String {
        if let family = try? await client.family(text) { return family.reference }
        let found = try await client.findFamilies(text, limit: 20)
        switch found.count {
        case 0: throw RentalError(.familyNotFound, "no family matches")
        case 1: return found[0].reference
        default:
            Output.table([tr("REFERENCE", "НОМЕР"), tr("CONTACT", "КОНТАКТ"), tr("PHONE", "ТЕЛЕФОН")],
                         found.map { [$0.reference, "\($0.contactSurname) \($0.contactGivenNames)", $0.phone] })
            throw RentalError(.invalidInput, "\(found.count) families match: give the reference")
        }
    }

    struct Find: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "find", abstract: tr("Find by reference, phone or part of a surname (any case).", "Найти по номеру, телефону или части фамилии (регистр не важен)."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("What to look for.", "Что искать.")), transform: Check.familyQuery) var query: String

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let found = try await global.client.findFamilies(query)
                if global.json { return Output.json(Page(items: found)) }
                Output.table([tr("REFERENCE", "НОМЕР"), tr("CONTACT", "КОНТАКТ"), tr("PHONE", "ТЕЛЕФОН"), tr("STATUS", "СТАТУС")],
                             found.map { [$0.reference, "\($0.contactSurname) \($0.contactGivenNames)", $0.phone, Language.current.familyStatus($0.status)] })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: tr("Show one family: the desk's card.", "Показать семью: карточка для выдачи."),
            discussion: tr("With a centre (--centre or RENTAL_CENTRE) the card also says what the family may take there today, and why not.", "С центром (--centre или RENTAL_CENTRE) карточка говорит, что семья может взять там сегодня, а что нет и почему."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("Reference number, phone or part of the surname.", "Номер семьи, телефон или часть фамилии."), valueName: "family"), transform: Check.familyQuery) var reference: String
        @OptionGroup var centre: CentreOption

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let client = global.client
                let reference = try await Families.resolve(reference, client: client)
                guard let centreCode = centre.resolved else {
                    let family = try await client.family(reference)
                    if global.json { return Output.json(family) }
                    Families.show(family)
                    print(tr("(name a centre with --centre or RENTAL_CENTRE to see what the family may take there)",
                             "(укажите центр — --centre или RENTAL_CENTRE, — чтобы увидеть, что семья может взять)"))
                    return
                }
                let card = try await client.familyCard(reference, centre: centreCode)
                if global.json { return Output.json(card) }
                Families.show(card, names: try await global.names())
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: tr("Register a family.", "Зарегистрировать семью."))
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(tr("Reference number.", "Номер семьи.")), transform: Check.reference) var reference: String
        @Option(help: ArgumentHelp(tr("Contact person's surname.", "Фамилия контактного лица."))) var surname: String
        @Option(name: .customLong("given-names"), help: ArgumentHelp(tr("Contact person's given name and patronymic.", "Имя и отчество контактного лица."))) var givenNames = ""
        @Option(help: ArgumentHelp(tr("Phone.", "Телефон.")), transform: Check.phone) var phone: String
        @Option(help: ArgumentHelp(tr("Address.", "Адрес."))) var address = ""
        @Option(name: .customLong("low-income-until"), help: ArgumentHelp(tr("Last day of the low-income certificate.", "Последний день действия справки о малоимущности."), valueName: "date"), transform: Check.date) var lowIncomeUntil: LocalDate
        @Option(help: ArgumentHelp(tr("Date consent to personal-data processing was given.", "Дата согласия на обработку персональных данных."), valueName: "date"), transform: Check.date) var consent: LocalDate?
        @Option(name: .customLong("social-contract"), help: ArgumentHelp(tr("Social-contract number.", "Номер социального контракта."))) var socialContract: String?
        @Option(help: ArgumentHelp(tr("A child's birth date (repeat for each child).", "Дата рождения ребёнка (для каждого ребёнка отдельно)."), valueName: "date"), transform: Check.date) var child: [LocalDate] = []
        @Option(help: ArgumentHelp(tr("An expected child's birth date.", "Ожидаемая дата рождения ребёнка."), valueName: "date"), transform: Check.date) var expecting: [LocalDate] = []

        func run() async throws {
            let children = child.map { Child(birthDate: $0) } + expecting.map { Child(birthDate: $0, expected: true) }
            try await perform { () async throws(RentalError) in
                let family = try await global.client.registerFamily(Family(
                    reference: reference, contactSurname: surname, contactGivenNames: givenNames, phone: phone, address: address,
                    lowIncomeUntil: lowIncomeUntil, socialContract: socialContract, consentOn: consent, children: children))
                if global.json { return Output.json(family) }
                print(tr("Registered family \(family.reference)", "Семья \(family.reference) зарегистрирована"))
            }
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "edit", abstract: tr("Change a family's details.", "Изменить данные семьи."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("Reference number.", "Номер семьи.")), transform: Check.reference) var reference: String
        @Option(help: ArgumentHelp(tr("New phone.", "Новый телефон.")), transform: Check.phone) var phone: String?
        @Option(help: ArgumentHelp(tr("New address.", "Новый адрес."))) var address: String?
        @Option(name: .customLong("low-income-until"), help: ArgumentHelp(tr("New end of the low-income certificate.", "Новый срок справки о малоимущности."), valueName: "date"), transform: Check.date) var lowIncomeUntil: LocalDate?
        @Option(help: ArgumentHelp(tr("Date consent was given.", "Дата согласия."), valueName: "date"), transform: Check.date) var consent: LocalDate?

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let family = try await global.client.updateFamily(reference, FamilyUpdate(
                    phone: phone, address: address, lowIncomeUntil: lowIncomeUntil, consentOn: consent))
                if global.json { return Output.json(family) }
                Families.show(family)
            }
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "suspend", abstract: tr("Suspend a family (no more checkouts).", "Приостановить семью (без новых выдач)."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("Reference number.", "Номер семьи.")), transform: Check.reference) var reference: String

        func run() async throws {
            try await Families.setStatus(.suspended, reference, global)
        }
    }

    struct Reinstate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reinstate", abstract: tr("Reinstate a suspended family.", "Восстановить приостановленную семью."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("Reference number.", "Номер семьи.")), transform: Check.reference) var reference: String

        func run() async throws {
            try await Families.setStatus(.active, reference, global)
        }
    }

    static func setStatus(_ status: FamilyStatus, _ reference: String, _ global: GlobalOptions) async throws {
        try await perform { () async throws(RentalError) in
            let family = try await global.client.setFamilyStatus(status, family: reference)
            if global.json { return Output.json(family) }
            print(status == .active ? tr("Family \(family.reference) reinstated", "Семья \(family.reference) восстановлена")
                                    : tr("Family \(family.reference) suspended", "Семья \(family.reference) приостановлена"))
        }
    }
}
