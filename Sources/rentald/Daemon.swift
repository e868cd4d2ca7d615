import Foundation
import Glibc
import Logging
import RentalKit
import RentalProtocol
import Systemd
import UnixSignals

/// The daemon's life: open the store, take the socket, serve, report to systemd, reload on SIGHUP,
/// stop cleanly on SIGTERM.
struct Daemon {
    /// A start-up failure with the exit code to leave with.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        var exitCode: Int32
    }

    let settings: Settings
    let seedDemo: Bool
    let logger = Logger(label: "rentald")
    let notifier = SystemdNotifier()

    func run() async throws {
        umask(0o077)  // the store holds personal data: files for the daemon's user only
        // Trap the signals first: one that arrives while the store opens, or right after READY=1, is handled
        // (queued until the loop below reads it) instead of killing the daemon by its default action.
        let signals = await UnixSignalsSequence(trapping: .sighup, .sigterm, .sigint)
        let store = try openStore()
        if seedDemo { try await seed(store) }
        if let unknown = try? await store.centresWithUnknownTimeZones(), !unknown.isEmpty {
            throw Failure(description: "no time zone data for \(unknown.joined(separator: ", ")) in \(ZoneRules.databaseDirectory): "
                              + "install Debian's tzdata (apt install tzdata)", exitCode: 78)
        }
        if let file = settings.configFile {
            do {
                try Settings.checkCentres(settings.config, file: file, known: try await store.centres().map(\.code))
            } catch {
                throw Failure(description: "\(error)", exitCode: 78)
            }
        }
        let (fd, boundPath) = try listeningSocket()
        let access = AccessControl(settings.config.access)
        let notices = NoticeService(store: store, settings: settings.config.notices, logger: logger)
        let papers: PaperService
        do {
            papers = PaperService(templates: try PaperService.templates(for: settings.config), config: settings.config, logger: logger)
        } catch {
            throw Failure(description: "\(error)", exitCode: 78)
        }
        let api = API(store: store, access: access, notices: notices, papers: papers, backupDirectory: settings.backupDirectory,
                      startedAt: Date(), version: RentalVersion.current, logger: logger,
                      privacy: settings.config.privacy)
        let server = HTTPServer(fd: fd, limits: settings.config.limits, handler: api, logger: logger)
        // Holds that lapsed while the daemon was down expire before the first request is served.
        await notices.holdsPass(expire: true, reason: "start-up")
        await MallocTuning.releaseAfterStartUp(store)

        logger.info("rentald \(RentalVersion.current) serving", metadata: [
            "socket": "\(boundPath ?? "from systemd")", "store": "\(settings.storePath)",
            "config": "\(settings.configFile ?? (settings.development ? "none (development mode)" : "none"))",
        ])
        let integrity = store.integrityCheckDeferred ? checkIntegrityWhileServing(store, server: server) : nil
        // The server finishes first (after a stop signal, or on an error); the others run until cancelled.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            group.addTask { await self.watch(store) }
            group.addTask { await notices.run() }
            group.addTask {
                let privacy = self.settings.config.privacy
                await RetentionService(store: store, period: privacy.anonymiseAfter, keepBackups: privacy.keepBackups,
                                       backups: BackupRetention(backupDirectory: self.settings.backupDirectory,
                                                                storePath: self.settings.storePath),
                                       logger: self.logger).run()
            }
            group.addTask { await self.handleSignals(signals, server: server, access: access, papers: papers, store: store) }
            notifier.ready()
            await reportStatus(store)
            defer { group.cancelAll() }
            try await group.next()
        }
        if let integrity, await integrity.value == false {
            throw Failure(description: "the store \(settings.storePath) failed SQLite's quick_check: restore it from a backup", exitCode: 74)
        }
        do {
            try store.close()
        } catch {
            logger.error("closing the store failed", metadata: ["code": "\(error.code.rawValue)"])
        }
        if let boundPath { unlink(boundPath) }
        logger.info("rentald stopped")
    }

    /// The store was closed cleanly and is untouched since, so its whole-file check was left until now (a
    /// fast start): run it beside the first requests, and stop the daemon if the file is damaged.
    /// - Returns: The check, true when the store passed.
    private func checkIntegrityWhileServing(_ store: RentalStore, server: HTTPServer) -> Task<Bool, Never> {
        Task {
            do {
                try await store.checkIntegrity()
                logger.debug("store passed quick_check")
                await MallocTuning.releaseAfterStartUp(store)
                return true
            } catch {
                logger.critical("the store failed SQLite's quick_check: stopping; restore it from a backup",
                                metadata: ["store": "\(settings.storePath)"])
                await server.shutdown()
                return false
            }
        }
    }

    private func openStore() throws(Failure) -> RentalStore {
        do {
            try FileManager.default.createDirectory(atPath: settings.stateDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(description: "cannot create the state directory \(settings.stateDirectory)", exitCode: 73)
        }
        let config = settings.config
        do {
            return try RentalStore.open(
                path: settings.storePath,
                options: .init(synchronous: config.synchronous, busyTimeout: config.busyTimeoutSeconds, policy: config.policy,
                              groupCommit: config.groupCommit, integrityCheck: .atOpenUnlessClosedCleanly,
                              // Requests run on their connection's event loop (EventLoopExecutor).
                              commitsOnCallingThread: false),
                logger: logger)
        } catch {
            throw Failure(description: "cannot open the store \(settings.storePath): \(error.message)", exitCode: 74)
        }
    }

    private func seed(_ store: RentalStore) async throws {
        guard try await store.centres().isEmpty else {
            logger.notice("--demo: the store already has data; no demo data added")
            return
        }
        let summary = try await store.seedDemoData(by: .admin("demo"))
        logger.notice("demo data added", metadata: ["centres": "\(summary.centres)", "units": "\(summary.units)",
                                                     "families": "\(summary.families)", "openLoans": "\(summary.openLoans)"])
    }

    private func listeningSocket() throws(Failure) -> (fd: Int32, boundPath: String?) {
        if let fd = ListenSocket.fromSystemd() { return (fd, nil) }
        do {
            let fd = try ListenSocket.bind(path: settings.socketPath, mode: settings.config.socketMode,
                                           group: settings.config.socketGroup)
            return (fd, settings.socketPath)
        } catch {
            throw Failure(description: error.description, exitCode: 71)
        }
    }

    /// SIGHUP reloads; SIGTERM or SIGINT begin a clean stop. Runs until cancelled.
    private func handleSignals(_ signals: UnixSignalsSequence, server: HTTPServer, access: AccessControl,
                               papers: PaperService, store: RentalStore) async {
        for await signal in signals {
            if signal == .sighup {
                await reload(access: access, papers: papers, store: store)
            } else {
                logger.info("stopping: finishing requests in flight", metadata: ["signal": "\(signal)"])
                notifier.stopping()
                await server.shutdown()
            }
        }
    }

    /// Re-reads the configuration file; a bad one is logged and the running configuration kept.
    private func reload(access: AccessControl, papers: PaperService, store: RentalStore) async {
        notifier.reloading()
        defer { notifier.ready() }
        guard let file = settings.configFile else {
            logger.notice("reload: no configuration file; nothing to reload")
            return
        }
        do {
            let new = try Settings.load(file)
            try Settings.checkCentres(new, file: file, known: try await store.centres().map(\.code))
            access.replace(new.access)
            papers.reload(new)
            LogLevelControl.shared.set(new.logLevel)
            if new.limits != settings.config.limits || new.synchronous != settings.config.synchronous
                || new.groupCommit != settings.config.groupCommit
                || new.policy != settings.config.policy || new.socketPath != settings.config.socketPath {
                logger.notice("reload: [limits], [store], [policy] and the socket take effect at the next restart")
            }
            logger.notice("configuration reloaded", metadata: ["file": "\(file)"])
        } catch {
            logger.error("reload refused, keeping the running configuration: \(error)")
        }
        await reportStatus(store)
    }

    /// Pings the watchdog at half its interval after checking that the store answers, and refreshes
    /// the status line.
    private func watch(_ store: RentalStore) async {
        let interval = SystemdNotifier.watchdogInterval() ?? .seconds(60)
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            guard !Task.isCancelled else { return }
            if (try? await store.summary()) != nil {
                notifier.watchdog()
                await reportStatus(store)
            } else {
                logger.error("the store does not answer; withholding the watchdog ping")
            }
        }
    }

    private func reportStatus(_ store: RentalStore) async {
        guard let summary = try? await store.summary() else { return }
        notifier.status("\(summary.centres) centres, \(summary.openLoans) open loans, \(summary.overdueLoans) overdue")
    }
}
