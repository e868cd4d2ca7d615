import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: tr("The audit trail.", "Журнал аудита."), subcommands: [List.self, Verify.self],
                                                    defaultSubcommand: List.self)

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "verify", abstract: tr("Check the audit trail's hash chain; exit 65 at the first broken link.", "Проверить цепочку журнала аудита; код 65 при первом разрыве."))
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            var broken = false
            try await perform { () async throws(RentalError) in
                let result = try await global.client.verifyAudit()
                broken = result.firstBroken != nil
                if global.json { return Output.json(result) }
                if let first = result.firstBroken {
                    print(tr("BROKEN at event \(first): \(result.problem ?? "") (\(result.checked) events before it are intact)",
                             "НАРУШЕНА на записи \(first): \(result.problem ?? "") (\(result.checked) записей до неё целы)"))
                } else {
                    print(tr("intact: \(result.checked) events", "цела: \(result.checked) записей"))
                }
            }
            if broken { throw ExitCode(ExitStatus.refused) }
        }
    }
}

extension Audit {
    struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: tr("List audit events.", "Список событий аудита."))
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(tr("Events after this sequence number (default 0: from the first).", "События после этого номера (по умолчанию 0 — с первого).")), transform: Check.position) var since: Int64 = 0
    @Option(help: ArgumentHelp(tr("Only this kind of entity (loan, unit, family, ...).", "Только этот вид записей (loan, unit, family, …)."))) var entity: String?
    @Option(help: ArgumentHelp(tr("Only this entity key (with --entity).", "Только этот ключ (вместе с --entity)."))) var key: String?
    @Option(help: ArgumentHelp(tr("At most this many (1 to 1000, default 100).", "Не больше стольких (1–1000, по умолчанию 100).")), transform: Check.limit) var limit = 100

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let page = try await global.client.audit(since: since, entity: entity, key: key, limit: limit)
            if global.json { return Output.json(page) }
            // Times on this machine's clock, as journalctl and ls show them (`--json` keeps UTC).
            let zone = ZoneRules.local()
            Output.table([tr("SEQ", "№"), tr("WHEN", "КОГДА") + " (\(zone.identifier))", tr("WHO", "КТО"), tr("WHAT", "ЧТО"), tr("ENTITY", "ОБЪЕКТ")],
                         page.items.map { ["\($0.sequence)", Language.current.dateTime($0.at, in: zone), $0.actor, $0.action, "\($0.entity) \($0.entityKey)"] })
        }
    }
}
}
