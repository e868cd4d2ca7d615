import Foundation
import Logging
import RentalKit

/// A mistake in the configuration file, with where it is.
struct ConfigError: Error, CustomStringConvertible, Equatable {
    /// The file.
    var file: String
    /// The line, 1-based (0 when the problem is the file as a whole).
    var line: Int
    /// What is wrong.
    var problem: String

    var description: String { line > 0 ? "\(file):\(line): \(problem)" : "\(file): \(problem)" }
}

/// Reads `rentald.conf`: `[section]` headers, `key = value` lines, `#` comments (whole lines, or after
/// a space). Unknown sections and keys, repeated keys and values of the wrong type are errors that name
/// the line.
///
/// Hand-written on purpose: swift-configuration 1.4.0 reads JSON, YAML and environment files (no INI), and
/// TOML (TOMLKit) would make administrators quote every value of existing files; neither names the line.
enum ConfigParser {
    static func parse(_ text: String, file: String) throws(ConfigError) -> DaemonConfig {
        var config = DaemonConfig()
        var section = ""
        var seen: Set<String> = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            func fail(_ problem: String) -> ConfigError { ConfigError(file: file, line: number, problem: problem) }
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#"), hash == line.startIndex || line[line.index(before: hash)].isWhitespace {
                line = line[..<hash]
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]") else { throw fail("a section header must end with ']'") }
                section = String(trimmed.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                guard ["daemon", "store", "limits", "policy", "access", "notices", "documents", "staff", "privacy"].contains(section) else {
                    throw fail("unknown section [\(section)]; known: [daemon], [store], [limits], [policy], [access], [notices], [documents], [staff], [privacy]")
                }
                continue
            }
            guard let equals = trimmed.firstIndex(of: "=") else { throw fail("expected 'key = value'") }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !section.isEmpty else { throw fail("'\(key)' must be inside a section such as [daemon]") }
            guard seen.insert("\(section).\(key)").inserted else { throw fail("'\(key)' is set twice in [\(section)]") }
            try apply(section: section, key: key, value: value, to: &config, line: number, fail: fail)
        }
        let stages = config.notices.schedule
        guard stages.overdueDays < stages.escalatedDays, stages.escalatedDays < stages.finalDays else {
            throw ConfigError(file: file, line: 0, problem: "[notices] overdue_days < escalated_days < final_days must hold")
        }
        return config
    }

    private static func apply(section: String, key: String, value: String, to config: inout DaemonConfig, line: Int,
                              fail: (String) -> ConfigError) throws(ConfigError) {
        func integer(_ range: ClosedRange<Int>) throws(ConfigError) -> Int {
            guard let number = Int(value), range.contains(number) else {
                throw fail("\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(value)'")
            }
            return number
        }
        func boolean() throws(ConfigError) -> Bool {
            switch value.lowercased() {
            case "yes", "true", "on", "1": return true
            case "no", "false", "off", "0": return false
            default: throw fail("\(key) must be yes or no, not '\(value)'")
            }
        }
        func path() throws(ConfigError) -> String {
            guard value.hasPrefix("/") else { throw fail("\(key) must be an absolute path") }
            return value
        }
        func unknown() -> ConfigError { fail("unknown key '\(key)' in [\(section)]") }

        switch (section, key) {
        case ("daemon", "state_directory"): config.stateDirectory = try path()
        case ("daemon", "socket"): config.socketPath = try path()
        case ("daemon", "backup_directory"): config.backupDirectory = try path()
        case ("daemon", "socket_mode"):
            guard value.count <= 4, let mode = UInt32(value, radix: 8), mode <= 0o777 else {
                throw fail("socket_mode must be an octal mode such as 0660, not '\(value)'")
            }
            config.socketMode = mode
        case ("daemon", "socket_group"):
            guard !value.isEmpty else { throw fail("socket_group must name a group") }
            config.socketGroup = value
        case ("daemon", "log_level"):
            guard let level = Logger.Level(rawValue: value) else {
                throw fail("log_level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            config.logLevel = level
        case ("store", "synchronous"):
            guard let mode = RentalStore.Synchronous(rawValue: value) else { throw fail("synchronous must be full or normal") }
            config.synchronous = mode
        case ("store", "group_commit"): config.groupCommit = try boolean()
        case ("store", "busy_timeout_seconds"): config.busyTimeoutSeconds = Double(try integer(0...600))
        case ("limits", "max_body_bytes"): config.limits.maxBodyBytes = try integer(1024...(64 << 20))
        case ("limits", "max_import_bytes"): config.limits.maxImportBytes = try integer(1024...(1 << 30))
        case ("privacy", "anonymise_after"):
            if value.lowercased() == "never" {
                config.privacy.anonymiseAfter = nil
            } else {
                guard let period = RetentionPeriod(value) else {
                    throw fail("anonymise_after must be a period such as 3y, 18m or 400d (or never), not '\(value)'")
                }
                config.privacy.anonymiseAfter = period
            }
        case ("privacy", "keep_backups"):
            if value.lowercased() == "never" {
                config.privacy.keepBackupsSetting = .forever
            } else {
                guard let period = RetentionPeriod(value) else {
                    throw fail("keep_backups must be a period such as 90d, 6m or 1y (or never), not '\(value)'")
                }
                config.privacy.keepBackupsSetting = .period(period)
            }
        case ("limits", "max_connections"): config.limits.maxConnections = try integer(1...10_000)
        case ("limits", "idle_timeout_seconds"): config.limits.idleTimeoutSeconds = try integer(1...3600)
        case ("policy", "refuse_checkout_when_overdue"): config.policy.refuseCheckoutWhenOverdue = try boolean()
        case ("policy", "max_backdate_days"): config.policy.maxBackdateDays = try integer(0...366)
        case ("policy", "hold_pickup_days"): config.policy.holdPickupOpenDays = try integer(1...60)
        case ("policy", "max_reservations_per_family"): config.policy.maxReservationsPerFamily = try integer(1...100)
        case ("policy", "return_elsewhere"):
            guard let rule = ReturnElsewhere(rawValue: value) else { throw fail("return_elsewhere must be floating or send-home") }
            config.policy.returnElsewhere = rule
        case ("notices", "enabled"): config.notices.enabled = try boolean()
        case ("notices", "times"):
            let times = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let parsed = times.compactMap(LocalTime.init)
            guard !times.isEmpty, parsed.count == times.count else {
                throw fail("times must be a list of HH:MM such as 08:00, 14:30, not '\(value)'")
            }
            config.notices.times = parsed
        case ("notices", "due_soon_days"): config.notices.schedule.dueSoonDays = try integer(0...60)
        case ("notices", "overdue_days"): config.notices.schedule.overdueDays = try integer(1...365)
        case ("notices", "escalated_days"): config.notices.schedule.escalatedDays = try integer(1...365)
        case ("notices", "final_days"): config.notices.schedule.finalDays = try integer(1...3650)
        case ("notices", "max_per_second"): config.notices.maxPerSecond = try integer(1...100_000)
        case ("access", "admin"): config.access.admins = try subjects(value, key: key, fail: fail)
        case ("access", "read_only"): config.access.readOnly = try subjects(value, key: key, fail: fail)
        case ("access", _) where key.hasPrefix("staff."):
            let centre = String(key.dropFirst("staff.".count))
            do {
                _ = try Validate.code(centre, field: "centre")
            } catch {
                throw fail("'\(key)': '\(centre)' is not a centre code (a–z, 0–9, '-')")
            }
            config.access.staff[centre] = try subjects(value, key: key, fail: fail)
            config.access.staffLines[centre] = line
        case ("documents", _), ("staff", _):
            try PaperConfig.apply(section: section, key: key, value: value, line: line, to: &config, fail: fail)
        default:
            throw unknown()
        }
    }

    /// `user:NAME, group:NAME, …`
    private static func subjects(_ value: String, key: String, fail: (String) -> ConfigError) throws(ConfigError) -> [Subject] {
        var result: [Subject] = []
        for item in value.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: ":", maxSplits: 1).map(String.init)
            let nameOK = parts.count == 2 && !parts[1].isEmpty
                && parts[1].unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
            switch (parts.first, nameOK) {
            case ("user", true): result.append(.user(parts[1]))
            case ("group", true): result.append(.group(parts[1]))
            default: throw fail("\(key): '\(item)' must be user:NAME or group:NAME")
            }
        }
        return result
    }
}
