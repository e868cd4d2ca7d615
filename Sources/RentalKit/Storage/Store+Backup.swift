import Foundation
import GRDB

extension RentalStore {
    /// Copies the whole store to a new file at `path` with SQLite's online backup API while operations go
    /// on, then checks the copy (`PRAGMA integrity_check`). The file must not exist. On any failure the
    /// partial copy is removed.
    /// - Returns: The size of the copy in bytes.
    public func backup(to path: String, by who: Principal) async throws(RentalError) -> Int {
        try who.requireAdmin("a backup")
        guard !FileManager.default.fileExists(atPath: path) else {
            throw RentalError(.alreadyExists, "the backup file exists already")
        }
        do {
            // Seconds of file copying and checking: on a thread of its own, not one that serves requests.
            let writer = self.writer
            let copied = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Bool, any Error>) in
                DispatchQueue.global(qos: .utility).async {
                    continuation.resume(with: Result { try Self.copy(writer, to: path) })
                }
            }
            guard copied else {
                try? FileManager.default.removeItem(atPath: path)
                throw RentalError(.storageCorrupt, "the backup copy failed its integrity check")
            }
            try await write { db in try self.audit(db, who, "store.backup", "store", (path as NSString).lastPathComponent) }
            return (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        } catch {
            if !(error is RentalError) { try? FileManager.default.removeItem(atPath: path) }
            throw RentalError(mapping: error)
        }
    }

    /// Copies the database behind `writer` to a new single file at `path` (rollback-journal mode, so it
    /// stands alone) with the online backup API; true when the copy passes `integrity_check`.
    static func copy(_ writer: any DatabaseWriter, to path: String) throws -> Bool {
        let copy = try DatabaseQueue(path: path)
        defer { try? copy.close() }
        try writer.backup(to: copy)
        return try copy.writeWithoutTransaction { db in
            try db.cachedStatement(sql: "PRAGMA journal_mode = DELETE").execute()
            return try String.fetchAll(db.cachedStatement(sql: "PRAGMA integrity_check")) == ["ok"]
        }
    }
}

extension RentalStore {
    /// Puts the backup at `backup` in place of the store at `path`, for a stopped daemon: checks the
    /// backup (`integrity_check`, a schema this version knows), keeps the current store as
    /// `<path>.replaced-<time>.sqlite`, and moves a checked copy into place.
    /// - Returns: The path the replaced store was kept at, if there was one.
    public static func restore(backup: String, to path: String, now: Date = Date()) throws(RentalError) -> String? {
        do {
            var config = Configuration()
            config.readonly = true
            let source = try DatabaseQueue(path: backup, configuration: config)
            defer { try? source.close() }
            let (verdict, superseded) = try source.read { db in
                (try String.fetchAll(db.cachedStatement(sql: "PRAGMA integrity_check")), try Schema.migrator.hasBeenSuperseded(db))
            }
            guard verdict == ["ok"] else { throw RentalError(.storageCorrupt, "the backup fails its integrity check; nothing was changed") }
            guard !superseded else { throw RentalError(.storageFailure, "the backup comes from a newer version of RentalKit; nothing was changed") }
            let incoming = path + ".restoring"
            try? FileManager.default.removeItem(atPath: incoming)
            guard try copy(source, to: incoming) else {
                try? FileManager.default.removeItem(atPath: incoming)
                throw RentalError(.storageCorrupt, "the copy of the backup fails its integrity check; nothing was changed")
            }
            var kept: String?
            if FileManager.default.fileExists(atPath: path) {
                let aside = path + ".replaced-\(Int(now.timeIntervalSince1970)).sqlite"
                let current = try DatabaseQueue(path: path)
                _ = try copy(current, to: aside)
                try current.close()
                kept = aside
            }
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            guard rename(incoming, path) == 0 else { throw RentalError(.storageReadOnly, "cannot move the restored store into place") }
            return kept
        } catch {
            throw RentalError(mapping: error)
        }
    }
}
