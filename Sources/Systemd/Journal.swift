import CSystemd
import Glibc

/// Writes structured entries to the systemd journal with `sd_journal_sendv(3)`.
///
/// Safe to share between threads: libsystemd sends every entry as one datagram
/// on a single process-wide socket.
public struct JournalWriter: Sendable {
    /// The socket journald listens on for native entries; libsystemd always uses this path.
    static let socketPath = "/run/systemd/journal/socket"

    /// Creates a writer.
    public init() {}

    /// Whether journald's native socket (`/run/systemd/journal/socket`) exists.
    ///
    /// A socket left behind by a journald that has exited still counts; sending
    /// then fails with `ECONNREFUSED`.
    public static var isJournalAvailable: Bool {
        var info = stat()
        return stat(socketPath, &info) == 0 && info.st_mode & S_IFMT == S_IFSOCK
    }

    /// Sends one entry made of `fields`, in order.
    ///
    /// Names must consist of 1–64 characters from `A–Z`, `0–9` and `_`, and must not
    /// start with `_` (reserved for fields journald adds itself) or a digit. Values
    /// may be any text, including line breaks and non-ASCII characters.
    ///
    /// libsystemd silently discards entries when journald's socket is missing; this
    /// method checks for the socket first and reports `ENOENT` instead. A socket that
    /// disappears between that check and the send still drops the entry silently.
    ///
    /// - Parameter fields: Name–value pairs, e.g. `("MESSAGE", "Drill returned")`.
    /// - Throws: ``JournalError/invalidFieldName(_:)`` for the first bad name (nothing
    ///   is sent), ``JournalError/emptyEntry``, or ``JournalError/sendFailed(errno:)``.
    public func send(_ fields: [(name: String, value: String)]) throws(JournalError) {
        guard !fields.isEmpty else { throw .emptyEntry }
        if let bad = fields.first(where: { !JournalFieldName.isValid($0.name) }) {
            throw .invalidFieldName(bad.name)
        }
        guard Self.isJournalAvailable else { throw .sendFailed(errno: ENOENT) }
        let result = Self.sendv(fields)
        if result < 0 { throw .sendFailed(errno: -result) }
    }

    /// Sends an entry with `MESSAGE=` and `PRIORITY=` followed by `fields`.
    ///
    /// - Parameters:
    ///   - message: The human-readable message (`MESSAGE=`).
    ///   - priority: The entry's severity (`PRIORITY=`).
    ///   - fields: Further fields, with the same rules as ``send(_:)``.
    /// - Throws: The errors of ``send(_:)``.
    public func send(
        _ message: String,
        priority: JournalPriority,
        fields: [(name: String, value: String)] = []
    ) throws(JournalError) {
        try send([("MESSAGE", message), ("PRIORITY", String(priority.rawValue))] + fields)
    }

    /// Packs every field as `NAME=value` into one buffer and passes an `iovec` per field
    /// to `sd_journal_sendv`, which frames values containing newlines length-prefixed.
    ///
    /// - Returns: 0 on success, a negative `errno` on failure.
    private static func sendv(_ fields: [(name: String, value: String)]) -> Int32 {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for field in fields {
            let start = bytes.count
            bytes.append(contentsOf: field.name.utf8)
            bytes.append(UInt8(ascii: "="))
            bytes.append(contentsOf: field.value.utf8)
            ranges.append(start ..< bytes.count)
        }
        return bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return -EINVAL }
            let vectors = ranges.map { iovec(iov_base: base + $0.lowerBound, iov_len: $0.count) }
            return vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        }
    }
}
