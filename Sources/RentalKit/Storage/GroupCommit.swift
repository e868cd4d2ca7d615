import GRDB
import Synchronization

/// Lets concurrent write operations share one transaction and one commit (one fsync), while each still
/// succeeds or fails on its own.
///
/// An operation that finds the writer idle commits at once on the thread that asked, in its own
/// transaction: with one client at a time there is no hand-over to the writer's queue and back (two thread
/// wake-ups, each as long as a good part of the commit). Operations that arrive while the writer is busy
/// queue up; the next batch takes all of them (up to ``maxBatch``) into one `BEGIN IMMEDIATE … COMMIT` on
/// the writer's queue, each inside its own savepoint: an operation that throws is rolled back to its
/// savepoint and the others go on. Nobody hears back before `COMMIT` has returned, so with
/// `synchronous=FULL` no operation is acknowledged before it is durable. When SQLite drops the whole
/// transaction (a full disk, a lock, memory), or the commit fails in a way that guarantees nothing was
/// written, each operation of the batch runs again in its own transaction so that each gets its own
/// answer. Work with side effects outside the database must not come here (it may run twice): it goes
/// through ``writeAlone(_:)``.
final class GroupCommit: Sendable {
    /// Most operations sharing one commit: 256 with group commit, 1 without (every operation its own
    /// transaction, still queued and answered the same way).
    let maxBatch: Int

    private struct State {
        var pending: [any PendingWrite] = []
        /// The writer is taken: a turn of batches is queued or running, or an operation commits on its
        /// caller's thread.
        var draining = false
        /// Writes through ``writeAlone(_:)`` queued or running on the writer.
        var alone = 0
        var statistics = GroupCommitStatistics()
    }

    private let writer: any DatabaseWriter
    private let state = Mutex(State())

    /// Whether an operation that finds the writer idle commits on its caller's thread.
    private let commitsOnCallingThread: Bool

    init(writer: any DatabaseWriter, maxBatch: Int = 256, commitsOnCallingThread: Bool = true) {
        self.writer = writer
        self.maxBatch = max(1, maxBatch)
        self.commitsOnCallingThread = commitsOnCallingThread
    }

    /// What has been committed so far, and how many operations are waiting.
    var statistics: GroupCommitStatistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.waiting = state.pending.count
            return statistics
        }
    }

    /// Runs `body` in a transaction of its own at once when the writer is idle, else in the next shared
    /// transaction, and returns its result once that transaction is committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if commitsOnCallingThread, takeIdleWriter() {
            defer { handOver() }
            return try commitHere(body)
        }
        return try await withCheckedThrowingContinuation { continuation in
            let job = Job(body: body, continuation: continuation)
            let startDraining = state.withLock { state in
                state.pending.append(job)
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startDraining { scheduleDrain() }
        }
    }

    /// Runs `body` alone in its own write transaction on the writer's queue, exactly once; operations
    /// that arrive meanwhile queue for the next batch instead of waiting for the writer on their thread.
    func writeAlone<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        state.withLock { $0.alone += 1 }
        defer { state.withLock { $0.alone -= 1 } }
        return try await writer.write(body)
    }

    /// Takes the writer for one operation when nothing else holds it or waits for it.
    private func takeIdleWriter() -> Bool {
        state.withLock { state in
            guard !state.draining, state.alone == 0, state.pending.isEmpty else { return false }
            state.draining = true
            state.statistics.batches += 1
            state.statistics.operations += 1
            state.statistics.largestBatch = max(state.statistics.largestBatch, 1)
            return true
        }
    }

    /// Gives the writer back after ``commitHere(_:)``: to the operations that queued meanwhile, if any.
    private func handOver() {
        let more = state.withLock { state -> Bool in
            if state.pending.isEmpty { state.draining = false }
            return state.draining
        }
        if more { scheduleDrain() }
    }

    /// Commits `body` in its own transaction on the calling thread (GRDB's blocking write: the writer's
    /// queue runs it here when it is free, as it is after ``takeIdleWriter()``).
    private func commitHere<T>(_ body: (Database) throws -> T) throws -> T {
        try writer.writeWithoutTransaction { db in try Self.inOwnTransaction(db, body) }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE … COMMIT`.
    private static func inOwnTransaction<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        var result: Result<T, any Error>?
        try db.inTransaction(.immediate) {
            let value = try body(db)
            result = .success(value)
            return .commit
        }
        return try (result ?? .failure(CancellationError())).get()
    }

    /// Most batches committed in one turn of the writer's queue before other writes queued there get theirs.
    static let batchesPerTurn = 8

    /// Commits batches on the writer's own queue until nothing is waiting (or the turn is over): the
    /// operations' answers go out from there, with no hop back to a task in between.
    private func scheduleDrain() {
        writer.asyncWriteWithoutTransaction { db in
            for _ in 0..<Self.batchesPerTurn {
                guard let batch = self.nextBatch() else { return }
                self.commit(batch, db)
            }
            // Still work waiting: queue another turn behind whatever else waits for the writer.
            let more = self.state.withLock { state -> Bool in
                if state.pending.isEmpty { state.draining = false }
                return state.draining
            }
            if more { self.scheduleDrain() }
        }
    }

    /// The operations for the next transaction, or nil (and draining stops) when none wait.
    private func nextBatch() -> [any PendingWrite]? {
        state.withLock { state in
            let batch = Array(state.pending.prefix(self.maxBatch))
            state.pending.removeFirst(batch.count)
            guard !batch.isEmpty else {
                state.draining = false
                return nil
            }
            state.statistics.batches += 1
            state.statistics.operations += batch.count
            state.statistics.largestBatch = max(state.statistics.largestBatch, batch.count)
            return batch
        }
    }

    private func commit(_ batch: [any PendingWrite], _ db: Database) {
        do {
            try db.inTransaction(.immediate) {
                if batch.count == 1 {
                    // Alone: the transaction is the savepoint; its failure is the operation's.
                    try batch[0].run(db)
                } else {
                    for job in batch { try Self.runInSavepoint(job, db) }
                }
                return .commit
            }
            for job in batch { job.finish() }
        } catch {
            guard batch.count > 1, Self.nothingWasWritten(error) else {
                for job in batch { job.fail(error) }
                return
            }
            // SQLite dropped the shared transaction: give each operation its own.
            state.withLock { $0.statistics.retriedAlone += batch.count }
            for job in batch {
                do {
                    try db.inTransaction(.immediate) {
                        try job.run(db)
                        return .commit
                    }
                    job.finish()
                } catch {
                    job.fail(error)
                }
            }
        }
    }

    /// Runs one operation inside a savepoint of the batch's transaction; its own failure is kept as its
    /// result. Throws only when the whole transaction is lost.
    private static func runInSavepoint(_ job: any PendingWrite, _ db: Database) throws {
        // Cached: prepared once per connection, not twice per operation.
        try db.cachedStatement(sql: "SAVEPOINT operation").execute()
        do {
            try job.run(db)
            try db.cachedStatement(sql: "RELEASE SAVEPOINT operation").execute()
        } catch {
            guard db.isInsideTransaction else { throw BatchLost(cause: error) }
            try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT operation").execute()
            try db.cachedStatement(sql: "RELEASE SAVEPOINT operation").execute()
            job.keep(error)
        }
    }

    /// True for failures after which SQLite guarantees the transaction left nothing behind.
    private static func nothingWasWritten(_ error: any Error) -> Bool {
        if error is BatchLost { return true }
        guard let error = error as? DatabaseError else { return false }
        return [.SQLITE_FULL, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_NOMEM].contains(error.resultCode)
    }

    /// SQLite rolled back the shared transaction while an operation ran.
    private struct BatchLost: Error {
        let cause: any Error
    }
}

/// Counts of a store's group commits.
package struct GroupCommitStatistics: Sendable, Equatable {
    /// Operations taken into a shared transaction.
    package var operations = 0
    /// Transactions that carried them (each one commit when nothing failed).
    package var batches = 0
    /// The most operations in one transaction.
    package var largestBatch = 0
    /// Operations run again alone after SQLite dropped their shared transaction.
    package var retriedAlone = 0
    /// Operations queued for the next transaction.
    package var waiting = 0
}

/// One queued operation, type-erased so that a batch can hold operations of any result type.
private protocol PendingWrite: AnyObject, Sendable {
    /// Runs the operation; a thrown error is the operation's own (or the transaction's).
    func run(_ db: Database) throws
    /// Keeps `error` as the operation's answer, to be delivered after the commit.
    func keep(_ error: any Error)
    /// Delivers the kept answer (after a successful commit).
    func finish()
    /// Delivers `error` instead of any kept answer.
    func fail(_ error: any Error)
}

private final class Job<T: Sendable>: PendingWrite, @unchecked Sendable {
    // `outcome` is touched only on the store's writer queue, where the batch runs and is answered: the
    // writer's serial queue orders the accesses.
    private let body: @Sendable (Database) throws -> T
    private let continuation: CheckedContinuation<T, any Error>
    private var outcome: Result<T, any Error>?

    init(body: @escaping @Sendable (Database) throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    func run(_ db: Database) throws {
        outcome = nil
        outcome = .success(try body(db))
    }

    func keep(_ error: any Error) {
        outcome = .failure(error)
    }

    func finish() {
        continuation.resume(with: outcome ?? .failure(CancellationError()))
    }

    func fail(_ error: any Error) {
        continuation.resume(throwing: error)
    }
}
