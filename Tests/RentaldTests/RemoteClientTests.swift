import Foundation
import Glibc
import Testing
import RentalClient
import RentalProtocol

/// `RentalClient(host:)` and `rentalctl bridge` against the real daemon, with a stand-in for `ssh` that runs
/// the far side's command here (what sshd would do after logging in); `Tests/system/ssh-test.sh` does the
/// same through a real sshd as other users.
@Suite("Remote client over a bridge")
struct RemoteClientTests {
    static let rentalctl = CLITests.binary

    /// A directory with an executable `ssh` stand-in: it records each start in `starts`, then runs `body`
    /// (shell) with `$command` set to the remote command (ssh's last argument).
    final class FakeSSH: @unchecked Sendable {
        let directory: URL
        var program: String { directory.appendingPathComponent("ssh").path }
        var startsFile: String { directory.appendingPathComponent("starts").path }
        var argumentsFile: String { directory.appendingPathComponent("arguments").path }

        init(_ body: String = #"exec sh -c "$command""#) throws {
            directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("fake-ssh-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let script = """
                #!/bin/sh
                echo start >>'\(startsFile)'
                printf '%s\\n' "$@" >'\(argumentsFile)'
                for command; do :; done
                \(body)
                """
            // Written through a close-on-exec descriptor: a process that another test forks meanwhile must not
            // inherit it open for writing, or starting the script fails with ETXTBSY.
            let fd = open(program, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
            guard fd >= 0 else { throw POSIXError(.EIO) }
            let bytes = Array(script.utf8)
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            guard written == bytes.count else { throw POSIXError(.EIO) }
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        var starts: Int {
            ((try? String(contentsOfFile: startsFile, encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        var arguments: [String] {
            ((try? String(contentsOfFile: argumentsFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
    }

    func client(_ ssh: FakeSSH, socket: String?, reuse: Bool = true, remote: String = RemoteClientTests.rentalctl,
                host: String = "staff@server.example:2222") throws -> RentalClient {
        RentalClient(host: try RemoteHost(parsing: host), socket: socket,
                     ssh: SSHSettings(program: ssh.program, options: ["-F", "/dev/null"], remoteRentalctl: remote, reuseConnection: reuse),
                     timeout: .seconds(20))
    }

    @Test("requests go through one session; the daemon sees the bridge's user; ssh gets the expected command line")
    func oneSession() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let ssh = try FakeSSH()
        let client = try client(ssh, socket: daemon.socketPath)
        let health = try await client.health()
        #expect(health.caller == (getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? ""))
        let units = try await client.units(centre: "ryabinushka", itemType: "wardrobe", status: .available).items
        let unit = try #require(units.first).inventoryNumber
        let loan = try await client.checkout(CheckoutRequest(family: "F-2026-0002", unit: unit, centre: "ryabinushka"))
        #expect(loan.inventoryNumber == unit)
        _ = try await client.returnUnit(ReturnRequest(unit: unit, centre: "ryabinushka", condition: .good, note: nil))
        // A refusal on a kept-alive connection leaves it usable.
        await #expect(throws: RentalError.self) { try await client.family("F-NONE-1") }
        _ = try await client.stock()
        #expect(ssh.starts == 1)
        #expect(ssh.arguments == ["-F", "/dev/null", "-T", "-x", "-a", "-e", "none", "-o", "ClearAllForwardings=yes",
                                  "-o", "BatchMode=yes", "-p", "2222", "--", "staff@server.example",
                                  "\(Self.rentalctl) bridge --socket \(daemon.socketPath)"])
        await client.close()
    }

    @Test("concurrent requests share the session; a large body and answer cross the bridge whole")
    func concurrentAndLarge() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let ssh = try FakeSSH()
        let client = try client(ssh, socket: daemon.socketPath)
        _ = try await client.health()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<16 { group.addTask { try await client.units(limit: 500).items.count } }
            for try await count in group { #expect(count > 0) }
        }
        let expected = try await daemon.client.units(limit: 500).items
        #expect(try await client.units(limit: 500).items == expected)
        // A body of about 600 KB with a field the daemon refuses: the answer comes back, the session stays.
        let note = String(repeating: "ж", count: 300_000)
        await #expect(throws: RentalError.self) {
            try await client.returnUnit(ReturnRequest(unit: "NONE-1", centre: "ryabinushka", condition: .good, note: note))
        }
        _ = try await client.health()
        #expect(ssh.starts == 1)
        await client.close()
    }

    @Test("without reuse each request starts its own session, and each is answered")
    func withoutReuse() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let ssh = try FakeSSH()
        let client = try client(ssh, socket: daemon.socketPath, reuse: false)
        for _ in 0..<3 { _ = try await client.health() }
        #expect(ssh.starts == 3)
        await client.close()
    }

    @Test("each failure has its code and says what happened")
    func failures() async throws {
        func failure(_ client: RentalClient) async -> RentalError? {
            do {
                _ = try await client.health()
                return nil
            } catch {
                return error
            }
        }
        let refused = try FakeSSH(#"echo 'staff@server.example: Permission denied (publickey).' >&2; exit 255"#)
        let denied = await failure(try client(refused, socket: nil))
        #expect(denied?.code == .sshFailed, "\(String(describing: denied))")
        #expect(denied?.message.contains("Permission denied (publickey)") == true, "\(String(describing: denied))")
        #expect(denied?.message.contains("add your ssh key") == true)

        let changed = try FakeSSH(#"echo '@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @' >&2; echo 'Host key verification failed.' >&2; exit 255"#)
        let keyChanged = await failure(try client(changed, socket: nil))
        #expect(keyChanged?.code == .sshFailed)
        #expect(keyChanged?.message.contains("host key is unknown or has changed") == true)

        let bridge = try FakeSSH()
        let missing = await failure(try client(bridge, socket: "/tmp/rentald-missing-\(UUID().uuidString).sock"))
        #expect(missing?.code == .daemonUnreachable)
        #expect(missing?.message.contains("no rentald socket at") == true)
        #expect(missing?.message.contains("systemctl enable --now rentald.socket") == true)

        let notInstalled = await failure(try client(bridge, socket: nil, remote: "/nonexistent/rentalctl"))
        #expect(notInstalled?.code == .daemonUnreachable)
        #expect(notInstalled?.message.contains("install rentalctl there") == true)

        let noSSH = RentalClient(host: try RemoteHost(parsing: "server"), ssh: SSHSettings(program: "/nonexistent/ssh"))
        #expect(await failure(noSSH)?.code == .sshFailed)

        let wrongCommand = try FakeSSH("exit 0")
        let closed = await failure(try client(wrongCommand, socket: nil))
        #expect(closed?.code == .daemonUnreachable)
        #expect(closed?.message.contains("rentalctl bridge") == true)
    }

    @Test("a session the daemon closed is replaced at the next request")
    func replacedAfterClose() async throws {
        // Five seconds: a bridge connects to the daemon as it starts, and on a loaded machine (the whole
        // suite in parallel, a debug rentalctl starting) the request it carries can take seconds to follow.
        let daemon = try DaemonHarness(config: "[limits]\nidle_timeout_seconds = 5\n")
        try await daemon.start(useConfig: true)
        let ssh = try FakeSSH()
        let client = try client(ssh, socket: daemon.socketPath)
        _ = try await client.health()
        try await Task.sleep(for: .milliseconds(7000))  // the daemon closes the idle connection
        _ = try await client.health()
        #expect(ssh.starts == 2)
        await client.close()
    }

    @Test("host names: [user@]host[:port], IPv6, and nothing that ssh would read as an option")
    func hostNames() throws {
        let plain = try RemoteHost(parsing: "server")
        #expect(plain.user == nil && plain.host == "server" && plain.port == nil)
        let full = try RemoteHost(parsing: "olga@rental.omsk.example:2222")
        #expect(full.user == "olga" && full.host == "rental.omsk.example" && full.port == 2222)
        #expect(full.destination == "olga@rental.omsk.example")
        let v6 = try RemoteHost(parsing: "[2001:db8::1]:22")
        #expect(v6.host == "2001:db8::1" && v6.port == 22 && v6.description == "[2001:db8::1]:22")
        let bare6 = try RemoteHost(parsing: "staff@2001:db8::1")
        #expect(bare6.host == "2001:db8::1" && bare6.port == nil)
        for bad in ["", "-oProxyCommand=x", "olga@-oProxyCommand=x", "-l", "host:0", "host:65536", "host:22x", "a b",
                    "host;id", "@host", "host:", "[::1", "$(id)", "`id`", "host\nx", "a/b"] {
            #expect(throws: RentalError.self, "\(bad)") { try RemoteHost(parsing: bad) }
        }
    }

    @Test("the far side's command is quoted for its shell")
    func remoteCommandQuoting() {
        let settings = SSHSettings(remoteRentalctl: "/opt/rental kit/rentalctl")
        #expect(settings.remoteCommand(socket: nil) == "'/opt/rental kit/rentalctl' bridge")
        #expect(settings.remoteCommand(socket: "/run/it's.sock") == #"'/opt/rental kit/rentalctl' bridge --socket '/run/it'\''s.sock'"#)
        #expect(SSHSettings().remoteCommand(socket: "/run/rentald/rentald.sock") == "rentalctl bridge --socket /run/rentald/rentald.sock")
    }

    @Test("settings from the environment")
    func environment() {
        let settings = SSHSettings.fromEnvironment(["RENTALD_SSH_OPTIONS": "-F /etc/x  -i key", "RENTALD_SSH_REUSE": "no",
                                                    "RENTALD_REMOTE_RENTALCTL": "/usr/local/bin/rentalctl"], interactive: true)
        #expect(settings.options == ["-F", "/etc/x", "-i", "key"])
        #expect(!settings.reuseConnection && !settings.batchMode)
        #expect(settings.remoteRentalctl == "/usr/local/bin/rentalctl")
        let defaults = SSHSettings.fromEnvironment([:], interactive: false)
        #expect(defaults == SSHSettings())
    }
}
