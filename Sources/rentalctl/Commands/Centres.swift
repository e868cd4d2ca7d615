import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Centres: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "centres", abstract: tr("Centres and their calendars.", "Центры и их календари."),
                                                    subcommands: [List.self, Show.self, Add.self, OpenDays.self, CloseDay.self, RemoveClosure.self, ShiftDueDates.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: tr("List centres.", "Список центров."))
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let centres = try await global.client.centres()
                if global.json { return Output.json(Page(items: centres)) }
                Output.table([tr("CODE", "КОД"), tr("NAME", "НАЗВАНИЕ"), tr("TIME ZONE", "ЧАСОВОЙ ПОЯС")],
                             centres.map { [$0.code, $0.name, $0.timeZone] })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: tr("Show a centre with its closures.", "Показать центр и дни его закрытия."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("Centre code.", "Код центра.")), transform: Check.centreCode) var centre: String

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let found = try await global.client.centre(centre)
                if global.json { return Output.json(found) }
                print("\(found.code)  \(found.name)  \(found.timeZone)")
                print(tr("open: ", "работает: ") + Weekday.allCases.filter(found.openDays.contains).map(Language.current.weekday).joined(separator: ", "))
                for closure in found.closures {
                    // The closure's number is what `centres remove-closure` takes.
                    print(tr("closed ", "закрыт ") + Output.days(closure.firstDay, closure.lastDay) + (closure.note.isEmpty ? "" : " \(closure.note)")
                          + tr(" (closure \(closure.id))", " (закрытие \(closure.id))"))
                }
            }
        }
    }

    struct CloseDay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close-day", abstract: tr("Record that a centre is closed on a day (or a run of days).", "Отметить, что центр закрыт в день (или несколько дней)."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("First closed day.", "Первый нерабочий день."), valueName: "date"), transform: Check.date) var day: LocalDate
        @Option(help: ArgumentHelp(tr("Last closed day (default: the same day).", "Последний нерабочий день (по умолчанию тот же)."), valueName: "date"), transform: Check.date) var through: LocalDate?
        @Option(help: ArgumentHelp(tr("holiday, emergency or other.", "holiday, emergency или other."))) var kind: String = "emergency"
        @Option(help: ArgumentHelp(tr("A note for staff.", "Заметка для сотрудников."))) var note: String?
        @OptionGroup var centre: CentreOption
        @Flag(name: .customLong("shift-due-dates"), help: ArgumentHelp(tr("Also move loans due on the closed days to the next open day.", "Также перенести сроки, выпавшие на эти дни, на следующий рабочий день.")))
        var shift = false

        func run() async throws {
            let centreCode = try centre.required()
            guard let kind = Closure.Kind(rawValue: kind) else { throw ValidationError(tr("--kind: must be holiday, emergency or other, e.g. --kind holiday", "--kind: допустимо holiday, emergency или other, например --kind holiday")) }
            try await perform { () async throws(RentalError) in
                let closure = try await global.client.addClosure(ClosureRequest(firstDay: day, lastDay: through ?? day, kind: kind, note: note),
                                                                 centre: centreCode)
                let days = Output.days(closure.firstDay, closure.lastDay)
                var moved: [Loan] = []
                if shift {
                    do throws(RentalError) {
                        moved = try await global.client.shiftDueDates(centre: centreCode)
                    } catch {
                        // Two requests: the first is done and stays done; say so, and how to finish.
                        Console.writeError(tr("""
                            rentalctl: done: \(centreCode) is closed \(days) (closure \(closure.id)).
                            rentalctl: not done: no due dates were moved; move them with `rentalctl centres shift-due-dates --centre \(centreCode)`.

                            """, """
                            rentalctl: сделано: \(centreCode) закрыт \(days) (закрытие \(closure.id)).
                            rentalctl: не сделано: сроки не перенесены; перенесите их: `rentalctl centres shift-due-dates --centre \(centreCode)`.

                            """))
                        throw error
                    }
                }
                if global.json { return Output.json(closure) }
                print(tr("\(centreCode) closed \(days)", "\(centreCode) закрыт \(days)")
                      + (shift ? tr("; loans moved: \(moved.count)", "; перенесено выдач: \(moved.count)") : ""))
            }
        }
    }

    /// `mon,tue,…` or Russian `пн,вт,…` as weekdays.
    static func weekdays(_ text: String) throws -> Set<Weekday> {
        let names: [String: Weekday] = ["mon": .monday, "tue": .tuesday, "wed": .wednesday, "thu": .thursday, "fri": .friday,
                                        "sat": .saturday, "sun": .sunday, "пн": .monday, "вт": .tuesday, "ср": .wednesday,
                                        "чт": .thursday, "пт": .friday, "сб": .saturday, "вс": .sunday]
        var days: Set<Weekday> = []
        for part in text.lowercased().split(separator: ",") {
            let key = String(part.filter { $0 != " " })
            guard let day = names[key] ?? Weekday(rawValue: key) else {
                throw ValidationError(tr("open days: '\(key)' is not a weekday; write them like mon,tue,wed,thu,fri",
                                         "дни работы: «\(key)» — не день недели; пишите так: пн,вт,ср,чт,пт"))
            }
            days.insert(day)
        }
        guard !days.isEmpty else { throw ValidationError(tr("open days: name at least one day, e.g. mon,tue,wed,thu,fri",
                                                            "дни работы: назовите хотя бы один день, например пн,вт,ср,чт,пт")) }
        return days
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: tr("Open a new centre (administrators).", "Добавить центр (администратор)."))
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(tr("Stable code, Latin letters (e.g. ryabinushka).", "Постоянный код латиницей (например, ryabinushka)."), valueName: "code"), transform: Check.centreCode)
        var code: String
        @Option(help: ArgumentHelp(tr("The name people use, as on the centre's sign.", "Название, например «Рябинушка»."))) var name: String
        @Option(help: ArgumentHelp(tr("Region.", "Регион."))) var region: String
        @Option(name: .customLong("time-zone"), help: ArgumentHelp(tr("IANA time zone, e.g. Asia/Omsk.", "Часовой пояс IANA, например Asia/Omsk."), valueName: "zone"))
        var timeZone: String
        @Option(name: .customLong("open-days"), help: ArgumentHelp(tr("Open days, e.g. mon,tue,wed,thu,fri (the default).", "Дни работы, например пн,вт,ср,чт,пт (по умолчанию)."), valueName: "days"))
        var openDays = "mon,tue,wed,thu,fri"

        func run() async throws {
            let days = try Centres.weekdays(openDays)
            try await perform { () async throws(RentalError) in
                let centre = try await global.client.addCentre(NewCentre(code: code, name: name, region: region, timeZone: timeZone, openDays: days))
                if global.json { return Output.json(centre) }
                print(tr("Added centre \(centre.code) (\(centre.name))", "Добавлен центр \(centre.code) («\(centre.name)»)"))
            }
        }
    }

    struct OpenDays: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "open-days", abstract: tr("Set the days a centre is open (administrators).", "Задать дни работы центра (администратор)."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("The days, e.g. mon,tue,wed,thu,fri.", "Дни, например пн,вт,ср,чт,пт."), valueName: "days")) var days: String
        @OptionGroup var centre: CentreOption

        func run() async throws {
            let centreCode = try centre.required()
            let set = try Centres.weekdays(days)
            try await perform { () async throws(RentalError) in
                let updated = try await global.client.setOpenDays(set, centre: centreCode)
                if global.json { return Output.json(updated) }
                print(tr("\(updated.code) is open: ", "\(updated.code) работает: ")
                      + Weekday.allCases.filter(updated.openDays.contains).map(Language.current.weekday).joined(separator: ", "))
            }
        }
    }

    struct RemoveClosure: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-closure", abstract: tr("Remove a closure (its number is in `centres show`).", "Отменить закрытие (номер — в `centres show`)."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(tr("The closure's number.", "Номер закрытия."), valueName: "id"), transform: Check.number) var id: Int64
        @OptionGroup var centre: CentreOption

        func run() async throws {
            let centreCode = try centre.required()
            try await perform { () async throws(RentalError) in
                try await global.client.removeClosure(id, centre: centreCode)
                if global.json { return Output.json(["removed": id]) }
                print(tr("Closure \(id) removed from \(centreCode)", "Закрытие \(id) отменено в \(centreCode)"))
            }
        }
    }

    struct ShiftDueDates: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "shift-due-dates", abstract: tr("Move loans due on closed days to the next open day.", "Перенести сроки, выпавшие на дни закрытия, на следующий рабочий день."))
        @OptionGroup var global: GlobalOptions
        @OptionGroup var centre: CentreOption

        func run() async throws {
            let centreCode = try centre.required()
            try await perform { () async throws(RentalError) in
                let moved = try await global.client.shiftDueDates(centre: centreCode)
                if global.json { return Output.json(Page(items: moved)) }
                print(tr("\(moved.count) loans moved", "Перенесено выдач: \(moved.count)"))
                for loan in moved { print("\(loan.id)  \(loan.inventoryNumber)  \(Output.date(loan.dueDate))") }
            }
        }
    }
}
