import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalClient
import RentalProtocol
import Synchronization

/// The client of this run: made once from the options, so that every request of a command goes over one
/// connection (one ssh session with `-H`).
enum SharedClient {
    private static let made = Mutex<RentalClient?>(nil)
    private static let beforeSubcommand = Mutex<(host: String?, socket: String?)>((nil, nil))

    /// Records `-H` and `--socket` given before the subcommand.
    static func beforeSubcommand(host: String?, socket: String?) {
        beforeSubcommand.withLock { $0 = (host, socket) }
    }

    /// `--socket` as given before the subcommand (ArgumentParser gives it to the main command when both take
    /// it, wherever it stands).
    static var socketBeforeSubcommand: String? { beforeSubcommand.withLock { $0.socket } }

    /// The client for `--socket` and `-H` (after the subcommand, else before it, else the environment),
    /// made at the first call.
    static func client(socket: String?, host: String?) -> RentalClient {
        let root = beforeSubcommand.withLock { $0 }
        let host = host ?? root.host, socket = socket ?? root.socket
        return made.withLock { client in
            if let client { return client }
            let new = RentalClient.fromEnvironment(explicitSocket: socket, explicitHost: host)
            client = new
            return new
        }
    }
}

/// `rentalctl ping`: who the daemon sees you as, and how long a request takes, over one connection.
struct Ping: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: tr("Check the connection: who the daemon sees you as, and each request's round-trip time.", "Проверить связь: кем вас видит служба и сколько длится каждый запрос."),
        discussion: tr("With -H the first request includes starting ssh; the others reuse its session.", "С -H первый запрос включает запуск ssh, остальные используют его сеанс."))
    @OptionGroup var global: GlobalOptions
    @Option(name: [.customShort("c"), .customLong("count")], help: ArgumentHelp(tr("How many requests.", "Сколько запросов."))) var count = 3

    func validate() throws {
        guard (1...1000).contains(count) else {
            throw ValidationError(tr("--count must be from 1 to 1000.", "--count должно быть от 1 до 1000."))
        }
    }

    func run() async throws {
        try await perform { () async throws(RentalError) in
            let client = global.client
            let clock = ContinuousClock()
            var times: [Duration] = []
            var health: Health?
            for _ in 0..<count {
                let started = clock.now
                health = try await client.health()
                times.append(clock.now - started)
            }
            guard let health else { return }
            if global.json {
                return Output.json(PingResult(caller: health.caller, role: health.role, version: health.version,
                                              milliseconds: times.map(Self.milliseconds)))
            }
            let place: String
            switch client.endpoint {
            case .socket(let path): place = path
            case .remote(let host, _): place = "\(host) (ssh)"
            }
            print(tr("rentald \(health.version) at \(place): you are \(health.caller) (\(health.role))",
                     "rentald \(health.version), \(place): вы \(health.caller) (\(health.role))"))
            for (index, time) in times.enumerated() {
                print(tr("request \(index + 1): \(Self.format(time)) ms", "запрос \(index + 1): \(Self.format(time)) мс"))
            }
        }
    }

    /// What `--json` prints.
    struct PingResult: Encodable {
        let caller: String
        let role: String
        let version: String
        let milliseconds: [Double]
    }

    static func milliseconds(_ time: Duration) -> Double {
        Double(time.components.seconds) * 1000 + Double(time.components.attoseconds) / 1e15
    }

    static func format(_ time: Duration) -> String {
        let tenths = Int((milliseconds(time) * 10).rounded())
        return "\(tenths / 10)" + (Language.current == .russian ? "," : ".") + "\(tenths % 10)"
    }
}
