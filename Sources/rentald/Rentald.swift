import ArgumentParser
import Foundation
import Logging
import RentalKit
import RentalProtocol

/// `rentald`: serves RentalKit over a Unix socket.
@main
struct Rentald: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rentald",
        abstract: "Serve the social rental points' inventory over a Unix socket.",
        discussion: """
            Without a configuration file and outside systemd, rentald runs in development mode: the store and \
            the socket live under ./\(RentalPaths.developmentDirectory) in the working directory. \
            Exit status: 0 stopped cleanly, or --check-config and --restore done; 64 bad arguments; 71 the \
            socket cannot be bound; 73 the state directory cannot be created; 74 the store cannot be opened or \
            is damaged, or a restore was refused; 75 a daemon is serving (--restore); 78 the configuration is \
            wrong (also a broken paper template, or a centre whose time zone the machine lacks).
            """,
        version: RentalVersion.current)

    @Option(name: .long, help: ArgumentHelp("The configuration file.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The socket to bind when systemd passes none.", valueName: "path"))
    var socket: String?

    @Option(name: .customLong("state-dir"), help: ArgumentHelp("Where the store lives.", valueName: "dir"))
    var stateDir: String?

    @Flag(name: .long, help: "Fill an empty store with the pilot region's demo data.")
    var demo = false

    @Flag(name: .customLong("check-config"), help: "Check the configuration, print what is wrong, and exit.")
    var checkConfig = false

    @Option(name: .long, help: ArgumentHelp("Replace the store with a checked backup, then exit (the daemon must be stopped).", valueName: "file"))
    var restore: String?

    @Flag(name: .long, help: ArgumentHelp("Print the API's route table as JSON lines and exit.", visibility: .hidden))
    var routes = false

    @Option(name: .customLong("answer-fixed"),
            help: ArgumentHelp("Benchmark floor: serve --socket with the HTTP server alone, answering every request with this file's body.",
                               valueName: "file", visibility: .hidden))
    var answerFixed: String?

    func validate() throws {
        for (name, value) in [("--socket", socket), ("--state-dir", stateDir), ("--config", config)] {
            if let value, value.isEmpty { throw ValidationError("\(name) must not be empty") }
        }
        if answerFixed != nil, socket == nil { throw ValidationError("--answer-fixed needs --socket") }
    }

    func run() async throws {
        if routes {
            for route in Routes.all { print(route.description) }
            return
        }
        if let answerFixed, let socket {
            let fd = try ListenSocket.bind(path: socket, mode: 0o600, group: nil)
            try await HTTPServer(fd: fd, limits: DaemonConfig.Limits(), handler: FixedAnswer(file: answerFixed),
                                 logger: Logger(label: "rentald.answer-fixed")).run()
            return
        }
        let settings: Settings
        do {
            settings = try Settings.resolve(configOption: config, socketOption: socket, stateOption: stateDir,
                                            environment: ProcessInfo.processInfo.environment)
            // A starting daemon checks the centres against the store it opens; --check-config peeks read-only.
            if checkConfig, let file = settings.configFile, let codes = try? RentalStore.centreCodes(inStoreAt: settings.storePath) {
                try Settings.checkCentres(settings.config, file: file, known: codes)
            }
        } catch {
            FileHandle.standardError.write(Data("rentald: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        if let restore {
            if ListenSocket.isAnswering(settings.socketPath) {
                FileHandle.standardError.write(Data("rentald: a daemon is serving \(settings.socketPath); stop it first (systemctl stop rentald rentald.socket)\n".utf8))
                throw ExitCode(75)
            }
            do {
                let kept = try RentalStore.restore(backup: restore, to: settings.storePath)
                print("rentald: restored \(settings.storePath) from \(restore)" + (kept.map { "; the previous store is kept at \($0)" } ?? ""))
                return
            } catch {
                FileHandle.standardError.write(Data("rentald: restore refused: \(error.message)\n".utf8))
                throw ExitCode(74)
            }
        }
        if checkConfig {
            do {
                let templates = try PaperService.templates(for: settings.config)
                let admin = templates.files.values.filter { !$0.hasPrefix(settings.config.documents.templateDirectory + "/") }.count
                print("rentald: templates OK (\(templates.files.count - admin) from \(settings.config.documents.templateDirectory), \(admin) shipped)")
            } catch {
                FileHandle.standardError.write(Data("rentald: \(error)\n".utf8))
                throw ExitCode(78)
            }
            print("rentald: configuration OK (\(settings.configFile ?? "embedded default"); store \(settings.storePath))")
            return
        }
        MallocTuning.apply()
        let level = settings.config.logLevel
        let toJournal = JournalLogHandler.stderrIsJournal
        LogLevelControl.shared.set(level)
        LoggingSystem.bootstrap { label in
            if toJournal { return LevelControlledHandler(inner: JournalLogHandler(label: label, level: .trace)) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .trace
            return LevelControlledHandler(inner: handler)
        }
        do {
            try await Daemon(settings: settings, seedDemo: demo).run()
        } catch let failure as Daemon.Failure {
            FileHandle.standardError.write(Data("rentald: \(failure.description)\n".utf8))
            throw ExitCode(failure.exitCode)
        }
    }
}
