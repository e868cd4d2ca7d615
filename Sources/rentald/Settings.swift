import Foundation
import RentalKit
import RentalProtocol

/// The configuration in force and the paths it resolves to, from the command line, the file, the
/// environment and the defaults, in that order.
struct Settings: Sendable {
    /// The file read, or nil when running on the embedded default.
    var configFile: String?
    /// The parsed configuration.
    var config: DaemonConfig
    /// Whether the daemon runs in development mode (no config file, not under systemd): state and socket
    /// under the working directory.
    var development: Bool
    /// The state directory.
    var stateDirectory: String
    /// The socket path to bind when systemd passes none.
    var socketPath: String

    /// The store file.
    var storePath: String { stateDirectory + "/" + RentalPaths.storeFileName }
    /// Where hot backups go.
    var backupDirectory: String { config.backupDirectory ?? stateDirectory + "/backups" }

    static func resolve(configOption: String?, socketOption: String?, stateOption: String?,
                        environment: [String: String]) throws(ConfigError) -> Settings {
        let path = configOption ?? RentalPaths.systemConfig
        var config = DaemonConfig()
        var configFile: String?
        if FileManager.default.fileExists(atPath: path) || configOption != nil {
            config = try load(path)
            configFile = path
        }
        let underSystemd = environment["INVOCATION_ID"] != nil || environment["NOTIFY_SOCKET"] != nil
            || environment["LISTEN_FDS"] != nil
        let development = configFile == nil && !underSystemd
        let developmentDirectory = FileManager.default.currentDirectoryPath + "/" + RentalPaths.developmentDirectory
        if development { config.socketMode = 0o600 }
        let state = stateOption ?? config.stateDirectory ?? environment["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init)
            ?? (development ? developmentDirectory : RentalPaths.systemStateDirectory)
        let socket = socketOption ?? config.socketPath
            ?? (development ? developmentDirectory + "/" + RentalPaths.socketFileName : RentalPaths.systemSocket)
        return Settings(configFile: configFile, config: config, development: development, stateDirectory: state,
                        socketPath: socket)
    }

    /// Reads and parses a configuration file.
    static func load(_ path: String) throws(ConfigError) -> DaemonConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? "cannot be read (missing, unreadable or not UTF-8)"
            throw ConfigError(file: path, line: 0, problem: reason)
        }
        return try ConfigParser.parse(text, file: path)
    }

    /// Checks that every `staff.CENTRE` and every `[documents]` key for a centre (`address.CENTRE`, …) names a
    /// centre of the store.
    static func checkCentres(_ config: DaemonConfig, file: String, known: [String]) throws(ConfigError) {
        let known = Set(known)
        var keys = config.access.staffLines.map { (key: "staff." + $0.key, centre: $0.key, line: $0.value) }
        keys += config.documents.centreKeyLines.map { (key: $0.key, centre: String($0.key.split(separator: ".").last ?? ""), line: $0.value) }
        for (key, centre, line) in keys.sorted(by: { $0.line < $1.line }) where !known.contains(centre) {
            throw ConfigError(file: file, line: line, problem: "\(key): no centre with code '\(centre)' in the store")
        }
    }
}
