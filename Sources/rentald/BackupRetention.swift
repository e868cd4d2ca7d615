import Foundation
import RentalKit

/// `[privacy] keep_backups`: backups hold families' details as they were when taken, so the daily run
/// deletes those older than the period — the hot backups in the backup directory (`*.sqlite`) and the
/// copies rentald kept beside the store before a migration (`<store>.before-…sqlite`) or a restore
/// (`<store>.replaced-…sqlite`). Nothing else is touched: not other files, not directories, not symbolic links.
struct BackupRetention: Sendable {
    /// Where hot backups are written.
    let backupDirectory: String
    /// The store's file.
    let storePath: String

    /// The files this retention covers whose last change is before `cutoff`, oldest first.
    func expired(before cutoff: Date) -> [String] {
        let storeDirectory = (storePath as NSString).deletingLastPathComponent
        let storeName = (storePath as NSString).lastPathComponent
        var candidates = files(in: backupDirectory).filter { $0.hasSuffix(".sqlite") && !$0.hasPrefix(".") }
            .map { backupDirectory + "/" + $0 }
        candidates += files(in: storeDirectory)
            .filter { ($0.hasPrefix(storeName + ".before-") || $0.hasPrefix(storeName + ".replaced-")) && $0.hasSuffix(".sqlite") }
            .map { storeDirectory + "/" + $0 }
        var dated: [(path: String, changed: Date)] = []
        for path in Set(candidates) {
            var info = stat()
            // lstat: a symbolic link is not followed, and is not a regular file.
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            let changed = Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec))
            if changed < cutoff { dated.append((path, changed)) }
        }
        return dated.sorted { ($0.changed, $0.path) < ($1.changed, $1.path) }.map(\.path)
    }

    /// Deletes the files ``expired(before:)`` names; returns those deleted and those that could not be.
    func removeExpired(before cutoff: Date) -> (removed: [String], failed: [String]) {
        var removed: [String] = [], failed: [String] = []
        for path in expired(before: cutoff) {
            if unlink(path) == 0 { removed.append(path) } else { failed.append(path) }
        }
        return (removed, failed)
    }

    private func files(in directory: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }
}
