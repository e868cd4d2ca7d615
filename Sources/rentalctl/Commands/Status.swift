import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: tr("Show the daemon's health, version and counts.", "Состояние службы, версия и счётчики."))
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let health = try await global.client.health()
            if global.json { return Output.json(health) }
            print(tr("rentald \(health.version) (API v\(health.apiVersion)) is running, up \(health.uptimeSeconds) s",
                     "rentald \(health.version) (API v\(health.apiVersion)) работает \(health.uptimeSeconds) с"))
            guard let s = health.summary, !health.hasNoRole else {
                print(tr("you: \(health.caller), with no role: an administrator can add you to [access] in \(RentalPaths.systemConfig)",
                         "вы: \(health.caller), без роли: администратор может добавить вас в [access] в \(RentalPaths.systemConfig)"))
                return
            }
            print(tr("you: \(health.caller) (\(health.role))", "вы: \(health.caller) (\(health.role))"))
            print(tr("\(s.centres) centres, \(s.units) units, \(s.families) families, \(s.openLoans) open loans, \(s.overdueLoans) overdue",
                     "центров: \(s.centres), вещей: \(s.units), семей: \(s.families), на руках: \(s.openLoans), просрочено: \(s.overdueLoans)"))
        }
    }
}
