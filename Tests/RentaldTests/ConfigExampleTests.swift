import Foundation
import Testing

@Suite("The shipped example configuration")
struct ConfigExampleTests {
    @Test("config/rentald.conf.example passes --check-config, commented and uncommented")
    func exampleIsValid() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let example = try String(contentsOf: root.appendingPathComponent("config/rentald.conf.example"), encoding: .utf8)
        let daemon = try DaemonHarness(config: example)
        let commented = try await daemon.runToExit(["--check-config", "--config", daemon.configPath])
        #expect(commented.status == 0, "\(commented.stderr)")
        // Every setting uncommented (staff lines need centres in a store, so they are checked once one exists).
        let active = example.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("#") && line.contains(" = ") && !line.hasPrefix("# ") ? String(line.dropFirst()) : String(line)
        }.joined(separator: "\n")
        try daemon.writeConfig(active.replacingOccurrences(of: "socket_group = rental", with: "socket_group = root"))
        let uncommented = try await daemon.runToExit(["--check-config", "--config", daemon.configPath])
        #expect(uncommented.status == 0, "\(uncommented.stderr)")
    }
}
