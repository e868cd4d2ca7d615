import Logging
import RentalKit

/// The daily run of `[privacy] anonymise_after`: families with nothing open and no activity for that long
/// are anonymised. The journal gets the count, never a reference or a name.
struct RetentionService: Sendable {
    let store: RentalStore
    let period: RetentionPeriod?
    let logger: Logger

    /// Runs a minute after start (not in the way of start-up) and then every 24 hours until cancelled; only
    /// waits when the period is `never` (the daemon's task group ends when any of its tasks returns).
    func run() async {
        try? await Task.sleep(for: .seconds(60))
        while !Task.isCancelled {
            guard let period else {
                try? await Task.sleep(for: .seconds(86_400))
                continue
            }
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
            try? await Task.sleep(for: .seconds(86_400))
        }
    }
}
