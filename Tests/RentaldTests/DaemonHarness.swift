import Foundation
import Glibc
import RentalClient
import RentalProtocol

/// A real `rentald` process on a temporary socket and state directory, stopped when the test ends.
final class DaemonHarness: @unchecked Sendable {
    let directory: URL
    let socketPath: String
    let stateDirectory: String
    let configPath: String
    let logPath: String
    private(set) var process: Spawn?

    var client: RentalClient { RentalClient(socketPath: socketPath) }
    var storePath: String { stateDirectory + "/" + RentalPaths.storeFileName }

    /// Creates the directories; `config` (if given) is written to `rentald.conf`.
    init(config: String? = nil) throws {
        directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("rentald-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        chmod(directory.path, 0o755)  // other test users must reach the socket
        socketPath = directory.appendingPathComponent("rentald.sock").path
        stateDirectory = directory.appendingPathComponent("state").path
        configPath = directory.appendingPathComponent("rentald.conf").path
        logPath = directory.appendingPathComponent("rentald.log").path
        if let config { try writeConfig(config) }
    }

    deinit {
        if let process, process.exitStatus == nil {
            kill(process.pid, SIGKILL)
            var status: Int32 = 0
            waitpid(process.pid, &status, 0)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    func writeConfig(_ text: String) throws {
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    static let binary: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var directory = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The test binary sits in the .xctest bundle, or beside the products.
        if directory.path.hasSuffix(".xctest") || directory.lastPathComponent == "Linux" {
            directory = directory.deletingLastPathComponent()
        }
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("rentald").path), directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("rentald").path
    }()

    /// Runs `rentald` with `arguments` to completion (for `--check-config`, refusals): exit code and output.
    func runToExit(_ arguments: [String]) async throws -> (status: Int32, stderr: String) {
        let output = directory.appendingPathComponent("run-\(UUID().uuidString.prefix(8)).log").path
        let child = try Spawn([Self.binary] + arguments, outputPath: output)
        let status = await child.wait()
        return (status, child.output)
    }

    /// A notice scan through the API once the one rentald runs by itself (at start-up) is over: a scan asked
    /// for meanwhile is refused with `scan_in_progress`.
    @discardableResult
    func scanNotices(centre: String? = nil) async throws -> NoticeScanSummary {
        for _ in 0..<600 {
            do {
                return try await client.scanNotices(centre: centre)
            } catch {
                guard error.code == .scanInProgress else { throw error }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await client.scanNotices(centre: centre)
    }

    /// Starts the daemon and waits until it answers `/v1/health`.
    func start(demo: Bool = true, useConfig: Bool = false, extra: [String] = []) async throws {
        var arguments = ["--state-dir", stateDirectory, "--socket", socketPath]
        if demo { arguments.append("--demo") }
        if useConfig { arguments += ["--config", configPath] }
        let process = try Spawn([Self.binary] + arguments + extra, outputPath: logPath)
        self.process = process
        // 60 s, and at least 20 real attempts: when the test process itself is starved (dozens of daemons
        // starting at once on 2 cores kept every test asleep past its deadline once, in CI), the daemon that
        // came up meanwhile still gets asked, as Spawn.wait looks once more after its deadline.
        let deadline = Date().addingTimeInterval(60)
        var attempts = 0
        while Date() < deadline || attempts < 20 {
            attempts += 1
            if process.exitStatus != nil { throw HarnessError("rentald exited at start: \(self.log)") }
            if (try? await RentalClient(socketPath: socketPath, timeout: .seconds(5)).health()) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("rentald did not answer within 60 s: \(self.log)")
    }

    /// Sends a signal to the daemon.
    func signal(_ number: Int32) {
        if let process { kill(process.pid, number) }
    }

    /// SIGTERM, then waits for the exit; returns the exit status.
    @discardableResult
    func stop() async throws -> Int32 {
        guard let process else { return -1 }
        kill(process.pid, SIGTERM)
        let status = await process.wait(seconds: 30)
        self.process = nil
        if status == 128 + SIGKILL { throw HarnessError("rentald did not stop within 30 s after SIGTERM") }
        return status
    }

    /// Forgets a daemon that was killed from outside (after reaping it).
    func reap() async {
        if let process { await process.wait(seconds: 5) }
        process = nil
    }

    /// What the daemon wrote to stderr so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Runs `curl` against the socket, as another Unix user through `setpriv` when `user` is given,
    /// returning the HTTP status (0 when it could not connect) and the body.
    func curl(as user: (uid: Int, gid: Int)?, _ method: String, _ path: String, json: String? = nil,
              headers: [String] = []) async throws -> (status: Int, body: String) {
        var command = ["-X", method]
        for header in headers { command += ["-H", header] }
        if let json { command += ["-H", "content-type: application/json", "--data-binary", json] }
        return try await curlRaw(command, path, as: user)
    }

    /// `curl` with arbitrary arguments: HTTP status (0 when it could not connect) and body.
    func curlRaw(_ arguments: [String], _ path: String, as user: (uid: Int, gid: Int)? = nil) async throws -> (status: Int, body: String) {
        var command = ["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "--unix-socket", socketPath] + arguments
            + ["http://localhost\(path)"]
        if let user {
            command = ["setpriv", "--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "--"] + command
        }
        let output = directory.appendingPathComponent("curl-\(UUID().uuidString.prefix(8)).out").path
        let child = try Spawn(command, outputPath: output)
        await child.wait()
        let lines = child.output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
