import Foundation
import GRDB
import Logging
import Synchronization

/// The RentalKit store: one SQLite file and every operation of a social rental point.
///
/// Open one store per file for the life of the process and share it (it is `Sendable`). Every
/// operation is one transaction that either happens entirely, with its audit event, or not at all,
/// and throws only ``RentalError``.
///
/// ```swift
/// let store = try RentalStore.open(path: "/var/lib/rentald/rental.sqlite")
/// let loan = try await store.checkout(family: "F-2026-0001", unit: "КРВ-0007",
///                                     at: "ryabinushka", by: .admin("ivanova"))
/// print(loan.dueDate)
/// ```
public final class RentalStore: Sendable {
    /// How durable a commit is.
    public enum Synchronous: String, Sendable, CaseIterable {
        /// An acknowledged change survives a power cut (SQLite `synchronous=FULL`). The default.
        case full
        /// A change survives a crash of the process but may be lost on power failure
        /// (`synchronous=NORMAL`): faster, for tests and benchmarks.
        case normal
    }

    /// How the store is opened.
    public struct Options: Sendable {
        /// Durability of commits (default ``Synchronous/full``).
        public var synchronous: Synchronous
        /// How long a writer waits for a lock held by another process before failing with
        /// ``RentalError/Code/storageBusy``.
        public var busyTimeout: TimeInterval
        /// The configurable rules.
        public var policy: RentalPolicy
        /// Whether concurrent operations share one commit (one fsync), each in its own savepoint
        /// (default true). Every operation is still acknowledged only after the commit holding it.
        public var groupCommit: Bool
        /// When SQLite's `quick_check` of the whole file runs (default ``IntegrityCheck/atOpen``).
        public var integrityCheck: IntegrityCheck
        /// Whether a write that finds the writer idle commits on the calling thread (default true: no
        /// hand-over to the writer's queue and back). Off for a caller whose thread must never wait for
        /// an fsync (an event loop serving other connections): every commit then runs on the writer's queue.
        public var commitsOnCallingThread: Bool

        /// Creates options.
        public init(synchronous: Synchronous = .full, busyTimeout: TimeInterval = 5, policy: RentalPolicy = .init(),
                    groupCommit: Bool = true, integrityCheck: IntegrityCheck = .atOpen, commitsOnCallingThread: Bool = true) {
            self.synchronous = synchronous
            self.busyTimeout = busyTimeout
            self.policy = policy
            self.groupCommit = groupCommit
            self.integrityCheck = integrityCheck
            self.commitsOnCallingThread = commitsOnCallingThread
        }
    }

    /// When the whole file is checked with SQLite's `quick_check` (it reads every page: about 0.4 s for a
    /// million loans here).
    public enum IntegrityCheck: Sendable {
        /// Before ``open(path:options:clock:logger:)`` returns: a damaged file is never opened.
        case atOpen
        /// At open only when the file was not closed cleanly by ``close()`` or changed since (a crash, a
        /// power cut, a copy put in place); otherwise ``integrityCheckDeferred`` is true and the caller runs
        /// ``checkIntegrity()`` soon after (a daemon: right after it is ready).
        case atOpenUnlessClosedCleanly
    }

    let writer: any DatabaseWriter
    /// Every write goes through it; without ``Options/groupCommit`` its batches hold one operation each.
    private let groupCommit: GroupCommit
    private let sharesCommits: Bool
    /// True when the file was closed cleanly and left untouched since, and ``Options/integrityCheck`` let
    /// the `quick_check` wait: run ``checkIntegrity()``.
    public let integrityCheckDeferred: Bool
    /// Whether a `quick_check` passed while this store was open (only then does ``close()`` mark the file).
    private let verified: Mutex<Bool>
    /// Where "now" comes from.
    public let clock: any RentalClock
    /// The configurable rules in force.
    public let policy: RentalPolicy
    let logger: Logger

    private init(writer: any DatabaseWriter, options: Options, clock: any RentalClock, logger: Logger,
                 closedCleanly: Bool = false) throws {
        self.writer = writer
        self.groupCommit = GroupCommit(writer: writer, maxBatch: options.groupCommit ? 256 : 1,
                                       commitsOnCallingThread: options.commitsOnCallingThread)
        self.sharesCommits = options.groupCommit
        self.clock = clock
        self.policy = options.policy
        self.logger = logger
        integrityCheckDeferred = closedCleanly && options.integrityCheck == .atOpenUnlessClosedCleanly
        let checkNow = !integrityCheckDeferred
        verified = Mutex(checkNow)
        let (superseded, applied, healthy) = try writer.read { db in
            (try Schema.migrator.hasBeenSuperseded(db), try Schema.migrator.appliedIdentifiers(db),
             try !checkNow || String.fetchAll(db, sql: "PRAGMA quick_check") == ["ok"])
        }
        guard healthy else {
            throw RentalError(.storageCorrupt, "the store failed SQLite's quick_check: restore it from a backup")
        }
        if superseded {
            throw RentalError(.storageFailure, "the store was written by a newer version of RentalKit; refusing to open it")
        }
        let pending = Schema.migrator.migrations.filter { !applied.contains($0) }
        if !applied.isEmpty, let next = pending.first, !writer.path.isEmpty, writer.path != ":memory:" {
            // A store with data is about to change schema: keep a copy of it as it was, next to it.
            let copy = writer.path + ".before-\(next)-\(Int(clock.now().timeIntervalSince1970)).sqlite"
            guard try Self.copy(writer, to: copy) else {
                throw RentalError(.storageCorrupt, "the copy taken before migrating failed its integrity check; nothing was migrated")
            }
            logger.notice("store backed up before migrating", metadata: ["copy": "\(copy)", "migrations": "\(pending)"])
        }
        try Schema.migrator.migrate(writer)
        // GRDB sets synchronous=NORMAL on a WAL pool's writer; set the durability we were asked for.
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(options.synchronous == .full ? "FULL" : "NORMAL")")
            // Deleted or overwritten values are zeroed in the pages, not left in free space (personal data).
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
    }

    /// Opens (creating if needed) the store at `path` in WAL mode and migrates it to the current schema.
    /// - Throws: ``RentalError`` with a storage code when the file cannot be opened or migrated.
    public static func open(path: String, options: Options = .init(), clock: any RentalClock = SystemClock(),
                            logger: Logger = Logger(label: "RentalKit")) throws(RentalError) -> RentalStore {
        do {
            let closedCleanly = CleanShutdown.take(path)
            let pool = try DatabasePool(path: path, configuration: configuration(options))
            let store = try RentalStore(writer: pool, options: options, clock: clock, logger: logger,
                                        closedCleanly: closedCleanly)
            logger.debug("store opened", metadata: ["path": "\(path)"])
            return store
        } catch {
            throw RentalError(mapping: error)
        }
    }

    /// A store in memory, gone when released: for tests and tools.
    public static func inMemory(options: Options = .init(), clock: any RentalClock = SystemClock(),
                                logger: Logger = Logger(label: "RentalKit")) throws(RentalError) -> RentalStore {
        do {
            let queue = try DatabaseQueue(configuration: configuration(options))
            return try RentalStore(writer: queue, options: options, clock: clock, logger: logger)
        } catch {
            throw RentalError(mapping: error)
        }
    }

    private static func configuration(_ options: Options) -> Configuration {
        var config = Configuration()
        config.label = "RentalKit"
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(options.busyTimeout)
        return config
    }

    /// The file path of the store (empty for an in-memory store).
    public var path: String { writer.path }

    /// Names of the migrations applied to the file, oldest first.
    public func appliedMigrations() async throws(RentalError) -> [String] {
        try await read { db in try Schema.migrator.appliedMigrations(db) }
    }

    /// Closes the store; further calls fail. Waits for operations in flight to finish. A file store
    /// closed this way is marked as closed cleanly (see ``IntegrityCheck/atOpenUnlessClosedCleanly``).
    public func close() throws(RentalError) {
        do {
            if let pool = writer as? DatabasePool {
                // Move everything into the main file and empty the log (the pool's last connection is a
                // read-only reader, which cannot), so that the mark describes the whole store.
                let checkpointed = try? pool.writeWithoutTransaction { db in
                    try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)").map { $0[0] as Int } == 0
                }
                try pool.close()
                if checkpointed == true, verified.withLock({ $0 }) { CleanShutdown.mark(pool.path) }
            }
            if let queue = writer as? DatabaseQueue { try queue.close() }
        } catch {
            throw RentalError(mapping: error)
        }
    }

    /// Lets go of memory the store's connections hold and no request needs now: SQLite's page caches,
    /// and idle reader connections (opened again when a read asks for one). For after start-up work —
    /// migrations, the integrity check, seeding — which fills caches with pages no request may read again.
    /// Returns when the memory is freed; waits for reads in flight.
    public func releaseMemory() {
        (writer as? DatabasePool)?.releaseMemory()
    }

    /// Runs SQLite's `quick_check` over the whole file (on a reader, beside other operations).
    /// - Throws: ``RentalError/Code/storageCorrupt`` when the file is damaged.
    public func checkIntegrity() async throws(RentalError) {
        let result = try await readWholeStore { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
        guard result == ["ok"] else {
            throw RentalError(.storageCorrupt, "the store failed SQLite's quick_check: restore it from a backup")
        }
        verified.withLock { $0 = true }
    }

    // MARK: - Transactions

    /// Runs `body` as one operation: everything it does happens, or nothing does. With group commit it
    /// may share its transaction with concurrent operations (in its own savepoint) and may run a second
    /// time if SQLite drops the shared transaction, so `body` must touch nothing but the database.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(RentalError) -> T {
        do {
            return try await groupCommit.write(body)
        } catch {
            throw RentalError(mapping: error)
        }
    }

    /// How concurrent operations shared commits (nil when group commit is off).
    package var groupCommitStatistics: GroupCommitStatistics? { sharesCommits ? groupCommit.statistics : nil }

    /// Runs `body` alone in its own write transaction, exactly once: for work with effects outside the
    /// database (sending notices).
    func writeAlone<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(RentalError) -> T {
        do {
            return try await groupCommit.writeAlone(body)
        } catch {
            throw RentalError(mapping: error)
        }
    }

    /// Runs `body` on a read-only snapshot, on the calling thread: a read is CPU work on pages SQLite has
    /// cached, and handing it to the reader's queue and back cost more than most reads (two thread wake-ups).
    /// Reads that walk the whole store use ``readWholeStore(_:)``.
    func read<T: Sendable>(_ body: (Database) throws -> T) async throws(RentalError) -> T {
        do {
            return try readHere(body)
        } catch {
            throw RentalError(mapping: error)
        }
    }

    /// Runs `body` on a read-only snapshot on a reader's own queue: for reads that walk the whole file
    /// (integrity check, audit verification), which would otherwise hold one of the few threads that serve
    /// every other request for as long as they take.
    func readWholeStore<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(RentalError) -> T {
        do {
            return try await writer.read(body)
        } catch {
            throw RentalError(mapping: error)
        }
    }

    /// GRDB's blocking read (a synchronous function, so that the overload chosen is not the async one).
    private func readHere<T>(_ body: (Database) throws -> T) throws -> T {
        try writer.read(body)
    }

    /// The current instant from the clock, as stored (whole milliseconds).
    var nowMillis: Int64 { Self.millis(clock.now()) }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
}

extension RentalError {
    /// "a family with this reference exists already" from SQLite's "UNIQUE constraint failed: family.reference":
    /// the table and column, said in words, without SQL.
    static func alreadyExists(constraint: String) -> String {
        let columns = constraint.split(separator: ":", maxSplits: 1).last.map(String.init) ?? ""
        let pairs = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).split(separator: ".") }
        guard let table = pairs.first?.first, pairs.allSatisfy({ $0.count == 2 && $0[0] == table }) else {
            return "it exists already"
        }
        let fields = pairs.map { $0[1].replacingOccurrences(of: "_", with: " ") }.joined(separator: " and ")
        return "a \(table.replacingOccurrences(of: "_", with: " ")) with this \(fields) exists already"
    }

    /// Maps any error met inside the store to a ``RentalError``, without SQL or bound values.
    package init(mapping error: any Error) {
        if let error = error as? RentalError {
            self = error
            return
        }
        guard let error = error as? DatabaseError else {
            self = RentalError(.storageFailure, "storage failure")
            return
        }
        switch error.resultCode {
        case .SQLITE_FULL:
            self = RentalError(.storageFull, "the disk holding the store is full; nothing was changed")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self = RentalError(.storageBusy, "the store is locked by another writer; nothing was changed, try again")
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN, .SQLITE_AUTH:
            self = RentalError(.storageReadOnly, "the store cannot be opened or written (SQLite code \(error.extendedResultCode.rawValue))")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            self = RentalError(.storageCorrupt, "the store file is damaged or is not a RentalKit store")
        case .SQLITE_CONSTRAINT:
            // GRDB's message names the constraint ("UNIQUE constraint failed: unit.inventory_number"),
            // never the values.
            let what = error.message ?? "constraint"
            if what.contains("loan.unit_id") {
                self = RentalError(.unitNotAvailable, "the unit is already on an open loan")
            } else if error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
                        || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                self = RentalError(.alreadyExists, Self.alreadyExists(constraint: what))
            } else {
                self = RentalError(.invalidInput, "refused by the store (\(what))")
            }
        default:
            self = RentalError(.storageFailure, "storage failure (SQLite code \(error.extendedResultCode.rawValue))")
        }
    }
}

extension RentalStore {
    /// The centre codes in the store at `path`, read without migrating or changing anything (for
    /// configuration checks). Nil when there is no file.
    public static func centreCodes(inStoreAt path: String) throws(RentalError) -> [String]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            var config = Configuration()
            config.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                guard try db.tableExists("centre") else { return [] }
                return try String.fetchAll(db, sql: "SELECT code FROM centre ORDER BY code")
            }
        } catch {
            throw RentalError(mapping: error)
        }
    }
}
