import Foundation
import Testing

/// README's "A day at the centre", run as written: every `rentalctl` line of its code block, in order, through
/// `/bin/sh` against a fresh demo daemon, with the exit status the README promises (a line whose comment says
/// "exit status N" must exit N; every other line must succeed). Change the README or the demo data until it
/// passes.
@Suite("README walkthrough")
struct ReadmeWalkthroughTests {
    /// One command of the walkthrough.
    struct Step {
        let command: String
        let expectedStatus: Int32
    }

    /// The `sh` block under "## A day at the centre": its `export` line (the environment) and its commands.
    static func walkthrough() throws -> (environment: [String: String], steps: [Step]) {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## A day at the centre").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```sh\n").dropFirst().first?.components(separatedBy: "```").first)
        var environment: [String: String] = [:]
        var steps: [Step] = []
        var pending = ""
        for rawLine in block.split(separator: "\n") {
            let line = pending + rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("\\") {  // a continued line
                pending = String(line.dropLast()) + " "
                continue
            }
            pending = ""
            if line.hasPrefix("export ") {
                for pair in line.dropFirst("export ".count).split(separator: " ") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2 { environment[String(parts[0])] = String(parts[1]) }
                }
                continue
            }
            if line.hasPrefix("alias ") || line.isEmpty { continue }
            let comment = line.range(of: "  #").map { String(line[$0.upperBound...]) } ?? ""
            let command = line.range(of: "  #").map { String(line[..<$0.lowerBound]) } ?? line
            let status = comment.firstMatch(of: /exit status (\d+)/).flatMap { Int32($0.1) } ?? 0
            steps.append(Step(command: command.trimmingCharacters(in: .whitespaces), expectedStatus: status))
        }
        return (environment, steps)
    }

    @Test("every command of \"A day at the centre\" runs against the demo daemon with the promised exit status")
    func walkthroughRunsAsWritten() async throws {
        let (environment, steps) = try Self.walkthrough()
        #expect(steps.count >= 10, "the walkthrough was read: \(steps.map(\.command))")
        #expect(steps.contains { $0.expectedStatus != 0 }, "the walkthrough shows a refusal")
        #expect(environment["RENTAL_CENTRE"] != nil, "the walkthrough sets the centre")

        let daemon = try DaemonHarness()
        try await daemon.start()
        let bin = daemon.directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent("rentalctl").path, withDestinationPath: CLITests.binary)
        var shellEnvironment = ["PATH": bin.path + ":/usr/bin:/bin", "LANG": "C.UTF-8", "NO_COLOR": "1", "COLUMNS": "100"]
        shellEnvironment.merge(environment) { _, readme in readme }
        shellEnvironment["RENTALD_SOCKET"] = daemon.socketPath

        for (index, step) in steps.enumerated() {
            let output = daemon.directory.appendingPathComponent("step-\(index).out").path
            let child = try Spawn(["/bin/sh", "-c", step.command], environment: shellEnvironment, outputPath: output)
            let status = await child.wait()
            #expect(status == step.expectedStatus, "README step \(index + 1) `\(step.command)` exited \(status), the README says \(step.expectedStatus): \(child.output)")
            #expect(child.output.isEmpty || child.output.hasSuffix("\n"), "README step \(index + 1) `\(step.command)`: output ends with a newline")
        }
    }
}
