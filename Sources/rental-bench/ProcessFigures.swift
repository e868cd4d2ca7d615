import Foundation

/// Figures 4 and 5 (idle): a daemon with the demo store; its memory when idle after start, then
/// `rentalctl status --json` against `curl --unix-socket` for the same request (`GET /v1/health`), each a
/// whole process from spawn to exit, alternating so that drift hits both alike.
struct ProcessFigures {
    let options: BenchOptions
    let record: (Row) -> Void

    func run() async throws {
        let directory = options.work + "/demo"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let daemon = try Daemon(binary: options.rentald, directory: directory, stateDirectory: directory + "/state",
                                groupCommit: .unset, demo: true)
        var running = true
        defer { if running { try? daemon.stop() } }
        say("demo daemon ready in \(Format.millis(daemon.readySeconds)) (seeding the demo data included)")
        if options.runs("memory") {
            try await Task.sleep(for: .seconds(2))
            guard let memory = daemon.process.memory() else { throw BenchError("cannot read /proc/\(daemon.process.pid)/status") }
            record(Row("rentald memory idle after start, demo store", measured:
                        ChildProcess.describe(memory),
                       target: "≤ 32 MB", met: memory.rss * 1024 <= 32_000_000))
        }
        if options.runs("oneshot") { try await oneShot(daemon, directory: directory) }
        if options.runs("memory") {
            // The same store opened again, as production starts (the store has data: nothing is seeded).
            running = false
            try daemon.stop()
            let again = try Daemon(binary: options.rentald, directory: directory, stateDirectory: directory + "/state",
                                   groupCommit: .unset, demo: true)
            defer { try? again.stop() }
            try await Task.sleep(for: .seconds(2))
            guard let restarted = again.process.memory() else { throw BenchError("cannot read /proc/\(again.process.pid)/status") }
            record(Row("rentald memory idle after start, existing demo store (nothing seeded)", measured:
                        ChildProcess.describe(restarted),
                       target: "≤ 32 MB", met: restarted.rss * 1024 <= 32_000_000))
        }
    }

    /// `rentalctl status --json` against curl, each a whole process.
    private func oneShot(_ daemon: Daemon, directory: String) async throws {
        let rentalctl = [options.rentalctl, "status", "--json", "--socket", daemon.socket]
        let curl = [options.curl, "-s", "-f", "-o", "/dev/null", "--unix-socket", daemon.socket, "http://localhost/v1/health"]
        for command in [rentalctl, curl] {  // both must work before they are timed
            let status = try ChildProcess(command, output: directory + "/oneshot-check.log", register: false).wait()
            guard status == 0 else { throw BenchError("\(command.joined(separator: " ")) exited with \(status): \(Daemon.tail(directory + "/oneshot-check.log"))") }
        }
        var ctlTimes: [Double] = []
        var curlTimes: [Double] = []
        for _ in 0..<options.oneShotRuns {
            for (command, isCtl) in [(rentalctl, true), (curl, false)] {
                let start = Monotonic.now()
                let status = try ChildProcess(command, register: false).wait()
                let elapsed = Monotonic.now() - start
                guard status == 0 else { throw BenchError("\(command[0]) exited with \(status)") }
                if isCtl { ctlTimes.append(elapsed) } else { curlTimes.append(elapsed) }
            }
        }
        let ctl = Sample(ctlTimes)
        let curlSample = Sample(curlTimes)
        let runs = options.oneShotRuns
        record(Row("rentalctl status --json, whole process, median of \(runs)", measured: Format.millis(ctl.median),
                   baseline: "curl --unix-socket GET /v1/health: \(Format.millis(curlSample.median))",
                   ratio: Format.ratio(ctl.median / curlSample.median), target: "≤ 1.5× curl", met: ctl.median / curlSample.median <= 1.5))
        record(Row("rentalctl status --json, whole process, p90 of \(runs)", measured: Format.millis(ctl.p90),
                   baseline: "curl p90: \(Format.millis(curlSample.p90))", ratio: Format.ratio(ctl.p90 / curlSample.p90)))
    }
}
