import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Overdue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "overdue", abstract: tr("Overdue notices.", "Напоминания о просрочке."), subcommands: [Scan.self])

    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "scan", abstract: tr("Scan for loans due soon or overdue and send their notices now (administrators).", "Найти выдачи с близким или прошедшим сроком и отправить напоминания сейчас (администратор)."))
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(tr("Only this centre.", "Только этот центр."), valueName: "code"), transform: Check.centreCode) var centre: String?

        func run() async throws {
            try await perform { () async throws(RentalError) in
                let summary = try await global.client.scanNotices(centre: centre)
                if global.json { return Output.json(summary) }
                print(tr("\(summary.total) notices sent, \(summary.failed) failed", "отправлено уведомлений: \(summary.total), не отправлено: \(summary.failed)"))
                for (centre, stages) in summary.sent.sorted(by: { $0.key < $1.key }) {
                    print("  \(centre): " + stages.sorted(by: { $0.key < $1.key }).map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                }
            }
        }
    }
}

struct Notices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "notices", abstract: tr("List the overdue notices sent.", "Отправленные напоминания о просрочке."))
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(tr("Only this centre.", "Только этот центр."), valueName: "code"), transform: Check.centreCode) var centre: String?
    @Option(help: ArgumentHelp(tr("Notices after this number (default 0: from the first).", "Напоминания после этого номера (по умолчанию 0 — с первого).")), transform: Check.position) var since: Int64 = 0
    @Option(help: ArgumentHelp(tr("At most this many (1 to 1000, default 100).", "Не больше стольких (1–1000, по умолчанию 100).")), transform: Check.limit) var limit = 100

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let page = try await global.client.notices(centre: centre, since: since, limit: limit)
            if global.json { return Output.json(page) }
            let names = try await global.names()
            Output.table([tr("NO.", "№"), tr("STAGE", "ЭТАП"), tr("LOAN", "ВЫДАЧА"), tr("CENTRE", "ЦЕНТР"), tr("UNIT", "ВЕЩЬ"),
                          tr("FAMILY", "СЕМЬЯ"), tr("DUE", "СРОК"), tr("DAYS", "ДНЕЙ")],
                         page.items.map { ["\($0.id)", Language.current.noticeStage($0.stage), "\($0.loan)", names.centre($0.centre), $0.unit, $0.family,
                                           Language.current.plainDate($0.dueDate), "\($0.daysOverdue)"] })
        }
    }
}
