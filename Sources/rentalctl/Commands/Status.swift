import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the daemon's health, version and counts.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let health = try await global.client.health()
            if global.json { return Output.json(health) }
            let s = health.summary
            print(tr("rentald \(health.version) (API v\(health.apiVersion)) is running, up \(health.uptimeSeconds) s",
                     "rentald \(health.version) (API v\(health.apiVersion)) работает \(health.uptimeSeconds) с"))
            print(tr("you: \(health.caller) (\(health.role))", "вы: \(health.caller) (\(health.role))"))
            print(tr("\(s.centres) centres, \(s.units) units, \(s.families) families, \(s.openLoans) open loans, \(s.overdueLoans) overdue",
                     "центров: \(s.centres), вещей: \(s.units), семей: \(s.families), на руках: \(s.openLoans), просрочено: \(s.overdueLoans)"))
        }
    }
}
