import Foundation
import Testing

/// The daemon's route table as `rentald --routes` prints it: one JSON object per line.
struct RouteEntry: Decodable, Hashable, Sendable {
    let method: String
    /// `/v1/loans/{id}/renew`.
    let path: String
    let operationId: String
    /// `read`, `write`, `circulation` or `admin`.
    let access: String
    let success: Int

    /// `POST /v1/loans/{id}/renew`.
    var key: String { "\(method) \(path)" }
    /// Whether the operation changes something.
    var mutating: Bool { method != "GET" }

    /// Runs the built `rentald --routes` and reads its lines.
    static func load() async throws -> [RouteEntry] {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("routes-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try Spawn([DaemonHarness.binary, "--routes"], outputPath: output)
        let status = await child.wait()
        guard status == 0 else { throw HarnessError("rentald --routes exited \(status): \(child.output)") }
        return try child.output.split(separator: "\n").map { try JSONDecoder().decode(RouteEntry.self, from: Data($0.utf8)) }
    }
}
