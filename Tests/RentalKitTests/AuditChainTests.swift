import Foundation
import GRDB
import Testing
@testable import RentalKit

@Suite("Tamper-evident audit trail")
struct AuditChainTests {
    @Test func anUntouchedTrailVerifies() async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        let result = try await world.store.verifyAudit()
        #expect(result.firstBroken == nil)
        #expect(result.checked == (try await world.count("SELECT count(*) FROM audit_event")))
    }

    @Test("a changed event is found, even when the attacker removes the append-only trigger")
    func changedEvent() async throws {
        let world = try await TestWorld()
        try await world.rawQueue().write { db in
            try db.execute(sql: """
                DROP TRIGGER audit_event_no_update;
                UPDATE audit_event SET actor = 'someone else' WHERE seq = 3;
                """)
        }
        let result = try await world.store.verifyAudit()
        #expect(result.firstBroken == 3)
        #expect(result.checked == 2)
        #expect(result.problem == "event 3 does not match its hash")
    }

    @Test func aDeletedEventIsFound() async throws {
        let world = try await TestWorld()
        try await world.rawQueue().write { db in
            try db.execute(sql: "DROP TRIGGER audit_event_no_delete; DELETE FROM audit_event WHERE seq = 4;")
        }
        let result = try await world.store.verifyAudit()
        #expect(result.firstBroken == 5)
        #expect(result.problem == "event 4 is missing")
    }

    @Test("events written before the chain existed are chained by the migration")
    func migratedTrail() async throws {
        let source = try #require(Bundle.module.url(forResource: "schema-v1", withExtension: "sqlite", subdirectory: "Fixtures"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rentalkit-\(UUID().uuidString).sqlite").path
        try FileManager.default.copyItem(atPath: source.path, toPath: path)
        let store = try RentalStore.open(path: path)
        _ = try await store.returnUnit("КРВ-0001", at: "omsk", condition: .good, by: .admin("admin"))
        let result = try await store.verifyAudit()
        #expect(result == AuditVerification(checked: 18, firstBroken: nil, problem: nil))
    }

    @Test("event details are written exactly as JSONEncoder with sorted keys writes them")
    func detailsEncoding() throws {
        let keys = ["unit", "units", "unitStatus", "family", "centre", "itemType", "items", "iron", "backdatedTo", "backdated",
                    "due", "rule", "openDays", "open", "timeZone", "time", "a1", "a10", "a2", "Z", "z", "ключ"]
        var values = ["", "ОМ/0001", #"a "quoted" \ slash/"#, "tab\tline\n", "e\u{301}", "👶🏽", "\u{7F}"]
        values.append(String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var random = SplitMix64(seed: 7)
        func next(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
        for _ in 0..<1_000 {
            var details: [String: String] = [:]
            for _ in 0..<next(8) { details[keys[next(keys.count)]] = values[next(values.count)] }
            let expected = String(decoding: try encoder.encode(details), as: UTF8.self)
            #expect(String(decoding: JSONBytes.object(details, escapingSlashes: true), as: UTF8.self) == expected)
        }
    }
}
