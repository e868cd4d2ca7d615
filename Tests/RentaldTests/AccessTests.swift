import Foundation
import Glibc
import Testing
import RentalProtocol

/// Who may do what, proven with real peers: curl run as other Unix users through setpriv.
@Suite("Access by peer credentials", .enabled(if: getuid() == 0, "switching users needs root"))
struct AccessTests {
    /// daemon (uid 1) is staff of ryabinushka; bin (uid 2) is read-only; nobody has no role.
    static let config = """
        [daemon]
        socket_mode = 0666
        [access]
        staff.ryabinushka = user:daemon
        read_only = user:bin
        """
    static let staff = (uid: 1, gid: 1)
    static let reader = (uid: 2, gid: 2)
    static let outsider = (uid: 65534, gid: 65534)

    func availableUnit(_ daemon: DaemonHarness, centre: String, type: String = "wardrobe") async throws -> String {
        try #require(try await daemon.client.units(centre: centre, itemType: type, status: .available).items.first).inventoryNumber
    }

    @Test func eachRoleGetsExactlyItsRights() async throws {
        let daemon = try DaemonHarness(config: Self.config)
        try await daemon.start(useConfig: true)
        let home = try await availableUnit(daemon, centre: "ryabinushka")
        let away = try await availableUnit(daemon, centre: "isilkul")
        let checkout = { (unit: String, centre: String) in
            #"{"family":"F-2026-0002","unit":"\#(unit)","centre":"\#(centre)"}"#
        }

        // Outsider: health answers (role none, no counts); anything else is 403 with a problem body that says
        // how to get access.
        let outsiderHealth = try await daemon.curl(as: Self.outsider, "GET", "/v1/health")
        #expect(outsiderHealth.status == 200)
        let seen = try RentalJSON.decoder().decode(Health.self, from: Data(outsiderHealth.body.utf8))
        #expect(seen.role == "none" && seen.summary == nil && seen.caller == "nobody")
        #expect(!outsiderHealth.body.contains("summary"))
        let outsider = try await daemon.curl(as: Self.outsider, "GET", "/v1/stock")
        #expect(outsider.status == 403)
        #expect(outsider.body.contains("has no role"))

        // Read-only: reads, never writes.
        #expect(try await daemon.curl(as: Self.reader, "GET", "/v1/stock").status == 200)
        #expect(try await daemon.curl(as: Self.reader, "POST", "/v1/loans", json: checkout(home, "ryabinushka")).status == 403)

        // Staff of ryabinushka: circulation there, not at isilkul; no admin operations.
        let health = try await daemon.curl(as: Self.staff, "GET", "/v1/health")
        #expect(health.body.contains(#""role":"staff""#))
        #expect(health.body.contains(#""caller":"daemon""#))
        let away403 = try await daemon.curl(as: Self.staff, "POST", "/v1/loans", json: checkout(away, "isilkul"))
        #expect(away403.status == 403, "\(away403.body)")
        #expect(away403.body.contains("forbidden"))
        let created = try await daemon.curl(as: Self.staff, "POST", "/v1/loans", json: checkout(home, "ryabinushka"))
        #expect(created.status == 201, "\(created.body)")
        #expect(try await daemon.curl(as: Self.staff, "PUT", "/v1/rules", json: #"{"scope":{},"period":{"count":5,"unit":"days"},"renewalsAllowed":0,"renewalPeriod":{"count":5,"unit":"days"},"countOpenDaysOnly":false}"#).status == 403)

        #expect(try await daemon.curl(as: Self.staff, "POST", "/v1/notices/scan").status == 403)
        #expect(try await daemon.curl(as: Self.reader, "GET", "/v1/notices").status == 200)

        // The audit names the Unix user who did it.
        let loan = try RentalJSON.decoder().decode(Loan.self, from: Data(created.body.utf8))
        #expect(loan.issuedBy == "daemon")
        let events = try await daemon.client.audit(entity: "loan", key: "\(loan.id)").items
        #expect(events.map(\.actor) == ["daemon"])
        try await daemon.stop()
    }

    @Test("a user who cannot open the socket cannot even connect")
    func socketModeKeepsOutsidersOut() async throws {
        let daemon = try DaemonHarness(config: """
            [daemon]
            socket_mode = 0660
            [access]
            read_only = user:bin
            """)
        try await daemon.start(useConfig: true)
        // The socket is root:root 0660; bin is read-only by config but not in the socket's group.
        let refused = try await daemon.curl(as: Self.reader, "GET", "/v1/health")
        #expect(refused.status == 0, "connection must fail at the socket: \(refused)")
        #expect(try await daemon.curl(as: nil, "GET", "/v1/health").status == 200)
        try await daemon.stop()
    }

    @Test("SIGHUP applies a good configuration and keeps the old one when the new one is broken")
    func reload() async throws {
        let daemon = try DaemonHarness(config: Self.config)
        try await daemon.start(useConfig: true)
        #expect(try await daemon.curl(as: Self.outsider, "GET", "/v1/health").body.contains(#""role":"none""#))
        #expect(try await daemon.curl(as: Self.outsider, "GET", "/v1/stock").status == 403)

        try daemon.writeConfig(Self.config + "\nadmin = user:nobody\n")
        daemon.signal(SIGHUP)
        try await waitFor { try await daemon.curl(as: Self.outsider, "GET", "/v1/stock").status == 200 }
        #expect(try await daemon.curl(as: Self.outsider, "GET", "/v1/health").body.contains(#""role":"admin""#))

        try daemon.writeConfig(Self.config + "\nadmin = user:nobody\nstaff.atlantis = user:bin\n")
        daemon.signal(SIGHUP)
        try await waitFor { daemon.log.contains("reload refused") }
        #expect(daemon.log.contains("rentald.conf:7: staff.atlantis: no centre with code 'atlantis' in the store"))
        #expect(try await daemon.curl(as: Self.outsider, "GET", "/v1/stock").status == 200, "the old configuration stays")

        try daemon.writeConfig("[limits]\nmax_conections = 3\n")
        daemon.signal(SIGHUP)
        try await waitFor { daemon.log.contains("unknown key 'max_conections' in [limits]") }
        #expect(try await daemon.curl(as: Self.outsider, "GET", "/v1/stock").status == 200)
        #expect(try await daemon.stop() == 0)
    }

    func waitFor(_ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("condition not met within 10 s")
    }
}
