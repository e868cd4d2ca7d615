import CSystemd

extension SystemdNotifier {
    /// How often to call ``watchdog()``: half of the `WATCHDOG_USEC` the service
    /// manager set (`WatchdogSec=` in the unit), leaving a safety margin.
    ///
    /// Uses `sd_watchdog_enabled(3)`, which also checks that `WATCHDOG_PID`, if set,
    /// names this process. The environment is left untouched.
    ///
    /// - Returns: The ping interval, or `nil` when the watchdog is not enabled for this process.
    public static func watchdogInterval() -> Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(usec / 2)
    }
}
