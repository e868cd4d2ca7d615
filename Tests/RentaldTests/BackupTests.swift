import Foundation
import Testing
import RentalClient
import RentalKit
import RentalProtocol

@Suite("Hot backup")
struct BackupTests {
    @Test("a backup taken while clients check out is complete, checked, and confined to the backup directory")
    func backupWhileServing() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        let units = try await client.units(centre: "cherlak", status: .available, limit: 40).items
            .filter { ["wardrobe", "ironing-board"].contains($0.itemType) }.map(\.inventoryNumber)
        async let load: Void = {
            for (index, unit) in units.enumerated() {
                _ = try? await client.checkout(CheckoutRequest(family: String(format: "F-2026-%04d", 50 + index), unit: unit, centre: "cherlak"))
            }
        }()
        let result = try await client.backup(name: "nightly-1.sqlite")
        await load
        #expect(result.integrity == "ok")
        #expect(result.file == daemon.stateDirectory + "/backups/nightly-1.sqlite")
        #expect(result.bytes > 100_000)

        let copy = try RentalStore.open(path: result.file)
        #expect(try await copy.centres().count == 10)
        #expect(try await copy.summary().families == 120)
        try copy.close()

        for bad in ["../escape.sqlite", "/tmp/x.sqlite", "x.db", ".hidden.sqlite", "a b.sqlite"] {
            let error = try await #require(throws: RentalError.self) { _ = try await client.backup(name: bad) }
            #expect(error.code == .invalidInput, "\(bad)")
        }
        let twice = try await #require(throws: RentalError.self) { _ = try await client.backup(name: "nightly-1.sqlite") }
        #expect(twice.code == .alreadyExists)
        #expect(!FileManager.default.fileExists(atPath: daemon.directory.appendingPathComponent("escape.sqlite").path))
        try await daemon.stop()
    }

    @Test("[privacy] keep_backups: backups and kept copies older than the period are deleted at start, nothing else is")
    func expiredBackupsAreDeleted() async throws {
        let daemon = try DaemonHarness(config: """
            [privacy]
            keep_backups = 30d
            """)
        try await daemon.start(useConfig: true)
        try await daemon.stop()
        let backups = daemon.stateDirectory + "/backups"
        try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: true)
        let old = Date().addingTimeInterval(-40 * 86_400), recent = Date().addingTimeInterval(-20 * 86_400)
        func file(_ path: String, _ changed: Date) throws {
            try Data("x".utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.modificationDate: changed], ofItemAtPath: path)
        }
        let store = daemon.storePath
        let expired = [backups + "/nightly-old.sqlite", store + ".before-v9-audit-renewals-1700000000.sqlite",
                       store + ".replaced-1700000000.sqlite"]
        let kept = [backups + "/nightly-recent.sqlite", backups + "/notes-old.txt", daemon.stateDirectory + "/other-old.sqlite"]
        for path in expired { try file(path, old) }
        try file(kept[0], recent)
        try file(kept[1], old)
        try file(kept[2], old)
        // A link to an old file is not followed, and not deleted.
        try FileManager.default.createSymbolicLink(atPath: backups + "/link-old.sqlite", withDestinationPath: kept[2])

        try await daemon.start(useConfig: true)
        let deadline = Date().addingTimeInterval(20)
        while expired.contains(where: { FileManager.default.fileExists(atPath: $0) }), Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        for path in expired { #expect(!FileManager.default.fileExists(atPath: path), "\(path) deleted") }
        for path in kept + [backups + "/link-old.sqlite"] {
            #expect((try? FileManager.default.attributesOfItem(atPath: path)) != nil, "\(path) kept")
        }
        #expect(try await daemon.client.health().status == "ok", "the store itself is untouched")
        #expect(daemon.log.contains("backup deleted after the retention period"))
        try await daemon.stop()
    }

    @Test("rentald --restore puts a checked backup in place of a stopped daemon's store, and refuses otherwise")
    func restore() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        let backup = try await client.backup(name: "before.sqlite")
        let openAtBackup = try #require(try await client.health().summary?.openLoans)
        let unit = try #require(try await client.units(centre: "cherlak", itemType: "wardrobe", status: .available).items.first)
        _ = try await client.checkout(CheckoutRequest(family: "F-2026-0077", unit: unit.inventoryNumber, centre: "cherlak"))
        #expect(try await client.health().summary?.openLoans == openAtBackup + 1)

        let whileRunning = try await daemon.runToExit(["--restore", backup.file, "--state-dir", daemon.stateDirectory, "--socket", daemon.socketPath])
        #expect(whileRunning.status == 75)
        #expect(whileRunning.stderr.contains("stop it first"))
        try await daemon.stop()

        let garbage = daemon.directory.appendingPathComponent("garbage.sqlite").path
        try Data(repeating: 0x42, count: 10_000).write(to: URL(fileURLWithPath: garbage))
        let refused = try await daemon.runToExit(["--restore", garbage, "--state-dir", daemon.stateDirectory, "--socket", daemon.socketPath])
        #expect(refused.status == 74)
        #expect(refused.stderr.contains("restore refused"))

        let restored = try await daemon.runToExit(["--restore", backup.file, "--state-dir", daemon.stateDirectory, "--socket", daemon.socketPath])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stderr.contains("the previous store is kept at"))
        try await daemon.start(demo: false)
        #expect(try await client.health().summary?.openLoans == openAtBackup)
        #expect(try await client.verifyAudit().firstBroken == nil)
        try await daemon.stop()
    }
}
