import Foundation
import Glibc
import GRDB
import Testing
import RentalClient
import RentalProtocol

@Suite("Daemon life cycle")
struct LifecycleTests {
    @Test("--check-config accepts a good file and names the line of a bad one")
    func checkConfig() async throws {
        let daemon = try DaemonHarness(config: """
            # a comment
            [daemon]
            socket_mode = 0660   # inline comment
            [limits]
            max_body_bytes = 65536
            [access]
            admin = user:root, group:adm
            """)
        let good = try await daemon.runToExit(["--check-config", "--config", daemon.configPath, "--state-dir", daemon.stateDirectory])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stderr.contains("configuration OK"))

        let cases: [(String, String)] = [
            ("[limits]\nmax_conections = 3\n", "rentald.conf:2: unknown key 'max_conections' in [limits]"),
            ("[limits]\nmax_body_bytes = lots\n", "rentald.conf:2: max_body_bytes must be a whole number from 1024 to 67108864, not 'lots'"),
            ("[daemon]\nsocket_mode = 0999\n", "rentald.conf:2: socket_mode must be an octal mode such as 0660"),
            ("[policy]\nrefuse_checkout_when_overdue = perhaps\n", "rentald.conf:2: refuse_checkout_when_overdue must be yes or no"),
            ("[daemon]\n\n[nope]\n", "rentald.conf:3: unknown section [nope]"),
            ("admin = user:root\n", "rentald.conf:1: 'admin' must be inside a section such as [daemon]"),
            ("[access]\nadmin = root\n", "rentald.conf:2: admin: 'root' must be user:NAME or group:NAME"),
            ("[access]\nadmin = user:a\nadmin = user:b\n", "rentald.conf:3: 'admin' is set twice in [access]"),
            ("[store]\nsynchronous = sometimes\n", "rentald.conf:2: synchronous must be full or normal"),
            ("[notices]\ntimes = 8am\n", "rentald.conf:2: times must be a list of HH:MM such as 08:00, 14:30, not '8am'"),
            ("[notices]\nescalated_days = 40\n", "[notices] overdue_days < escalated_days < final_days must hold"),
            ("[privacy]\nanonymise_after = soon\n", "rentald.conf:2: anonymise_after must be a period such as 3y, 18m or 400d (or never), not 'soon'"),
        ]
        for (text, message) in cases {
            try daemon.writeConfig(text)
            let bad = try await daemon.runToExit(["--check-config", "--config", daemon.configPath])
            #expect(bad.status == 78, "\(text)")
            #expect(bad.stderr.contains(message), "\(bad.stderr)")
        }
        let missing = try await daemon.runToExit(["--check-config", "--config", daemon.configPath + ".missing"])
        #expect(missing.status == 78)
        #expect(missing.stderr.contains("rentald.conf.missing"))

        // Unknown centres are caught once a store exists.
        try daemon.writeConfig("[access]\nstaff.ryabinushka = user:daemon\n\nstaff.atlantis = user:bin\n")
        try await daemon.start(useConfig: false)
        try await daemon.stop()
        let unknownCentre = try await daemon.runToExit(["--check-config", "--config", daemon.configPath, "--state-dir", daemon.stateDirectory])
        #expect(unknownCentre.status == 78)
        #expect(unknownCentre.stderr.contains("rentald.conf:4: staff.atlantis: no centre with code 'atlantis' in the store"))
        // So are papers' facts about a centre the store does not have (a misspelt code would print nothing).
        try daemon.writeConfig("[documents]\naddress.ryabinushka = ул. Мира, 1\nhead.ryabinushka-2 = Петрова П. П.\n")
        let misspelt = try await daemon.runToExit(["--check-config", "--config", daemon.configPath, "--state-dir", daemon.stateDirectory])
        #expect(misspelt.status == 78)
        #expect(misspelt.stderr.contains("rentald.conf:3: head.ryabinushka-2: no centre with code 'ryabinushka-2' in the store"), "\(misspelt.stderr)")
    }

    @Test("after a clean stop the whole-file check runs beside the first requests, and a damaged store stops the daemon")
    func deferredIntegrityCheck() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        #expect(try await daemon.stop() == 0)
        #expect(FileManager.default.fileExists(atPath: daemon.storePath + ".closed-cleanly"))

        // Untouched: the daemon starts, checks, serves, and stops cleanly again.
        try await daemon.start(demo: false)
        #expect(try await daemon.client.health().status == "ok")
        #expect(try await daemon.stop() == 0)

        // Damaged in place, size and modification time kept: the mark still matches, so the check runs
        // after start-up; it fails, and the daemon stops with exit 74 instead of serving on.
        let page = try indexPage(daemon.storePath, "audit_by_entity")
        var info = stat()
        #expect(stat(daemon.storePath, &info) == 0)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: daemon.storePath))
        try handle.seek(toOffset: UInt64(4096 * (page - 1)))
        handle.write(Data(repeating: 0xA5, count: 4096))
        try handle.close()
        var times = [info.st_atim, info.st_mtim]
        #expect(utimensat(AT_FDCWD, daemon.storePath, &times, 0) == 0)

        let (status, output) = try await daemon.runToExit(["--state-dir", daemon.stateDirectory, "--socket", daemon.socketPath])
        #expect(status == 74, "\(output)")
        #expect(output.contains("failed SQLite's quick_check"), "\(output)")
        // The next start checks before serving and refuses at once.
        let (again, refusal) = try await daemon.runToExit(["--state-dir", daemon.stateDirectory, "--socket", daemon.socketPath])
        #expect(again == 74 && refusal.contains("quick_check"), "\(refusal)")
    }

    @Test("a centre whose time zone the system's tz database lacks stops the start, naming the centre")
    func unknownTimeZone() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        #expect(try await daemon.stop() == 0)
        // As if tzdata lost the zone (or was never installed): the stored identifier is one no database has.
        let queue = try DatabaseQueue(path: daemon.storePath)
        try await queue.write { db in try db.execute(sql: "UPDATE centre SET time_zone = 'Asia/Atlantis' WHERE code = 'cherlak'") }
        try queue.close()
        let (status, refusal) = try await daemon.runToExit(["--state-dir", daemon.stateDirectory, "--socket", daemon.socketPath])
        #expect(status == 78, "\(refusal)")
        #expect(refusal.contains("cherlak: Asia/Atlantis") && refusal.contains("apt install tzdata"), "\(refusal)")
    }

    /// The first page of an index, from SQLite's schema table (read-only).
    func indexPage(_ path: String, _ name: String) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_schema WHERE name = ?", arguments: [name]) ?? 0
        }
    }

    @Test("a SIGTERM that arrives while the daemon is still starting stops it cleanly")
    func stopDuringStartUp() async throws {
        let daemon = try DaemonHarness()
        for round in 1...3 {
            let child = try Spawn([DaemonHarness.binary, "--state-dir", daemon.stateDirectory, "--socket", daemon.socketPath,
                                   "--demo"], outputPath: daemon.logPath)
            // The store file appears when the daemon opens it, after the signals are trapped; it is still
            // seeding or starting to serve when the signal comes.
            let store = daemon.storePath
            for _ in 0..<2000 where !FileManager.default.fileExists(atPath: store) {
                try await Task.sleep(for: .milliseconds(1))
            }
            kill(child.pid, SIGTERM)
            let status = await child.wait()
            #expect(status == 0, "round \(round): \(daemon.log)")
            #expect(daemon.log.contains("rentald stopped"), "round \(round): \(daemon.log)")
            try? FileManager.default.removeItem(atPath: daemon.stateDirectory)
        }
    }

    @Test("SIGHUP applies a new log_level")
    func logLevelReload() async throws {
        let daemon = try DaemonHarness(config: "[daemon]\nlog_level = notice\n")
        try await daemon.start(useConfig: true)
        _ = try await daemon.client.stock()
        #expect(!daemon.log.contains("path=stock"), "debug lines are off at notice")
        try daemon.writeConfig("[daemon]\nlog_level = debug\n")
        daemon.signal(SIGHUP)
        let deadline = Date().addingTimeInterval(10)
        while !daemon.log.contains("configuration reloaded"), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        _ = try await daemon.client.stock()
        try await Task.sleep(for: .milliseconds(200))
        #expect(daemon.log.contains("path=stock"), "\(daemon.log)")
        try await daemon.stop()
    }

    @Test("a second daemon refuses a socket that is served; a stale socket file is replaced")
    func socketOwnership() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let second = try await daemon.runToExit(["--state-dir", daemon.stateDirectory + "-2", "--socket", daemon.socketPath])
        #expect(second.status == 71)
        #expect(second.stderr.contains("another rentald is already serving"))
        #expect(try await daemon.client.health().status == "ok")

        // kill -9 leaves the socket file behind; the next start removes it.
        daemon.signal(SIGKILL)
        await daemon.reap()
        #expect(FileManager.default.fileExists(atPath: daemon.socketPath))
        try await daemon.start(demo: false)
        #expect(try await daemon.client.health().summary?.centres == 10)
        #expect(try await daemon.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath), "a clean stop removes the socket it bound")
    }

    @Test("SIGTERM while clients are checking out: every acknowledged loan is stored, nothing else is")
    func stopDuringRequests() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        var units: [String] = []
        for centre in ["ryabinushka", "vdokhnovenie", "isilkul", "cherlak"] {
            units += try await client.units(centre: centre, status: .available, limit: 60).items
                .filter { ["wardrobe", "ironing-board"].contains($0.itemType) }.map { "\(centre) \($0.inventoryNumber)" }
        }
        let families = (1...120).map { String(format: "F-2026-%04d", $0) }
        let stopAt = units.count / 3
        let work = units
        let acknowledged = await withTaskGroup(of: String?.self) { group in
            for (index, entry) in work.enumerated() {
                let parts = entry.split(separator: " ").map(String.init)
                group.addTask {
                    if index == stopAt { daemon.signal(SIGTERM) }
                    let request = CheckoutRequest(family: families[index % families.count], unit: parts[1], centre: parts[0])
                    return (try? await client.checkout(request)).map { _ in parts[1] }
                }
            }
            var done: [String] = []
            for await unit in group { if let unit { done.append(unit) } }
            return done
        }
        let status = try await daemon.stop()
        #expect(status == 0, "\(daemon.log)")
        #expect(daemon.log.contains("stopping: finishing requests in flight"))
        try await daemon.start(demo: false)
        let stored = try await client.loans(LoanFilter(limit: 1000)).items
            .filter { $0.issuedBy != "demo" }.map(\.inventoryNumber)
        #expect(Set(stored) == Set(acknowledged), "acknowledged \(acknowledged.count), stored \(stored.count)")
        #expect(stored.count == Set(stored).count)
        try await daemon.stop()
    }

    @Test("socket activation: the daemon serves the socket systemd passes and says READY=1 with a status")
    func socketActivation() async throws {
        let daemon = try DaemonHarness()
        let notify = try NotifySocket(path: daemon.directory.appendingPathComponent("notify.sock").path)
        let activate = try Spawn(["systemd-socket-activate", "--listen=\(daemon.socketPath)", "-E", "NOTIFY_SOCKET=\(notify.path)",
                                  DaemonHarness.binary, "--demo", "--state-dir", daemon.stateDirectory],
                                 outputPath: daemon.logPath)
        defer {
            kill(activate.pid, SIGKILL)
            var status: Int32 = 0
            waitpid(activate.pid, &status, 0)
        }
        while !FileManager.default.fileExists(atPath: daemon.socketPath) { try await Task.sleep(for: .milliseconds(20)) }
        // The first connection starts the daemon; the client waits in the socket's backlog.
        let health = try await daemon.client.health()
        #expect(health.summary?.centres == 10)
        let messages = try notify.receive(until: { $0.contains { $0.contains("STATUS=") } })
        #expect(messages.contains("READY=1"))
        #expect(messages.contains { $0.hasPrefix("STATUS=10 centres, ") && $0.contains("open loans") })
        kill(activate.pid, SIGTERM)
        let stopping = try notify.receive(until: { $0.contains("STOPPING=1") })
        #expect(stopping.contains("STOPPING=1"))
    }
}

/// A datagram socket standing in for systemd's notification socket.
struct NotifySocket {
    let path: String
    let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw HarnessError("cannot bind \(path)") }
        chmod(path, 0o666)
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Lines received (each datagram split at newlines) until `done` holds or 15 s pass.
    func receive(until done: ([String]) -> Bool) throws -> [String] {
        var lines: [String] = []
        let deadline = Date().addingTimeInterval(15)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline, !done(lines) {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 { lines += String(decoding: buffer.prefix(count), as: UTF8.self).split(separator: "\n").map(String.init) }
        }
        return lines
    }
}
