import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol

/// `rentalctl`: the staff's command-line client for rentald.
///
/// Every command's configuration names it (`commandName`): without a name, ArgumentParser derives one
/// with `String(describing:)` on the command's type, whose failed dynamic casts each scan all the
/// protocol conformances in the binary, for every command at every start.
@main
struct RentalCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rentalctl",
        abstract: "Issue, take back and find the items of the social rental points.",
        discussion: """
            Talks to rentald over its Unix socket: --socket, else $RENTALD_SOCKET, else \(RentalPaths.systemSocket). \
            With -H [user@]host[:port] (or $RENTALD_HOST) it talks to rentald on that server over ssh, as the user \
            ssh logs in as ($RENTALD_SSH_OPTIONS: extra ssh options; --socket: the socket there). \
            The default centre comes from $RENTAL_CENTRE. Messages are in Russian when LANG is ru_*. \
            Exit status: 0 done; 64 bad arguments or input; 65 refused by a rule; 66 not found; \
            68 ssh could not connect or log in (-H); 69 the daemon is not running; 70 the daemon failed; 75 busy, try again; 77 not allowed.
            """,
        version: RentalVersion.current,
        subcommands: [
            Status.self, Checkout.self, Return.self, Renew.self, Lost.self, Loans.self, ShowLoan.self, Stock.self, Available.self,
            Families.self, Units.self, Catalogue.self, Centres.self, Rules.self, Overdue.self, Notices.self, Backup.self, Audit.self,
            Print.self,
            Reserve.self, Reservations.self, Holds.self, Transfers.self, Recall.self,
            Ping.self, Bridge.self,
        ])

    /// `-H` before the subcommand (`rentalctl -H host stock`, as `systemctl -H`); after it, `GlobalOptions` takes it.
    @Option(name: [.customShort("H"), .customLong("host")],
            help: ArgumentHelp("The daemon's server, over ssh (default: $RENTALD_HOST).", valueName: "[user@]host[:port]"))
    var host: String?

    func validate() throws {
        SharedClient.hostBeforeSubcommand(host)
    }
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The daemon's socket (with -H: on that host).", valueName: "path"))
    var socket: String?

    @Option(name: [.customShort("H"), .customLong("host")],
            help: ArgumentHelp("The daemon's server, over ssh (default: $RENTALD_HOST).", valueName: "[user@]host[:port]"))
    var host: String?

    @Flag(name: .long, help: "Print JSON (the API's field names) instead of tables.")
    var json = false

    @Flag(name: .long, help: "Show centres and item types by their codes instead of their names.")
    var codes = false

    /// One client per run, so that a command's requests share one ssh session.
    var client: RentalClient { SharedClient.client(socket: socket, host: host) }
}

/// A centre given with `--centre`, else `$RENTAL_CENTRE`.
struct CentreOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Centre code (default: $RENTAL_CENTRE).", valueName: "code"))
    var centre: String?

    /// The centre, or nil when neither the option nor the environment gives one.
    var resolved: String? {
        centre ?? ProcessInfo.processInfo.environment["RENTAL_CENTRE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The centre, or a usage error naming the option.
    func required() throws -> String {
        guard let resolved else { throw ValidationError(tr("Name the centre with --centre or RENTAL_CENTRE.",
                                                           "Укажите центр: --centre или RENTAL_CENTRE.")) }
        return resolved
    }
}

extension LocalDate: ExpressibleByArgument {
    /// Parses `YYYY-MM-DD` (or `DD.MM.YYYY`) from the command line.
    public init?(argument: String) {
        if let date = LocalDate(argument) {
            self = date
            return
        }
        let parts = argument.split(separator: ".")
        guard parts.count == 3, parts[2].count == 4, let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]),
              let date = LocalDate(year: y, month: m, day: d) else { return nil }
        self = date
    }
}

extension Condition: ExpressibleByArgument {}
extension UnitStatus: ExpressibleByArgument {}
extension Category: ExpressibleByArgument {}
