import CSystemd
import Glibc

/// Reports service state to the service manager through `sd_notify(3)`.
///
/// The notifier holds no state: every call reads `NOTIFY_SOCKET` afresh and
/// leaves it in place. When the process was not started by systemd as a
/// `Type=notify` service, `NOTIFY_SOCKET` is unset and every call is a no-op
/// that returns `false`.
public struct SystemdNotifier: Sendable {
    /// Creates a notifier.
    public init() {}

    /// Tells the service manager that start-up, or a reload, is finished (`READY=1`).
    ///
    /// - Returns: `true` if the notification was sent.
    @discardableResult
    public func ready() -> Bool {
        send(["READY=1"])
    }

    /// Tells the service manager that the service is reloading its configuration.
    ///
    /// Sends `RELOADING=1` together with `MONOTONIC_USEC=` set to the current
    /// `CLOCK_MONOTONIC` time in microseconds, as `Type=notify-reload` requires.
    /// Call ``ready()`` when the reload is complete.
    ///
    /// - Returns: `true` if the notification was sent.
    @discardableResult
    public func reloading() -> Bool {
        send(["RELOADING=1", "MONOTONIC_USEC=\(Self.monotonicMicroseconds())"])
    }

    /// Tells the service manager that the service is shutting down (`STOPPING=1`).
    ///
    /// - Returns: `true` if the notification was sent.
    @discardableResult
    public func stopping() -> Bool {
        send(["STOPPING=1"])
    }

    /// Sets the one-line status shown by `systemctl status` (`STATUS=…`).
    ///
    /// - Parameter line: Free-form text; every line break in it is replaced by a space.
    /// - Returns: `true` if the notification was sent.
    @discardableResult
    public func status(_ line: String) -> Bool {
        send(["STATUS=" + String(line.map { $0.isNewline ? " " : $0 })])
    }

    /// Pings the service manager's watchdog (`WATCHDOG=1`).
    ///
    /// Call it at least every ``watchdogInterval()`` while the service is healthy.
    ///
    /// - Returns: `true` if the notification was sent.
    @discardableResult
    public func watchdog() -> Bool {
        send(["WATCHDOG=1"])
    }

    /// Sends arbitrary `NAME=value` assignments in one notification, one per line.
    ///
    /// - Parameter assignments: The assignments to send. Each must contain `=`
    ///   after a non-empty name and must contain neither a newline nor a NUL byte.
    /// - Returns: `true` if the notification was sent; `false` when `NOTIFY_SOCKET`
    ///   is unset, when `assignments` is empty or malformed (nothing is sent then),
    ///   or when `sd_notify` fails.
    @discardableResult
    public func send(_ assignments: [String]) -> Bool {
        guard getenv("NOTIFY_SOCKET") != nil,
              !assignments.isEmpty,
              assignments.allSatisfy(Self.isAssignment)
        else { return false }
        return sd_notify(0, assignments.joined(separator: "\n")) > 0
    }

    /// Whether `text` is a single `NAME=value` line that survives the trip through a C string.
    private static func isAssignment(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { return false }
        return equals != bytes.startIndex && !bytes.contains(UInt8(ascii: "\n")) && !bytes.contains(0)
    }

    /// The current `CLOCK_MONOTONIC` time in microseconds, the clock `MONOTONIC_USEC=` refers to.
    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}
