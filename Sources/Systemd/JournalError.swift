import Glibc

/// Why ``JournalWriter`` could not hand an entry to journald.
///
/// Errors never contain field values, which may hold personal data.
public enum JournalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A field name breaks journald's rules (see ``JournalWriter/send(_:)``); carries the name.
    case invalidFieldName(String)
    /// The entry has no fields.
    case emptyEntry
    /// Sending failed with this `errno`: `ENOENT` when journald's socket does not
    /// exist, `ECONNREFUSED` when it exists but nothing listens, or whatever else
    /// `sd_journal_sendv(3)` returned. (libsystemd retries `EAGAIN`, `ENOBUFS` and
    /// `EMSGSIZE` itself by passing the entry in a memfd; they surface only if that fails too.)
    case sendFailed(errno: Int32)

    /// A human-readable explanation, naming the offending field or error code.
    public var description: String {
        switch self {
        case .invalidFieldName(let name):
            "invalid journal field name \"\(name)\": use 1-64 characters from A-Z, 0-9 and _, not starting with _ or a digit"
        case .emptyEntry:
            "journal entry has no fields"
        case .sendFailed(let code):
            "sending to the journal failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}
