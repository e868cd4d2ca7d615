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
            let copy = try DatabaseQueue(path: path)
            try writer.backup(to: copy)
            let verdict = try await copy.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            try copy.close()
            guard verdict == ["ok"] else {
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
}
