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
    private(set) var process: Process?

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
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    func writeConfig(_ text: String) throws {
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    static var binary: String {
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
    }

    /// Runs `rentald` with `arguments` to completion (for `--check-config`, refusals): exit code and stderr.
    func runToExit(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ["PATH": "/usr/bin:/bin"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Starts the daemon and waits until it answers `/v1/health`.
    func start(demo: Bool = true, useConfig: Bool = false, extra: [String] = []) async throws {
        var arguments = ["--state-dir", stateDirectory, "--socket", socketPath]
        if demo { arguments.append("--demo") }
        if useConfig { arguments += ["--config", configPath] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments + extra
        process.currentDirectoryURL = directory
        process.environment = ["PATH": "/usr/bin:/bin"]
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try log.seekToEnd()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if !process.isRunning { throw HarnessError("rentald exited at start: \(self.log)") }
            if (try? await client.health()) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("rentald did not answer within 30 s: \(self.log)")
    }

    /// Sends a signal to the daemon.
    func signal(_ number: Int32) {
        if let process { kill(process.processIdentifier, number) }
    }

    /// SIGTERM, then waits for the exit; returns the exit status.
    @discardableResult
    func stop() async throws -> Int32 {
        guard let process else { return -1 }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw HarnessError("rentald did not stop within 20 s after SIGTERM")
        }
        self.process = nil
        return process.terminationStatus
    }

    /// What the daemon wrote to stderr so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Runs `curl` against the socket as another Unix user (through `setpriv`), returning the HTTP
    /// status (0 when it could not connect) and the body.
    func curl(as user: (uid: Int, gid: Int)?, _ method: String, _ path: String, json: String? = nil,
              headers: [String] = []) throws -> (status: Int, body: String) {
        var command = ["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "-X", method, "--unix-socket", socketPath,
                       "http://localhost\(path)"]
        for header in headers { command += ["-H", header] }
        if let json { command += ["-H", "content-type: application/json", "--data-binary", json] }
        if let user {
            command = ["setpriv", "--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "--"] + command
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.last ?? "") ?? 0
        return (status, lines.dropLast().joined(separator: "\n"))
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
