/// Severity of a journal entry, the syslog levels stored in its `PRIORITY=` field.
public enum JournalPriority: Int, Sendable, CaseIterable {
    /// System is unusable (0).
    case emerg = 0
    /// Action must be taken immediately (1).
    case alert = 1
    /// Critical condition (2).
    case crit = 2
    /// Error condition (3).
    case err = 3
    /// Warning condition (4).
    case warning = 4
    /// Normal but significant condition (5).
    case notice = 5
    /// Informational message (6).
    case info = 6
    /// Debug-level message (7).
    case debug = 7
}
