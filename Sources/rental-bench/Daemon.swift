import Foundation
import Glibc

/// A `rentald` started by the benchmark: its own configuration file, state directory and socket, a
/// `NOTIFY_SOCKET` that the benchmark reads to know when it is ready, its output in a log file.
final class Daemon {
    /// The process.
    let process: ChildProcess
    /// The socket it serves.
    let socket: String
    /// Seconds from just before the spawn to the `READY=1` datagram.
    let readySeconds: Double
    /// Its log.
    let logPath: String
    /// When `READY=1` arrived (monotonic seconds).
    let readyAt: Double

    /// The `[store] group_commit` setting: unset (the daemon's default), or explicitly on or off.
    enum GroupCommit: Sendable, Hashable, CustomStringConvertible {
        case unset, on, off

        var description: String {
            switch self {
            case .unset: "default"
            case .on: "on"
            case .off: "off"
            }
        }
    }

    private static let counter = Locked(0)

    /// Writes a configuration, starts `binary` with it and waits for `READY=1` (at most `timeout`
    /// seconds). Notices are disabled: the start-up scan would otherwise send tens of thousands of
    /// notices from the seeded stores while the figures are taken.
    init(binary: String, directory: String, stateDirectory: String, groupCommit: GroupCommit, demo: Bool = false,
         timeout: Double = 300) throws {
        let n = Self.counter.withLock { value -> Int in
            value += 1
            return value
        }
        socket = directory + "/d\(n).sock"
        logPath = directory + "/rentald-\(n).log"
        let config = directory + "/rentald-\(n).conf"
        try Self.config(stateDirectory: stateDirectory, socket: socket, groupCommit: groupCommit)
            .write(toFile: config, atomically: true, encoding: .utf8)
        let notifyPath = directory + "/n\(n).sock"
        let notify = try UnixSocket.bind(notifyPath, type: SOCK_DGRAM)
        defer {
            close(notify)
            unlink(notifyPath)
        }
        var receiveTimeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(notify, SOL_SOCKET, SO_RCVTIMEO, &receiveTimeout, socklen_t(MemoryLayout<timeval>.size))
        var arguments = [binary, "--config", config]
        if demo { arguments.append("--demo") }
        let start = Monotonic.now()
        process = try ChildProcess(arguments, environment: ["NOTIFY_SOCKET": notifyPath], output: logPath)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(notify, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                let message = String(decoding: buffer[..<count], as: UTF8.self)
                if message.split(separator: "\n").contains("READY=1") { break }
                continue
            }
            if let status = process.exitStatus {
                throw BenchError("rentald exited with status \(status) before READY=1: \(Self.tail(logPath))")
            }
            if Monotonic.now() - start > timeout {
                process.stop()
                throw BenchError("rentald sent no READY=1 within \(Int(timeout)) s: \(Self.tail(logPath))")
            }
        }
        readyAt = Monotonic.now()
        readySeconds = readyAt - start
    }

    /// Problems seen when stopping daemons, for the report (see ``stop()``).
    static let stopProblems = Locked<[String]>([])
    /// Daemons stopped.
    static let stops = Locked(0)

    /// Waits (at most `timeout` seconds) until the daemon is idle: after a clean stop its whole-file check
    /// runs right after READY=1, beside the first requests, and its CPU would be counted as theirs.
    func settle(timeout: Double = 10) {
        let deadline = Monotonic.now() + timeout
        var last = process.cpuSeconds()
        while Monotonic.now() < deadline {
            usleep(100_000)
            let now = process.cpuSeconds()
            if now - last < 0.005 { return }
            last = now
        }
    }

    /// SIGTERM and wait. rentald sends `READY=1` before its signal handler is surely in place: a SIGTERM
    /// in that window either kills it outright (status 143) or is lost and it keeps running. So this
    /// waits until `/proc/PID/status` shows SIGTERM caught, and records (rather than fails on) a daemon
    /// killed by the signal or one that has to be sent SIGKILL after 20 s.
    func stop() throws {
        let deadline = Monotonic.now() + 5
        while !Self.catchesSIGTERM(process.pid), process.exitStatus == nil, Monotonic.now() < deadline { usleep(2_000) }
        usleep(20_000)
        Self.stops.withLock { $0 += 1 }
        let status = process.stop(seconds: 20)
        switch status {
        case 0: return
        case 128 + SIGTERM:
            Self.stopProblems.withLock { $0.append("rentald died of SIGTERM (no handler yet) \(Format.millis(Monotonic.now() - readyAt)) after READY=1") }
        case 128 + SIGKILL:
            Self.stopProblems.withLock { $0.append("rentald ignored SIGTERM sent \(Format.millis(Monotonic.now() - readyAt - 20)) after READY=1; killed after 20 s") }
        default:
            throw BenchError("rentald stopped with status \(status): \(Self.tail(logPath))")
        }
    }

    /// Whether the process has a handler for SIGTERM (`SigCgt` in `/proc/PID/status`).
    static func catchesSIGTERM(_ pid: pid_t) -> Bool {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
              let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16) else { return false }
        return mask & (1 << UInt64(SIGTERM - 1)) != 0
    }

    /// The configuration text.
    static func config(stateDirectory: String, socket: String, groupCommit: GroupCommit) -> String {
        var text = """
            # Written by rental-bench.
            [daemon]
            state_directory = \(stateDirectory)
            socket = \(socket)

            [limits]
            max_connections = 256

            [notices]
            enabled = no

            """
        switch groupCommit {
        case .unset: break
        case .on: text += "[store]\ngroup_commit = yes\n"
        case .off: text += "[store]\ngroup_commit = no\n"
        }
        return text
    }

    /// Whether `binary` accepts `[store] group_commit` (`rentald --check-config`); the refusal otherwise.
    static func supportsGroupCommit(binary: String, directory: String) throws -> (Bool, String) {
        let config = directory + "/group-commit-check.conf"
        let log = directory + "/group-commit-check.log"
        try Self.config(stateDirectory: directory + "/no-state", socket: directory + "/none.sock", groupCommit: .off)
            .write(toFile: config, atomically: true, encoding: .utf8)
        let status = try ChildProcess([binary, "--config", config, "--check-config"], output: log).wait()
        return (status == 0, tail(log))
    }

    /// The last lines of a log, for error messages.
    static func tail(_ path: String, lines: Int = 5) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: " | ")
    }
}
