import Foundation
import Logging
import RentalKit
import Synchronization
import Systemd

/// Sends overdue notices: at start-up (catching up on what was missed while the daemon was down), at the
/// configured local times in each centre's zone, and on demand; never two scans at once. Each notice is
/// one journal entry with a fixed `MESSAGE_ID` per stage and `RENTAL_*` fields; without a journal it
/// goes to stderr in a readable form. After a scan, one summary entry per centre. Sending is paced to
/// `max_per_second`, so that journald's rate limit does not drop a large backlog.
final class NoticeService: Sendable {
    private let store: RentalStore
    private let settings: DaemonConfig.Notices
    private let logger: Logger
    private let journal = JournalWriter()
    private let running = Mutex(false)

    init(store: RentalStore, settings: DaemonConfig.Notices, logger: Logger) {
        self.store = store
        self.settings = settings
        self.logger = logger
    }

    /// Runs one scan now; nil when one is running already.
    func scan(centre: String? = nil) async throws(RentalError) -> NoticeScanSummary? {
        guard running.withLock({ busy in
            defer { busy = true }
            return !busy
        }) else { return nil }
        defer { running.withLock { $0 = false } }
        let useJournal = JournalWriter.isJournalAvailable
        let journal = journal
        let perSecond = settings.maxPerSecond
        let summary = try await store.scanNotices(
            centre: centre, schedule: settings.schedule,
            deliver: { notice in
                guard useJournal else {
                    FileHandle.standardError.write(Data("notice \(notice.stage.rawValue): \(notice.message)\n".utf8))
                    return true
                }
                do {
                    try journal.send(notice.journalFields + [("SYSLOG_IDENTIFIER", "rentald")])
                    return true
                } catch {
                    return false
                }
            },
            pause: { sent in
                guard sent > 0 else { return }
                try? await Task.sleep(for: .seconds(Double(sent) / Double(perSecond)))
            })
        report(summary, journal: useJournal)
        return summary
    }

    /// Scans at start-up, then whenever a configured time of day passes in a centre's zone. Expires lapsed
    /// holds whenever a day begins in a centre's zone (a hold lapses at midnight there; the daemon runs
    /// ``holdsPass(expire:reason:)`` once before it serves), and sends queued hold and recall notices within
    /// half a minute. Runs until cancelled, also when scheduled scans are disabled: the daemon stops when
    /// one of its tasks ends.
    func run() async {
        if settings.enabled {
            await scanLogged(centre: nil, reason: "start-up")
            await MallocTuning.releaseAfterStartUp(store)
        }
        var last = Date()
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(30))
            let now = Date()
            guard let centres = try? await store.centres() else { continue }
            let dayBegan = centres.contains { centre in
                guard let zone = ZoneRules.named(centre.timeZone) else { return false }
                return LocalDate(last, in: zone) != LocalDate(now, in: zone)
            }
            await holdsPass(expire: dayBegan, reason: "scheduled")
            if settings.enabled {
                for centre in centres where due(centre, after: last, upTo: now) {
                    await scanLogged(centre: centre.code, reason: "scheduled")
                }
            }
            last = now
        }
    }

    /// Expires lapsed holds (when `expire`), then sends the queued notices about holds and recalls: one
    /// journal entry each with its own `MESSAGE_ID` and `RENTAL_*` fields, the family by reference only.
    func holdsPass(expire: Bool, reason: String) async {
        do {
            if expire {
                let expired = try await store.expireHolds()
                if !expired.isEmpty {
                    logger.info("holds expired", metadata: ["reason": "\(reason)", "count": "\(expired.count)"])
                }
            }
            let useJournal = JournalWriter.isJournalAvailable
            let journal = journal
            _ = try await store.deliverCirculationNotices { notice in
                guard useJournal else {
                    FileHandle.standardError.write(Data("notice \(notice.kind.rawValue): \(notice.message)\n".utf8))
                    return true
                }
                return (try? journal.send(notice.journalFields + [("SYSLOG_IDENTIFIER", "rentald")])) != nil
            }
        } catch {
            logger.error("hold expiry or hold notices failed", metadata: ["code": "\(error.code.rawValue)"])
        }
    }

    /// Whether one of the configured times of day fell in (after, upTo] in the centre's zone.
    func due(_ centre: Centre, after start: Date, upTo end: Date) -> Bool {
        guard let zone = ZoneRules.named(centre.timeZone) else { return false }
        return settings.times.contains { $0.occurred(in: zone, after: start, upTo: end) }
    }

    private func scanLogged(centre: String?, reason: String) async {
        do {
            if let summary = try await scan(centre: centre) {
                logger.info("notice scan done", metadata: ["reason": "\(reason)", "sent": "\(summary.total)",
                                                           "failed": "\(summary.failed)", "superseded": "\(summary.superseded)"])
            }
        } catch {
            logger.error("notice scan failed", metadata: ["code": "\(error.code.rawValue)"])
        }
    }

    /// One summary entry per centre: counts per stage.
    private func report(_ summary: NoticeScanSummary, journal useJournal: Bool) {
        for (centre, stages) in summary.sent.sorted(by: { $0.key < $1.key }) {
            let counts = NoticeStage.allCases.compactMap { stage in stages[stage.rawValue].map { "\($0) \(stage.rawValue)" } }
            let message = "Notice scan at \(centre): " + counts.joined(separator: ", ")
            var fields: [(name: String, value: String)] = [
                ("MESSAGE", message), ("MESSAGE_ID", NoticeStage.summaryMessageID), ("PRIORITY", "5"),
                ("SYSLOG_IDENTIFIER", "rentald"), ("RENTAL_CENTRE", centre), ("RENTAL_FAILED", "\(summary.failed)"),
            ]
            for stage in NoticeStage.allCases {
                fields.append(("RENTAL_SENT_" + stage.rawValue.uppercased().replacingOccurrences(of: "-", with: "_"),
                               "\(stages[stage.rawValue] ?? 0)"))
            }
            if useJournal, (try? journal.send(fields)) != nil { continue }
            FileHandle.standardError.write(Data("\(message)\n".utf8))
        }
    }
}
