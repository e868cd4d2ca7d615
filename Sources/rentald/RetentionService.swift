import Foundation
import Logging
import RentalKit

/// The daily run of `[privacy]`: families with nothing open and no activity for `anonymise_after` are
/// anonymised, and backups older than `keep_backups` are deleted. The journal gets the count of families,
/// never a reference or a name, and the names of the files deleted.
struct RetentionService: Sendable {
    let store: RentalStore
    let period: RetentionPeriod?
    /// How long backups are kept (nil: for ever), and which files they are.
    let keepBackups: RetentionPeriod?
    let backups: BackupRetention
    let logger: Logger

    /// Deletes expired backups at once (a look at two directories), anonymises a minute after start (not in
    /// the way of start-up), then does both every 24 hours until cancelled.
    func run() async {
        if let keepBackups { removeBackups(olderThan: keepBackups) }
        try? await Task.sleep(for: .seconds(60))
        while !Task.isCancelled {
            if let period { await anonymise(after: period) }
            try? await Task.sleep(for: .seconds(86_400))
            if let keepBackups, !Task.isCancelled { removeBackups(olderThan: keepBackups) }
        }
    }

    private func anonymise(after period: RetentionPeriod) async {
        do {
            let result = try await store.anonymiseInactiveFamilies(after: period, by: .admin("rentald"))
            if result.families > 0 {
                logger.notice("families anonymised after the retention period", metadata: [
                    "count": "\(result.families)", "after": "\(period)",
                ])
            }
        } catch {
            logger.error("anonymisation failed", metadata: ["code": "\(error.code.rawValue)"])
        }
    }

    private func removeBackups(olderThan period: RetentionPeriod) {
        let today = LocalDate(Date(), in: ZoneRules.utc)
        let cutoff = period.start(before: today).startOfDay(in: ZoneRules.utc)
        let (removed, failed) = backups.removeExpired(before: cutoff)
        for file in removed {
            logger.notice("backup deleted after the retention period", metadata: ["file": "\(file)", "after": "\(period)"])
        }
        for file in failed {
            logger.error("an expired backup could not be deleted", metadata: ["file": "\(file)", "errno": "\(errno)"])
        }
    }
}
