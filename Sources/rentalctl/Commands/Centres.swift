import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Centres: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "centres", abstract: "Centres and their calendars.",
                                                    subcommands: [List.self, Show.self, CloseDay.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List centres.")
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
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a centre with its closures.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Centre code.") var centre: String

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let found = try await global.client.centre(centre)
                if global.json { return Output.json(found) }
                print("\(found.code)  \(found.name)  \(found.timeZone)")
                print(tr("open: ", "работает: ") + Weekday.allCases.filter(found.openDays.contains).map(Language.current.weekday).joined(separator: ", "))
                for closure in found.closures {
                    print(tr("closed ", "закрыт ") + "\(Output.date(closure.firstDay))–\(Output.date(closure.lastDay)) \(closure.note)")
                }
            }
        }
    }

    struct CloseDay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close-day", abstract: "Record that a centre is closed on a day (or a run of days).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "First closed day.") var day: LocalDate
        @Option(help: "Last closed day (default: the same day).") var through: LocalDate?
        @Option(help: "holiday, emergency or other.") var kind: String = "emergency"
        @Option(help: "A note for staff.") var note: String?
        @OptionGroup var centre: CentreOption
        @Flag(name: .customLong("shift-due-dates"), help: "Also move loans due on the closed days to the next open day.")
        var shift = false

        func run() async throws {
            let centreCode = try centre.required()
            guard let kind = Closure.Kind(rawValue: kind) else { throw ValidationError("--kind must be holiday, emergency or other") }
            try await perform { () async throws(RentalError) in
                let closure = try await global.client.addClosure(ClosureRequest(firstDay: day, lastDay: through ?? day, kind: kind, note: note),
                                                                 centre: centreCode)
                let moved = shift ? try await global.client.shiftDueDates(centre: centreCode) : []
                if global.json { return Output.json(closure) }
                print(tr("\(centreCode) closed \(Output.date(closure.firstDay))–\(Output.date(closure.lastDay)); \(moved.count) loans moved",
                         "\(centreCode) закрыт \(Output.date(closure.firstDay))–\(Output.date(closure.lastDay)); перенесено выдач: \(moved.count)"))
            }
        }
    }
}
