import Foundation
import Logging
import Systemd

/// swift-log to the systemd journal, one structured entry per message: `MESSAGE`, `PRIORITY`,
/// `SYSLOG_IDENTIFIER=rentald`, and each metadata item as `RENTAL_<KEY>` (so `journalctl -u rentald
/// RENTAL_CODE=storage_full` filters). Used when systemd connected stderr to the journal
/// (`JOURNAL_STREAM`); falls back to stderr when an entry cannot be sent. Callers never put personal
/// data in messages or metadata.
struct JournalLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    private let label: String
    private let journal = JournalWriter()

    init(label: String, level: Logger.Level) {
        self.label = label
        logLevel = level
    }

    /// Whether systemd connected stderr to the journal.
    static var stderrIsJournal: Bool {
        ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil && JournalWriter.isJournalAvailable
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        var fields: [(name: String, value: String)] = [
            ("MESSAGE", message.description), ("PRIORITY", "\(Self.priority(level).rawValue)"),
            ("SYSLOG_IDENTIFIER", "rentald"), ("CODE_FILE", event.file), ("CODE_LINE", "\(event.line)"),
            ("CODE_FUNC", event.function),
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }).sorted(by: { $0.key < $1.key }) {
            fields.append((Self.fieldName(key), "\(value)"))
        }
        do {
            try journal.send(fields)
        } catch {
            FileHandle.standardError.write(Data("<\(Self.priority(level).rawValue)>\(message)\n".utf8))
        }
    }

    /// `RENTAL_` + the key upper-cased, other characters as `_`.
    static func fieldName(_ key: String) -> String {
        "RENTAL_" + String(key.uppercased().unicodeScalars.prefix(50).map {
            ("A"..."Z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "_"
        })
    }

    static func priority(_ level: Logger.Level) -> JournalPriority {
        switch level {
        case .trace, .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .err
        case .critical: .crit
        }
    }
}
