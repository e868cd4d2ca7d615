import Foundation
import Glibc

/// A child process started with `posix_spawn`, its output going to a file.
///
/// Foundation's `Process` loses track of children that exit quickly while several run at once (they stay
/// zombies and `waitUntilExit` never returns), so the tests spawn and reap their children themselves.
struct Spawn {
    let pid: pid_t
    let outputPath: String

    /// Starts `arguments[0]` (looked up in PATH) with `environment`; stdout and stderr go to `outputPath`
    /// (appended).
    init(_ arguments: [String], environment: [String: String] = ["PATH": "/usr/bin:/bin"], outputPath: String) throws {
        self.outputPath = outputPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawnp(&child, arguments[0], &actions, nil, &argv, &envp)
        guard result == 0 else { throw HarnessError("cannot start \(arguments[0]): \(String(cString: strerror(result)))") }
        pid = child
    }

    /// Whether the child is still running (reaps it when it has exited).
    mutating func isRunning() -> Bool {
        exitStatus == nil
    }

    /// The exit status once the child has exited (128 + signal when a signal ended it), else nil.
    var exitStatus: Int32? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return result == -1 ? Spawn.lost : nil }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Waits up to `seconds` for the child to exit; kills it after that. Returns its exit status.
    @discardableResult
    func wait(seconds: Double = 30) async -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let status = exitStatus { return status }
            try? await Task.sleep(for: .milliseconds(10))
        }
        // Look once more: a test that held the cooperative threads may have kept this loop asleep past the
        // deadline while the child finished long ago.
        if let status = exitStatus { return status }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return 128 + SIGKILL
    }

    /// Everything the child wrote.
    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    private static let lost: Int32 = -1
}

extension Spawn {
    /// Runs a tool to completion without holding a thread of the test pool (chromium takes seconds, and the
    /// pool has as many threads as cores); returns what it printed, or throws with it when the exit status
    /// is not in `success`.
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String]? = nil, timeout: Double = 180,
                    success: Set<Int32> = [0]) async throws -> String {
        let output = "/tmp/tool-\(UUID().uuidString.prefix(8)).log"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try Spawn(arguments, environment: environment ?? ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                                                                      "LANG": "C.UTF-8", "HOME": "/tmp"],
                              outputPath: output)
        let status = await child.wait(seconds: timeout)
        let text = child.output
        guard success.contains(status) else {
            throw HarnessError("\(arguments[0]) \(arguments.dropFirst().prefix(2).joined(separator: " ")) failed (status \(status)): \(text.suffix(800))")
        }
        return text
    }
}
