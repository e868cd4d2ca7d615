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
        abstract: tr("Issue, take back and find the items of the social rental points.", "Выдача, возврат и поиск вещей пунктов социального проката."),
        discussion: tr("""
            Talks to rentald over its Unix socket: --socket, else $RENTALD_SOCKET, else \(RentalPaths.systemSocket). \
            With -H [user@]host[:port] (or $RENTALD_HOST) it talks to rentald on that server over ssh, as the user \
            ssh logs in as ($RENTALD_SSH_OPTIONS: extra ssh options; --socket: the socket there). \
            The default centre comes from $RENTAL_CENTRE. Messages are in Russian when LANG is ru_*. \
            Exit status: 0 done; 64 bad arguments or input; 65 refused by a rule; 66 not found; \
            68 ssh could not connect or log in (-H); 69 the daemon is not running; 70 the daemon failed; 75 busy, try again; 77 not allowed.
            """, """
            Работает со службой rentald через её сокет: --socket, иначе $RENTALD_SOCKET, иначе \(RentalPaths.systemSocket). \
            С -H [пользователь@]сервер[:порт] (или $RENTALD_HOST) — со службой на том сервере через ssh, от имени \
            пользователя, под которым входит ssh ($RENTALD_SSH_OPTIONS — дополнительные параметры ssh; --socket — сокет там). \
            Центр по умолчанию — из $RENTAL_CENTRE. Сообщения на русском, когда LANG=ru_*. \
            Коды выхода: 0 — готово; 64 — неверные аргументы или данные; 65 — отказ по правилу; 66 — не найдено; \
            68 — ssh не смог подключиться или войти (-H); 69 — служба не запущена; 70 — сбой службы; 75 — занято, повторите; 77 — нет прав.
            """),
        version: RentalVersion.current,
        subcommands: [
            Status.self, Checkout.self, Return.self, Renew.self, Lost.self, Loans.self, ShowLoan.self, Stock.self, Available.self,
            Families.self, Units.self, Catalogue.self, Centres.self, Rules.self, Overdue.self, Notices.self, Backup.self, Audit.self,
            Print.self,
            Reserve.self, Reservations.self, Holds.self, Transfers.self, Recall.self,
            Ping.self, Bridge.self, Import.self, Export.self, PrivacyCommand.self, ReportCommand.self,
        ])

    /// `-H` before the subcommand (`rentalctl -H host stock`, as `systemctl -H`); after it, `GlobalOptions` takes it.
    @Option(name: [.customShort("H"), .customLong("host")],
            help: ArgumentHelp(tr("The daemon's server, over ssh (default: $RENTALD_HOST).", "Сервер службы, через ssh (по умолчанию $RENTALD_HOST)."), valueName: "[user@]host[:port]"))
    var host: String?

    /// `--socket` before the subcommand (`rentalctl --socket /run/x.sock stock`), as after it.
    @Option(name: .long, help: ArgumentHelp(tr("The daemon's socket (with -H: on that host).", "Сокет службы (с -H — на том сервере)."), valueName: "path"))
    var socket: String?

    func validate() throws {
        SharedClient.beforeSubcommand(host: host, socket: socket)
    }
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(tr("The daemon's socket (with -H: on that host).", "Сокет службы (с -H — на том сервере)."), valueName: "path"))
    var socket: String?

    @Option(name: [.customShort("H"), .customLong("host")],
            help: ArgumentHelp(tr("The daemon's server, over ssh (default: $RENTALD_HOST).", "Сервер службы, через ssh (по умолчанию $RENTALD_HOST)."), valueName: "[user@]host[:port]"))
    var host: String?

    @Flag(name: .long, help: ArgumentHelp(tr("Print JSON (the API's field names) instead of tables.", "Вывести JSON (поля API) вместо таблиц.")))
    var json = false

    @Flag(name: .long, help: ArgumentHelp(tr("Show centres and item types by their codes instead of their names.", "Показывать коды центров и видов вещей вместо названий.")))
    var codes = false

    /// One client per run, so that a command's requests share one ssh session.
    var client: RentalClient { SharedClient.client(socket: socket, host: host) }
}

/// A centre given with `--centre`, else `$RENTAL_CENTRE`.
struct CentreOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(tr("Centre code (default: $RENTAL_CENTRE).", "Код центра (по умолчанию $RENTAL_CENTRE)."), valueName: "code"),
            transform: Check.centreCode)
    var centre: String?

    /// `$RENTAL_CENTRE` is checked as `--centre` is, before anything is sent.
    func validate() throws {
        if centre == nil, let value = ProcessInfo.processInfo.environment["RENTAL_CENTRE"], !value.isEmpty {
            _ = try CentreOption.fromEnvironment(value)
        }
    }

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
    /// Parses `YYYY-MM-DD` (or `DD.MM.YYYY`) from the command line; options use ``Check/date(_:)``, which
    /// says what is wrong.
    public init?(argument: String) {
        guard let date = Check.parseDate(argument) else { return nil }
        self = date
    }
}

extension Condition: ExpressibleByArgument {}
extension UnitStatus: ExpressibleByArgument {}
extension Category: ExpressibleByArgument {}
