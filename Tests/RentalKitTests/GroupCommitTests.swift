import Foundation
import GRDB
@testable import RentalKit
import Testing

@Suite("Group commit")
struct GroupCommitTests {
    /// Holds the store's writer connection on another thread until `release()`, so that operations queue up
    /// behind it and go into one shared transaction.
    final class WriterHold: @unchecked Sendable {
        private let held = DispatchSemaphore(value: 0)
        private let go = DispatchSemaphore(value: 0)
        private let done = DispatchSemaphore(value: 0)

        init(_ store: RentalStore) {
            let thread = Thread { [held, go, done] in
                store.writer.writeWithoutTransaction { _ in
                    held.signal()
                    go.wait()
                }
                done.signal()
            }
            thread.start()
            held.wait()
        }

        func release() {
            go.signal()
            done.wait()
        }
    }

    /// Waits until `count` operations since `before` are in a transaction waiting for the writer or queued
    /// for the next one.
    func waitForOperations(_ store: RentalStore, since before: GroupCommitStatistics, _ count: Int) async throws {
        func arrived() -> Int {
            guard let now = store.groupCommitStatistics else { return 0 }
            return now.operations - before.operations + now.waiting
        }
        for _ in 0..<2000 where arrived() < count {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(arrived() == count)
    }

    /// Runs `operation` once per key, all queued behind a held writer, then lets them commit; each key's
    /// error, or nil when it succeeded.
    func behindHeldWriter(_ store: RentalStore, _ keys: [String],
                          _ operation: @escaping @Sendable (String) async throws(RentalError) -> Void) async throws -> [String: RentalError?] {
        let before = try #require(store.groupCommitStatistics)
        let hold = WriterHold(store)
        return try await withThrowingTaskGroup(of: (String, RentalError?).self) { group in
            for key in keys {
                group.addTask {
                    do {
                        try await operation(key)
                        return (key, nil)
                    } catch let error as RentalError {
                        return (key, error)
                    }
                }
            }
            try await waitForOperations(store, since: before, keys.count)
            hold.release()
            var results: [String: RentalError?] = [:]
            for try await (key, error) in group { results[key] = error }
            return results
        }
    }

    @Test func concurrentOperationsShareOneCommitAndEachGetsItsOwnAnswer() async throws {
        let world = try await TestWorld()
        for n in 1...5 { try await world.unit("OLD-\(n)", "wardrobe") }
        let before = try #require(world.store.groupCommitStatistics)
        let events = try await world.count("SELECT count(*) FROM audit_event")

        // Twenty additions behind a held writer: ten new numbers, and ten that repeat each other or an
        // existing unit (refused), interleaved.
        let numbers = (1...20).map { n in n.isMultiple(of: 2) ? "NEW-\(n)" : "OLD-\(n % 5 + 1)" }
        let results = try await behindHeldWriter(world.store, numbers) { number throws(RentalError) in
            _ = try await world.store.addUnit(NewUnit(inventoryNumber: number, itemType: "wardrobe", centre: "omsk"), by: world.admin)
        }

        let after = try #require(world.store.groupCommitStatistics)
        #expect(after.operations - before.operations == 20)
        // The first transaction took what had arrived when it began and waits for the writer; the rest
        // queue behind it for one more.
        #expect(after.batches - before.batches <= 2)
        #expect(after.largestBatch >= 10)
        for number in numbers {
            let stored = try await world.count("SELECT count(*) FROM unit WHERE inventory_number = '\(number)'")
            if number.hasPrefix("NEW") {
                #expect(results[number] == .some(nil), "\(number) was added")
                #expect(stored == 1)
            } else {
                #expect(results[number]??.code == .alreadyExists, "\(number) exists already")
                #expect(stored == 1, "a refused addition left nothing")
            }
        }
        #expect(try await world.count("SELECT count(*) FROM audit_event") == events + 10, "one event per addition that happened")
        let verification = try await world.store.verifyAudit()
        #expect(verification.firstBroken == nil)
    }

    @Test func racersInOneTransactionStillHaveOneWinner() async throws {
        let world = try await TestWorld()
        try await world.unit("КРВ-1", "cot")
        for n in 1...16 {
            _ = try await world.store.registerFamily(TestWorld.family("F-R\(n)", phone: "+7 913 000-00-\(String(format: "%02d", n))"),
                                                     by: world.admin)
        }
        let results = try await behindHeldWriter(world.store, (1...16).map { "F-R\($0)" }) { family throws(RentalError) in
            _ = try await world.store.checkout(family: family, unit: "КРВ-1", at: "omsk", by: world.admin)
        }
        let winners = results.values.filter { $0 == nil }.count
        #expect(results.values.compactMap { $0 }.allSatisfy { $0.code == .unitNotAvailable })
        #expect(winners == 1)
        #expect(try await world.count("SELECT count(*) FROM loan") == 1)
        #expect(try await world.count("SELECT count(*) FROM audit_event WHERE action = 'loan.checkout'") == 1)
    }

    @Test func aFullDiskInsideASharedTransactionLeavesEachAnswerTrue() async throws {
        let world = try await TestWorld()
        try await world.store.writer.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 12)")
        }
        let numbers = (1...200).map { "FILL-\($0)" }
        let results = try await behindHeldWriter(world.store, numbers) { number throws(RentalError) in
            _ = try await world.store.addUnit(NewUnit(inventoryNumber: number, itemType: "wardrobe", centre: "omsk",
                                                      fundingSource: String(repeating: "ф", count: 200)), by: world.admin)
        }
        let failed: [RentalError] = results.values.compactMap { $0 }
        #expect(!failed.isEmpty, "the capped file filled up")
        #expect(failed.allSatisfy { $0.code == RentalError.Code.storageFull }, "\(Set(failed.map(\.code)))")
        for number in numbers {
            let stored = try await world.count("SELECT count(*) FROM unit WHERE inventory_number = '\(number)'")
            let added = results[number].map { $0 == nil } ?? false
            #expect(stored == (added ? 1 : 0), "\(number): the answer matches the store")
        }
        let units = try await world.count("SELECT count(*) FROM unit WHERE inventory_number LIKE 'FILL-%'")
        #expect(try await world.count("SELECT count(*) FROM audit_event WHERE action = 'unit.add'") == units)
        #expect(try await world.store.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
        #expect(try await world.store.verifyAudit().firstBroken == nil)
        let retried = world.store.groupCommitStatistics?.retriedAlone ?? 0
        print("group commit on a full file: \(numbers.count - failed.count) added, \(failed.count) refused as storage_full, \(retried) run again alone")
    }

    @Test func withGroupCommitOffEveryOperationCommitsAlone() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rentalkit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try RentalStore.open(path: directory.appendingPathComponent("rental.sqlite").path,
                                         options: .init(groupCommit: false))
        #expect(store.groupCommitStatistics == nil)
        _ = try await store.addCentre(NewCentre(code: "omsk", name: "Рябинушка", region: "", timeZone: "Asia/Omsk"),
                                      by: .admin("root"))
        #expect(try await store.centres().map(\.code) == ["omsk"])
    }
}
