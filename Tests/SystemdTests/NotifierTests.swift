import Glibc
import Testing
@testable import Systemd

extension ProcessStateTests {
    @Suite("SystemdNotifier")
    struct NotifierTests {
        let notifier = SystemdNotifier()

        /// Runs `body` with `NOTIFY_SOCKET` pointing at a fresh datagram socket.
        func withNotifySocket(_ body: (UnixSocket) throws -> Void) throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove("notify") }
            let path = directory.path + "/notify"
            let socket = try UnixSocket(type: SOCK_DGRAM, boundTo: path)
            defer { socket.close() }
            try withEnvironment(["NOTIFY_SOCKET": path]) { try body(socket) }
        }

        @Test func sendsExactStateLines() throws {
            try withNotifySocket { socket in
                #expect(notifier.ready())
                #expect(socket.receive() == "READY=1")
                #expect(notifier.status("Renting 3 drills\nand\r\na ladder"))
                #expect(socket.receive() == "STATUS=Renting 3 drills and a ladder")
                #expect(notifier.watchdog())
                #expect(socket.receive() == "WATCHDOG=1")
                #expect(notifier.stopping())
                #expect(socket.receive() == "STOPPING=1")
                #expect(notifier.send(["ERRNO=0", "BUSERROR=org.example.None"]))
                #expect(socket.receive() == "ERRNO=0\nBUSERROR=org.example.None")
            }
        }

        @Test func reloadingCarriesMonotonicTimestamp() throws {
            try withNotifySocket { socket in
                let before = SystemdNotifier.monotonicMicroseconds()
                #expect(notifier.reloading())
                let after = SystemdNotifier.monotonicMicroseconds()
                let lines = try #require(socket.receive()).split(separator: "\n")
                try #require(lines.count == 2)
                #expect(lines[0] == "RELOADING=1")
                let stamp = try #require(UInt64(lines[1].dropFirst("MONOTONIC_USEC=".count)))
                #expect(lines[1].hasPrefix("MONOTONIC_USEC="))
                #expect((before ... after).contains(stamp))
            }
        }

        @Test(arguments: [[], ["READY=1\nSTATUS=injected"], ["=1"], ["NOEQUALS"], ["A=\u{0}"]])
        func rejectsMalformedAssignments(_ assignments: [String]) throws {
            try withNotifySocket { socket in
                #expect(!notifier.send(assignments))
                #expect(!socket.hasPendingDatagram)
            }
        }

        @Test func everyCallIsANoOpWithoutNotifySocket() {
            withEnvironment(["NOTIFY_SOCKET": nil]) {
                #expect(!notifier.ready())
                #expect(!notifier.reloading())
                #expect(!notifier.stopping())
                #expect(!notifier.status("idle"))
                #expect(!notifier.watchdog())
                #expect(!notifier.send(["READY=1"]))
            }
        }

        @Test func reportsFailureWhenNobodyListens() throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            withEnvironment(["NOTIFY_SOCKET": directory.path + "/absent"]) {
                #expect(!notifier.ready())
            }
        }
    }
}
