import Foundation

/// Figures 1 and 2: durable checkouts per second through the daemon's socket against raw SQLite with one
/// commit per operation, with group commit off and on; the daemon's round trips against the simplest
/// socket server answering the same bytes; and a read (no fsync) for the HTTP and JSON cost alone.
struct CheckoutFigures {
    let options: BenchOptions
    let record: (Row) -> Void

    /// The checkout request for unit `index`.
    static func checkout(_ index: Int) -> [UInt8] {
        HTTPConnection.request("POST", "/v1/loans", json: #"{"family":"\#(CirculationStore.family(forUnit: index))","unit":"\#(CirculationStore.unit(index))","centre":"\#(CirculationStore.centre)"}"#)
    }

    /// Which group-commit settings to measure: the daemon's default when it does not know the key,
    /// else off and on explicitly.
    func settings() throws -> [Daemon.GroupCommit] {
        guard options.groupCommit == "auto" else { return [.unset] }
        let (supported, refusal) = try Daemon.supportsGroupCommit(binary: options.rentald, directory: options.work)
        if supported { return [.off, .on] }
        say("  rentald refuses [store] group_commit (\(refusal)): measuring its default only")
        return [.unset]
    }

    func run() async throws {
        let settings = try settings()
        let units = options.units
        let clients = options.clientCounts
        say("checkouts: \(units) units per fresh store, \(options.checkoutSeconds) s per run, clients \(clients)")

        // Raw SQLite runs right before every socket run (the disk's sync rate drifts a lot on a shared
        // machine): each socket figure is compared with the raw run next to it.
        var rawResults: [LoadResult] = []
        func raw(_ label: String) async throws -> LoadResult {
            let directory = options.work + "/raw-\(rawResults.count + 1)"
            let store = try await CirculationStore.create(in: directory, units: units)
            let result = try RawCheckout.run(store, seconds: options.checkoutSeconds)
            say("  raw SQLite (\(label)): \(result.ok) checkouts in \(String(format: "%.2f", result.seconds)) s = \(Format.rate(result.rate))")
            rawResults.append(result)
            try? FileManager.default.removeItem(atPath: directory)
            return result
        }

        var rates: [Daemon.GroupCommit: [Int: LoadResult]] = [:]
        var rawNext: [Daemon.GroupCommit: [Int: LoadResult]] = [:]
        var readyTimes: [Double] = []
        var checkoutResponse: [UInt8] = []
        var readResponse: [UInt8] = []
        var readRates: [Int: Double] = [:]
        for setting in settings {
            for count in clients {
                rawNext[setting, default: [:]][count] = try await raw("before \(setting), \(count)")
                let directory = options.work + "/checkout-\(setting)-\(count)"
                let store = try await CirculationStore.create(in: directory + "/state", units: units)
                let daemon = try Daemon(binary: options.rentald, directory: directory, stateDirectory: directory + "/state",
                                        groupCommit: setting)
                readyTimes.append(daemon.readySeconds)
                let cpuBefore = daemon.process.cpuSeconds(), clientCPUBefore = ChildProcess.ownCPUSeconds()
                var result = try Load.run(socket: daemon.socket, clients: count, seconds: options.checkoutSeconds, expect: 201) { client, index in
                    let unit = client + index * count
                    return unit < store.units ? Self.checkout(unit) : nil
                }
                result.cpuSeconds = daemon.process.cpuSeconds() - cpuBefore
                result.clientCPUSeconds = ChildProcess.ownCPUSeconds() - clientCPUBefore
                guard result.ok > 0 else {
                    throw BenchError("no checkout succeeded through the daemon (\(setting), \(count) clients): \(result.firstFailure ?? "?")")
                }
                say("  socket, group commit \(setting), \(count) clients: \(result.ok) in \(String(format: "%.2f", result.seconds)) s = \(Format.rate(result.rate))"
                      + (result.failed > 0 ? ", \(result.failed) FAILED (first: \(result.firstFailure ?? "?"))" : "")
                      + (result.exhausted ? " (units ran out)" : ""))
                rates[setting, default: [:]][count] = result
                if checkoutResponse.isEmpty { checkoutResponse = result.sampleResponse }
                if setting == settings[0], count == clients[0], options.runs("socket") {
                    // Reads of the loans just made: the HTTP and JSON path without an fsync.
                    let loans = result.ok
                    for readers in clients {
                        let read = try Load.run(socket: daemon.socket, clients: readers, seconds: options.socketSeconds, expect: 200) { client, index in
                            HTTPConnection.request("GET", "/v1/loans/\((client * 7919 + index) % loans + 1)")
                        }
                        if readResponse.isEmpty { readResponse = read.sampleResponse }
                        readRates[readers] = read.rate
                    }
                }
                try daemon.stop()
                try? FileManager.default.removeItem(atPath: directory + "/state")
            }
        }
        let rawRates = rawResults.map(\.rate)

        for setting in settings {
            for count in clients {
                guard let result = rates[setting]?[count], let raw = rawNext[setting]?[count]?.rate else { continue }
                let ratio = result.rate / raw
                let rawLabel = "raw SQLite, 1 commit/op, run just before: \(Format.rate(raw))"
                let name = "durable checkouts/s via socket, \(count) client\(count == 1 ? "" : "s")"
                switch setting {
                case .unset, .off:
                    record(Row(name + (setting == .off ? ", group commit off" : ""), measured: Format.rate(result.rate),
                               baseline: rawLabel, ratio: Format.ratio(ratio), target: "≥ 0.7× raw", met: ratio >= 0.7))
                case .on:
                    record(Row(name + ", group commit on", measured: Format.rate(result.rate), baseline: rawLabel,
                               ratio: Format.ratio(ratio), target: count == 32 ? "≥ 2× raw" : "—",
                               met: count == 32 ? ratio >= 2 : nil))
                }
            }
        }
        let rawCPUPerOp = rawResults.map(\.cpuPerRequest).reduce(0, +) / Double(max(rawResults.count, 1))
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        for setting in settings {
            for count in clients {
                guard let result = rates[setting]?[count], result.cpuPerRequest > 0 else { continue }
                let ceiling = cores / result.cpuPerRequest
                record(Row("rentald CPU per checkout (user+sys), \(count) client\(count == 1 ? "" : "s"), group commit \(setting)",
                           measured: "\(Format.millis(result.cpuPerRequest)) (CPU-bound ceiling on \(Int(cores)) cores: \(Format.rate(ceiling)))",
                           baseline: "raw SQLite: \(Format.millis(rawCPUPerOp)) per checkout",
                           ratio: Format.ratio(result.cpuPerRequest / rawCPUPerOp)))
                if count == clients.last, setting == .on, result.ok > 0 {
                    // The load clients share the 2 cores: what daemon and clients together allow.
                    let clientCPU = result.clientCPUSeconds / Double(result.ok)
                    let shared = cores / (result.cpuPerRequest + clientCPU)
                    let raw = rawNext[setting]?[count]?.rate ?? 0
                    record(Row("  CPU-bound ceiling with the load clients on the same cores, \(count) clients, group commit on",
                               measured: "\(Format.rate(shared)) (rentald \(Int((result.cpuPerRequest * 1e6).rounded())) µs"
                                   + " + clients \(Int((clientCPU * 1e6).rounded())) µs of CPU per checkout)",
                               baseline: "raw SQLite, run just before: \(Format.rate(raw))",
                               ratio: raw > 0 ? Format.ratio(shared / raw) : "—"))
                }
            }
        }
        if !settings.contains(.on) {
            record(Row("durable checkouts/s via socket, 32 clients, group commit on",
                       measured: "not available (rentald refuses [store] group_commit)", target: "≥ 2× raw", met: false))
        }
        let spread = Sample(rawRates)
        record(Row("raw SQLite 1 commit/op: the \(rawRates.count) runs (the disk's sync rate on this machine)",
                   measured: "median \(Format.rate(spread.median)), from \(Format.rate(spread.quantile(0)))"
                       + " to \(Format.rate(spread.sorted.last ?? 0))"))
        if !readyTimes.isEmpty {
            record(Row("spawn → READY=1, circulation store (\(units) units), median",
                       measured: Format.millis(Sample(readyTimes).median)))
        }

        guard options.runs("socket") else { return }
        // The simplest server answering the daemon's own bytes.
        let first = settings[0]
        let checkoutRates = clients.reduce(into: [Int: Double]()) { $0[$1] = rates[first]?[$1]?.rate ?? 0 }
        try compare("POST /v1/loans" + (first == .off ? " (group commit off)" : ""), response: checkoutResponse,
                    daemonRates: checkoutRates, name: "post", commitRate: spread.median) { _, index in Self.checkout(index) }
        try compare("GET /v1/loans/{id} (a read: no fsync)", response: readResponse, daemonRates: readRates, name: "get") { _, index in
            HTTPConnection.request("GET", "/v1/loans/\(index % 1000 + 1)")
        }
    }

    /// Rows comparing the daemon's round trips with the raw socket server answering `response`.
    /// With `commitRate` (raw SQLite's durable commits per second), also the floor of one client's
    /// durable checkouts on this design: a raw commit plus a round trip through the HTTP server alone,
    /// one after the other, with nothing else.
    private func compare(_ label: String, response: [UInt8], daemonRates: [Int: Double], name: String, commitRate: Double? = nil,
                         request: @escaping @Sendable (Int, Int) -> [UInt8]) throws {
        guard !response.isEmpty else { return }
        let server = try FixedServerProcess(options: options, response: response, name: name)
        defer { server.stop() }
        // rentald's HTTP server alone, answering the same body: the most any route can reach on it.
        let floor = try FixedServerProcess(options: options, response: response, name: name + "-http", rentald: options.rentald)
        defer { floor.stop() }
        let status = Int(String(decoding: response.dropFirst(9).prefix(3), as: UTF8.self)) ?? 200
        for count in options.clientCounts {
            let result = try Load.run(socket: server.socket, clients: count, seconds: options.socketSeconds, expect: status, request: request)
            let http = try Load.run(socket: floor.socket, clients: count, seconds: options.socketSeconds, expect: 200, request: request)
            let daemonRate = daemonRates[count] ?? 0
            record(Row("\(label) round trips/s, \(count) client\(count == 1 ? "" : "s"): rentald vs raw socket (same \(response.count) B answer)",
                       measured: Format.rate(daemonRate), baseline: "raw socket server: \(Format.rate(result.rate))",
                       ratio: Format.ratio(daemonRate / result.rate)))
            record(Row("  rentald's HTTP server alone (no route, no store: the floor), \(count) client\(count == 1 ? "" : "s")",
                       measured: Format.rate(http.rate), baseline: "raw socket server: \(Format.rate(result.rate))",
                       ratio: Format.ratio(http.rate / result.rate)))
            if count == 1, let commitRate, http.rate > 0 {
                let floor = 1 / (1 / commitRate + 1 / http.rate)
                record(Row("  durable checkout's floor, 1 client: a raw commit, then a round trip through that HTTP server alone",
                           measured: Format.rate(floor), baseline: "raw SQLite, median of the runs: \(Format.rate(commitRate))",
                           ratio: Format.ratio(floor / commitRate)))
            }
        }
    }
}

/// The raw socket server (`rental-bench serve-fixed`) as a separate process, like the daemon.
final class FixedServerProcess {
    let process: ChildProcess
    let socket: String

    /// Starts the raw server, or with `rentald`, that daemon's HTTP server alone (`--answer-fixed`).
    init(options: BenchOptions, response: [UInt8], name: String, rentald: String? = nil) throws {
        let responseFile = options.work + "/fixed-\(name).http"
        let ready = options.work + "/fixed-\(name).ready"
        let socket = options.work + "/fixed-\(name).sock"
        self.socket = socket
        try Data(response).write(to: URL(fileURLWithPath: responseFile))
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let arguments = rentald.map { [$0, "--answer-fixed", responseFile, "--socket", socket] }
            ?? [executable, "serve-fixed", "--socket", socket, "--response", responseFile, "--ready", ready]
        process = try ChildProcess(arguments, output: options.work + "/fixed-\(name).log")
        let deadline = Monotonic.now() + 10
        while !Self.isReady(rentald == nil ? .file(ready) : .answering(socket)) {
            if process.exitStatus != nil || Monotonic.now() > deadline {
                throw BenchError("the raw socket server did not start: \(Daemon.tail(options.work + "/fixed-\(name).log"))")
            }
            usleep(5_000)
        }
    }

    func stop() { process.stop(seconds: 5) }

    private enum Readiness { case file(String), answering(String) }

    /// The raw server touches its ready file; rentald is ready when its socket accepts a connection.
    private static func isReady(_ readiness: Readiness) -> Bool {
        switch readiness {
        case .file(let path): return FileManager.default.fileExists(atPath: path)
        case .answering(let socket):
            guard let fd = try? UnixSocket.connect(socket) else { return false }
            close(fd)
            return true
        }
    }
}
