import Foundation
import Glibc
import Synchronization

/// A process started by the benchmark with `posix_spawn` (the cheapest way to start one, so that
/// one-shot timings measure the program, not the launcher). Every child is listed in ``ChildProcess/registry``
/// and, when `BENCH_PID_FILE` is set, in that file, so that `benchmarks/run.sh` can stop it on exit.
final class ChildProcess: Sendable {
    /// The process id.
    let pid: pid_t
    /// The command, for messages.
    let command: String
    private let status = Mutex<Int32?>(nil)

    /// Children still running, by pid: stopped by ``stopAll()``.
    static let registry = Mutex<Set<pid_t>>([])

    /// Starts `arguments[0]` (a path) with `arguments`, the current environment plus `environment`, and
    /// stdout and stderr appended to `output` (default `/dev/null`).
    init(_ arguments: [String], environment: [String: String] = [:], output: String = "/dev/null",
         register: Bool = true) throws {
        guard let program = arguments.first else { throw BenchError("nothing to run") }
        command = arguments.joined(separator: " ")
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var child: pid_t = 0
        let rc = posix_spawn(&child, program, &actions, nil, argv, envp)
        guard rc == 0 else { throw BenchError("cannot start \(program): \(String(cString: strerror(rc)))") }
        pid = child
        if register {
            _ = Self.registry.withLock { $0.insert(child) }
            Self.recordPid(child)
        }
    }

    /// The exit status once the process has ended (128 + signal when killed), else nil. Reaps it.
    var exitStatus: Int32? {
        if let known = status.withLock({ $0 }) { return known }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
        return finish(raw)
    }

    /// Waits for the process to end and returns its exit status.
    @discardableResult
    func wait() -> Int32 {
        if let known = status.withLock({ $0 }) { return known }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 {
            guard errno == EINTR else { return status.withLock { $0 } ?? -1 }
        }
        return finish(raw)
    }

    /// SIGTERM, then SIGKILL after `seconds` if it has not ended; returns the exit status.
    @discardableResult
    func stop(seconds: Double = 30) -> Int32 {
        if let known = exitStatus { return known }
        kill(pid, SIGTERM)
        let deadline = Monotonic.now() + seconds
        while Monotonic.now() < deadline {
            if let ended = exitStatus { return ended }
            usleep(2_000)
        }
        kill(pid, SIGKILL)
        return wait()
    }

    private func finish(_ raw: Int32) -> Int32 {
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros: decode by hand.
        let signal = raw & 0x7F
        let code = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
        status.withLock { $0 = code }
        _ = Self.registry.withLock { $0.remove(pid) }
        return code
    }

    /// Kills every child still running (on exit or on a signal).
    static func stopAll() {
        for pid in registry.withLock({ $0 }) {
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            waitpid(pid, &raw, 0)
        }
        registry.withLock { $0.removeAll() }
    }

    /// Appends `pid` to `$BENCH_PID_FILE`, if set.
    private static func recordPid(_ pid: pid_t) {
        guard let file = ProcessInfo.processInfo.environment["BENCH_PID_FILE"], !file.isEmpty else { return }
        let fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { return }
        let line = "\(pid)\n"
        _ = line.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }

    /// CPU time the process has used (user + system), in seconds, from `/proc/PID/stat`.
    func cpuSeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU time this process has used, in seconds.
    static func ownCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The 1-minute load average.
    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").first.map(String.init) ?? "?"
    }

    /// The process's resident memory now and at its peak, and of the resident pages now those the process
    /// allocated (anonymous) and those of mapped files (its binary and libraries: page cache, which the
    /// kernel may map in large folios around each page touched), from `/proc/PID/status` (kibibytes).
    func memory() -> (rss: Int, hwm: Int, anonymous: Int, file: Int)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        var fields: [Substring: Int] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if parts.count >= 2 { fields[parts[0]] = Int(parts[1]) }
        }
        guard let rss = fields["VmRSS:"], let hwm = fields["VmHWM:"], let anonymous = fields["RssAnon:"],
              let file = fields["RssFile:"] else { return nil }
        return (rss, hwm, anonymous, file)
    }

    /// ``memory()`` in words, for a table's "measured" column.
    static func describe(_ memory: (rss: Int, hwm: Int, anonymous: Int, file: Int)) -> String {
        "VmRSS \(Format.megabytes(kibibytes: memory.rss)) (anonymous \(Format.megabytes(kibibytes: memory.anonymous)), "
            + "files \(Format.megabytes(kibibytes: memory.file))), VmHWM \(Format.megabytes(kibibytes: memory.hwm))"
    }
}

/// A benchmark that cannot run (as opposed to a slow one, which is only reported).
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
