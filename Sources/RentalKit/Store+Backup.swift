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
            guard try Self.copy(writer, to: path) else {
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
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
            return try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"]
        }
    }
}
