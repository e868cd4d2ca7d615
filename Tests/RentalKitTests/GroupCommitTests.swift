import Foundation
import GRDB
@testable import RentalKit
import Synchronization
import Testing

@Suite("Group commit")
struct GroupCommitTests {
    /// A flag set on one thread and awaited on another without blocking a thread of the task pool (a
    /// blocked pool thread could be the one the setter needs).
    final class Flag: Sendable {
        private let value = Mutex(false)

        func set() { value.withLock { $0 = true } }

        func wait() async throws {
            for _ in 0..<4000 where !value.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }
            try #require(value.withLock { $0 }, "the flag was never set")
        }
    }

    /// Holds the store's writer connection (through `writeAlone`, as a notice batch would) until
    /// `release()`, so that operations queue up behind it and go into one shared transaction.
    final class WriterHold: Sendable {
        private let go = DispatchSemaphore(value: 0)
        private let holding: Task<Void, any Error>

        init(_ store: RentalStore) async throws {
            let held = Flag()
            holding = Task { [go] in
                // Blocks the writer's own queue, not a thread of the task pool.
                try await store.writeAlone { _ in
                    held.set()
                    go.wait()
                }
            }
            try await held.wait()
        }

        func release() async throws {
            go.signal()
            try await holding.value
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
        let hold = try await WriterHold(store)
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
            try await hold.release()
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

    /// A store of its own in a new folder.
    static func fileStore(groupCommit: Bool) throws -> RentalStore {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rentalkit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try RentalStore.open(path: directory.appendingPathComponent("rental.sqlite").path,
                                    options: .init(groupCommit: groupCommit))
    }

    @Test("an operation that finds the writer idle commits on the thread that asked; behind a busy writer it waits for the writer's queue",
          arguments: [true, false])
    func idleWriterCommitsHere(groupCommit: Bool) async throws {
        let store = try Self.fileStore(groupCommit: groupCommit)
        let commits = GroupCommit(writer: store.writer, maxBatch: groupCommit ? 256 : 1)
        // No suspension between reading the thread and the write: the task is on this thread when it asks.
        let caller = pthread_self()
        let inside = try await commits.write { db in
            try db.execute(sql: "CREATE TABLE probe (n INTEGER)")
            return pthread_self()
        }
        #expect(pthread_equal(caller, inside) != 0, "committed on the caller's thread")
        #expect(try await store.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM probe") } == 0)

        // Behind a write on the writer's queue, the next one queues and runs there, not here.
        let held = Flag()
        let go = DispatchSemaphore(value: 0)
        let holding = Task { try await commits.writeAlone { _ in held.set(); go.wait() } }
        try await held.wait()
        let queued = Task {
            let caller = pthread_self()
            let inside = try await commits.write { db in
                try db.execute(sql: "INSERT INTO probe VALUES (1)")
                return pthread_self()
            }
            return pthread_equal(caller, inside) != 0
        }
        for _ in 0..<2000 where commits.statistics.waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(commits.statistics.waiting == 1, "queued behind the busy writer")
        go.signal()
        try await holding.value
        #expect(try await queued.value == false, "ran on the writer's queue")
        #expect(try await store.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM probe") } == 1)
        #expect(commits.statistics.waiting == 0)
    }

    @Test("with commitsOnCallingThread off, even an idle writer commits on its own queue, never on the caller's thread",
          arguments: [true, false])
    func idleWriterLeavesTheCallerAlone(groupCommit: Bool) async throws {
        let store = try Self.fileStore(groupCommit: groupCommit)
        let commits = GroupCommit(writer: store.writer, maxBatch: groupCommit ? 256 : 1, commitsOnCallingThread: false)
        for round in 0..<20 {
            let caller = pthread_self()
            let inside = try await commits.write { db in
                if round == 0 { try db.execute(sql: "CREATE TABLE probe (n INTEGER)") }
                try db.execute(sql: "INSERT INTO probe VALUES (?)", arguments: [round])
                return pthread_self()
            }
            #expect(pthread_equal(caller, inside) == 0, "round \(round): committed on the writer's queue")
        }
        #expect(try await store.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM probe") } == 20)
        #expect(commits.statistics.operations == 20)
        #expect(commits.statistics.waiting == 0)
    }

    @Test("operations that arrive while one commits on its own thread are handed the writer after it, in one transaction")
    func arrivalsDuringAnIdleCommitShareTheNext() async throws {
        let store = try Self.fileStore(groupCommit: true)
        let commits = GroupCommit(writer: store.writer)
        try await commits.write { db in try db.execute(sql: "CREATE TABLE probe (n INTEGER UNIQUE)") }
        let inside = Flag()
        let go = DispatchSemaphore(value: 0)
        // The first write takes the idle writer and stays in its transaction, on its own thread, until `go`.
        let first = Task.detached {
            try await commits.write { db in
                try db.execute(sql: "INSERT INTO probe VALUES (0)")
                inside.set()
                go.wait()
            }
        }
        try await inside.wait()
        let before = commits.statistics
        let results = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for n in [1, 2, 3, 1, 4] {  // the second 1 breaks the UNIQUE constraint: refused alone
                group.addTask {
                    do {
                        try await commits.write { db in try db.execute(sql: "INSERT INTO probe VALUES (?)", arguments: [n]) }
                        return (n, true)
                    } catch {
                        return (n, false)
                    }
                }
            }
            for _ in 0..<2000 where commits.statistics.waiting < 5 { try await Task.sleep(for: .milliseconds(5)) }
            #expect(commits.statistics.waiting == 5)
            go.signal()
            var results: [(Int, Bool)] = []
            for try await result in group { results.append(result) }
            return results
        }
        try await first.value
        let after = commits.statistics
        #expect(after.batches - before.batches == 1, "the five queued writes shared one transaction")
        #expect(after.operations - before.operations == 5)
        #expect(results.filter { !$0.1 }.map(\.0) == [1], "exactly one of the two 1s was refused")
        #expect(try await store.writer.read { try Int.fetchAll($0, sql: "SELECT n FROM probe ORDER BY n") } == [0, 1, 2, 3, 4])
        #expect(after.waiting == 0)
    }

    @Test func withGroupCommitOffEveryOperationCommitsAlone() async throws {
        let store = try Self.fileStore(groupCommit: false)
        #expect(store.groupCommitStatistics == nil)
        _ = try await store.addCentre(NewCentre(code: "omsk", name: "Рябинушка", region: "", timeZone: "Asia/Omsk"),
                                      by: .admin("root"))
        #expect(try await store.centres().map(\.code) == ["omsk"])
    }
}
