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
        abstract: "Register, find and change borrowing families.",
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

    struct Find: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "find", abstract: "Find by reference, phone or part of a surname (any case).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "What to look for.") var query: String

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let found = try await global.client.findFamilies(query)
                if global.json { return Output.json(Page(items: found)) }
                Output.table([tr("REFERENCE", "НОМЕР"), tr("CONTACT", "КОНТАКТ"), tr("PHONE", "ТЕЛЕФОН"), tr("STATUS", "СТАТУС")],
                             found.map { [$0.reference, "\($0.contactSurname) \($0.contactGivenNames)", $0.phone, $0.status.rawValue] })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one family.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Reference number.") var reference: String

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let family = try await global.client.family(reference)
                if global.json { return Output.json(family) }
                Families.show(family)
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Register a family.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Reference number.") var reference: String
        @Option(help: "Contact person's surname.") var surname: String
        @Option(name: .customLong("given-names"), help: "Contact person's given name and patronymic.") var givenNames = ""
        @Option(help: "Phone.") var phone: String
        @Option(help: "Address.") var address = ""
        @Option(name: .customLong("low-income-until"), help: "Last day of the low-income certificate.") var lowIncomeUntil: LocalDate
        @Option(help: "Date consent to personal-data processing was given.") var consent: LocalDate?
        @Option(name: .customLong("social-contract"), help: "Social-contract number.") var socialContract: String?
        @Option(help: "A child's birth date (repeat for each child).") var child: [LocalDate] = []
        @Option(help: "An expected child's birth date.") var expecting: [LocalDate] = []

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
        static let configuration = CommandConfiguration(commandName: "edit", abstract: "Change a family's details.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Reference number.") var reference: String
        @Option(help: "New phone.") var phone: String?
        @Option(help: "New address.") var address: String?
        @Option(name: .customLong("low-income-until"), help: "New end of the low-income certificate.") var lowIncomeUntil: LocalDate?
        @Option(help: "Date consent was given.") var consent: LocalDate?

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
        static let configuration = CommandConfiguration(commandName: "suspend", abstract: "Suspend a family (no more checkouts).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Reference number.") var reference: String

        func run() async throws {
            try await Families.setStatus(.suspended, reference, global)
        }
    }

    struct Reinstate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reinstate", abstract: "Reinstate a suspended family.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Reference number.") var reference: String

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
