import Foundation
import Testing
@testable import RentalKit

/// The audit chain's SHA-256 (swift-crypto since the second release; hand-written in the first) against the
/// standard's vectors, and a store written by the first release, whose chain must verify unchanged.
@Suite("Audit hash")
struct AuditHashTests {
    @Test("FIPS 180-4 test vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func vectors(message: String, digest: String) {
        #expect(AuditChain.sha256Hex(message.utf8) == digest)
    }

    @Test func aMillionAs() {
        #expect(AuditChain.sha256Hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("a store written by release 0.1 (hand-written SHA-256) verifies, and new events extend its chain")
    func firstReleaseChainVerifies() async throws {
        let source = try #require(Bundle.module.url(forResource: "release-0.1", withExtension: "sqlite", subdirectory: "Fixtures"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rentalkit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("rental.sqlite").path
        try FileManager.default.copyItem(atPath: source.path, toPath: path)

        let store = try RentalStore.open(path: path)
        let before = try await store.verifyAudit()
        #expect(before.firstBroken == nil)
        #expect(before.checked == 555, "the fixture's events were all checked")
        _ = try await store.setFamilyStatus(.suspended, family: "F-2026-0003", by: .admin("ivanova"))
        let after = try await store.verifyAudit()
        #expect(after.firstBroken == nil)
        #expect(after.checked == 556)
        // A tampered event is still found: the check is real.
        try await store.write { db in
            try db.execute(sql: "DROP TRIGGER audit_event_no_update")
            try db.execute(sql: "UPDATE audit_event SET actor = 'mallory' WHERE seq = 100")
        }
        #expect(try await store.verifyAudit().firstBroken == 100)
    }
}
