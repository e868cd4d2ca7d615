import Glibc
import Testing
import Systemd

extension ProcessStateTests {
    @Suite("SystemdNotifier.watchdogInterval")
    struct WatchdogTests {
        @Test func isHalfOfWatchdogUsec() {
            withEnvironment(["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": String(getpid())]) {
                #expect(SystemdNotifier.watchdogInterval() == .seconds(1))
            }
        }

        @Test func appliesWithoutWatchdogPid() {
            withEnvironment(["WATCHDOG_USEC": "500000", "WATCHDOG_PID": nil]) {
                #expect(SystemdNotifier.watchdogInterval() == .milliseconds(250))
            }
        }

        @Test func isNilForAnotherProcess() {
            withEnvironment(["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": String(getppid())]) {
                #expect(SystemdNotifier.watchdogInterval() == nil)
            }
        }

        @Test func isNilWhenUnset() {
            withEnvironment(["WATCHDOG_USEC": nil, "WATCHDOG_PID": nil]) {
                #expect(SystemdNotifier.watchdogInterval() == nil)
            }
        }
    }
}
