import Foundation
import Glibc
import Testing
import RentalClient
import RentalProtocol

/// Every mutating endpoint against every kind of caller, with real peers: the daemon runs as its own
/// user (`sys`), and curl runs as other Unix users through `setpriv`. Allowed callers get the
/// operation's own success status; denied ones get 403 `forbidden` and change nothing in the store; a
/// user who cannot open the socket cannot connect at all.
@Suite("Access matrix", .enabled(if: getuid() == 0, "switching users needs root"))
struct AccessMatrixTests {
    /// The daemon's own user (admin by definition) and the socket's group.
    static let daemonUser = (uid: 3, gid: 3, name: "sys")
    static let socketGroup = (gid: 100, name: "users")

    /// `mail` is made admin by `[access]`, yet it is not in the socket's group: the socket's mode keeps
    /// it out before any role is looked at.
    static let config = """
        [daemon]
        socket_mode = 0660
        socket_group = \(socketGroup.name)
        [notices]
        enabled = no
        [access]
        staff.ryabinushka = user:daemon
        staff.isilkul = user:lp
        read_only = user:bin
        admin = user:mail
        """

    static let callers: [Caller] = [
        Caller(label: "root", user: "root", uid: nil, gid: 0, inSocketGroup: true, kind: .admin),
        Caller(label: "the daemon's own user", user: daemonUser.name, uid: daemonUser.uid, gid: daemonUser.gid,
               inSocketGroup: true, kind: .admin),
        Caller(label: "staff of ryabinushka", user: "daemon", uid: 1, gid: 1, inSocketGroup: true, kind: .staffHere),
        Caller(label: "staff of isilkul", user: "lp", uid: 7, gid: 7, inSocketGroup: true, kind: .staffOther),
        Caller(label: "read-only", user: "bin", uid: 2, gid: 2, inSocketGroup: true, kind: .readOnly),
        Caller(label: "no role", user: "nobody", uid: 65534, gid: 65534, inSocketGroup: true, kind: .noRole),
        Caller(label: "outside the socket's group", user: "mail", uid: 8, gid: 8, inSocketGroup: false, kind: .outsider),
    ]

    /// One row per mutating route (and per access-relevant variant of one). Every request acts at
    /// ryabinushka and is built afresh for each caller, so that an allowed one succeeds.
    static let routes: [Route] = [
        // Centres and calendars
        Route("POST", "/centres", needs: .admin, success: 201) { f, tag in
            Request("POST", "/centres", json: f.json(NewCentre(code: "am-\(tag)", name: "Центр \(tag)", region: "Омская область",
                                                              timeZone: "Asia/Omsk")),
                    observe: { try? await $0.centre("am-\(tag)") })
        },
        Route("PUT", "/centres/{code}/open-days", needs: .admin, success: 200) { f, _ in
            let days = try await f.client.centre(f.centre).openDays  // the same days: the calendar stays as it is
            return Request("PUT", "/centres/\(f.centre)/open-days", json: f.json(OpenDaysRequest(openDays: days)))
        },
        Route("POST", "/centres/{code}/closures", needs: .circulation, success: 201) { f, tag in
            Request("POST", "/centres/\(f.centre)/closures", json: f.json(try f.closure(tag)))
        },
        Route("DELETE", "/centres/{code}/closures/{id}", needs: .circulation, success: 204) { f, tag in
            let closure = try await f.client.addClosure(try f.closure(tag), centre: f.centre)
            return Request("DELETE", "/centres/\(f.centre)/closures/\(closure.id)")
        },
        Route("POST", "/centres/{code}/shift-due-dates", needs: .circulation, success: 200, audited: false) { f, _ in
            Request("POST", "/centres/\(f.centre)/shift-due-dates")
        },

        // Catalogue
        Route("POST", "/catalogue", needs: .admin, success: 201) { f, tag in
            Request("POST", "/catalogue", json: f.json(ItemType(code: "am-\(tag)", name: "Тип \(tag)", category: .other,
                                                               sanitiseAfterReturn: false)),
                    observe: { try? await $0.itemType("am-\(tag)") })
        },
        Route("POST", "/catalogue/{code}/recall", needs: .admin, success: 200) { f, tag in
            let type = try await f.client.addItemType(ItemType(code: "am-rc-\(tag)", name: "Отзыв \(tag)", category: .other,
                                                               sanitiseAfterReturn: false)).code
            return Request("POST", "/catalogue/\(type)/recall", json: f.json(RecallRequest(recalled: true, note: "проверка")))
        },

        // Units
        Route("POST", "/units", needs: .circulation, success: 201) { f, tag in
            Request("POST", "/units", json: f.json(NewUnit(inventoryNumber: "AM-\(tag)", itemType: "wardrobe", centre: f.centre)),
                    observe: { try? await $0.unit("AM-\(tag)") })
        },
        Route("POST", "/units/{inventoryNumber}/status", needs: .circulation, success: 200) { f, tag in
            let unit = try await f.unit(tag)
            return Request("POST", "/units/\(unit)/status", json: f.json(UnitStatusRequest(change: .sendToRepair)),
                           observe: { try? await $0.unit(unit) })
        },
        Route("POST", "/units/{inventoryNumber}/safety-checks", needs: .circulation, success: 200) { f, tag in
            let unit = try await f.unit(tag)
            return Request("POST", "/units/\(unit)/safety-checks", json: f.json(SafetyCheckRequest(on: f.today, passed: true)),
                           observe: { try? await $0.unit(unit) })
        },

        // Families: any staff, at any centre
        Route("POST", "/families", needs: .anyStaff, success: 201) { f, tag in
            Request("POST", "/families", json: f.json(f.newFamily("F-AM-\(tag)")), observe: { try? await $0.family("F-AM-\(tag)") })
        },
        Route("PATCH", "/families/{reference}", needs: .anyStaff, success: 200) { f, tag in
            let family = try await f.family(tag)
            return Request("PATCH", "/families/\(family)", json: f.json(FamilyUpdate(lowIncomeUntil: f.today.adding(days: 500))),
                           observe: { try? await $0.family(family) })
        },
        Route("POST", "/families/{reference}/status", needs: .anyStaff, success: 200) { f, tag in
            let family = try await f.family(tag)
            return Request("POST", "/families/\(family)/status", json: f.json(FamilyStatusRequest(status: .suspended)),
                           observe: { try? await $0.family(family) })
        },

        // Rules
        Route("PUT", "/rules", needs: .admin, success: 200) { f, _ in
            Request("PUT", "/rules", json: f.json(f.rule()))
        },
        Route("DELETE", "/rules/{id}", needs: .admin, success: 204) { f, _ in
            let rule = try await f.client.setRule(f.rule())
            return Request("DELETE", "/rules/\(rule.id)")
        },

        // Loans
        Route("POST", "/loans", needs: .circulation, success: 201) { f, tag in
            let family = try await f.family(tag), unit = try await f.unit(tag)
            return Request("POST", "/loans", json: f.json(CheckoutRequest(family: family, unit: unit, centre: f.centre)),
                           headers: ["Idempotency-Key: am-\(tag)"], observe: { try? await $0.unit(unit) })
        },
        Route("POST", "/loans", variant: "backdated", needs: .admin, success: 201) { f, tag in
            let family = try await f.family(tag), unit = try await f.unit(tag)
            let request = CheckoutRequest(family: family, unit: unit, centre: f.centre, issuedAt: Date().addingTimeInterval(-2 * 86_400))
            return Request("POST", "/loans", json: f.json(request), observe: { try? await $0.unit(unit) })
        },
        Route("POST", "/loans/{id}/renew", needs: .circulation, success: 200) { f, tag in
            let loan = try await f.loan(tag)
            return Request("POST", "/loans/\(loan)/renew", observe: { try? await $0.loan(loan) })
        },
        Route("POST", "/loans/{id}/lost", needs: .circulation, success: 200) { f, tag in
            let loan = try await f.loan(tag)
            return Request("POST", "/loans/\(loan)/lost", json: f.json(NoteRequest(note: "не вернули")), observe: { try? await $0.loan(loan) })
        },
        Route("POST", "/returns", needs: .circulation, success: 200) { f, tag in
            let loan = try await f.client.loan(try await f.loan(tag))
            return Request("POST", "/returns", json: f.json(ReturnRequest(unit: loan.inventoryNumber, centre: f.centre, condition: .good)),
                           observe: { try? await $0.loan(loan.id) })
        },

        // Reservations (ironing boards, so that no waiting list blocks the wardrobe renewals above)
        Route("POST", "/reservations", needs: .circulation, success: 201) { f, tag in
            let family = try await f.family(tag)
            return Request("POST", "/reservations", json: f.json(ReservationRequest(family: family, itemType: "ironing-board", centre: f.centre)))
        },
        Route("DELETE", "/reservations/{id}", needs: .circulation, success: 204) { f, tag in
            let family = try await f.family(tag)
            let reservation = try await f.client.reserve(ReservationRequest(family: family, itemType: "ironing-board", centre: f.centre))
            return Request("DELETE", "/reservations/\(reservation.id)")
        },

        // Holds, transfers and recalls (wardrobes: a fresh unit, then a fresh family's reservation holds it)
        Route("DELETE", "/holds/{id}", needs: .circulation, success: 200) { f, tag in
            let unit = try await f.unit(tag)
            let reservation = try await f.client.reserve(ReservationRequest(family: try await f.family(tag), itemType: "wardrobe",
                                                                            centre: f.centre))
            return Request("DELETE", "/holds/\(reservation.id)", observe: { try? await $0.unit(unit) })
        },
        Route("POST", "/units/{inventoryNumber}/send", needs: .circulation, success: 200) { f, tag in
            let unit = try await f.unit(tag)
            return Request("POST", "/units/\(unit)/send", json: f.json(SendRequest(centre: "isilkul")),
                           observe: { try? await $0.unit(unit) })
        },
        Route("POST", "/units/{inventoryNumber}/receive", needs: .circulation, success: 200) { f, tag in
            let unit = try await f.client.addUnit(NewUnit(inventoryNumber: "AM-T-\(tag)", itemType: "wardrobe",
                                                          centre: "isilkul")).inventoryNumber
            _ = try await f.client.send(unit: unit, SendRequest(centre: f.centre))
            return Request("POST", "/units/\(unit)/receive", observe: { try? await $0.unit(unit) })
        },
        Route("POST", "/recalls", needs: .admin, success: 201) { f, tag in
            let type = try await f.client.addItemType(ItemType(code: "am-rr-\(tag)", name: "Отзыв \(tag)", category: .other,
                                                               sanitiseAfterReturn: false)).code
            return Request("POST", "/recalls", json: f.json(RecallRunRequest(itemType: type, note: "проверка")),
                           observe: { try? await $0.itemType(type) })
        },
        Route("POST", "/recalls/{code}/lift", needs: .admin, success: 200) { f, tag in
            let type = try await f.client.addItemType(ItemType(code: "am-rl-\(tag)", name: "Отзыв \(tag)", category: .other,
                                                               sanitiseAfterReturn: false)).code
            _ = try await f.client.recall(RecallRunRequest(itemType: type))
            return Request("POST", "/recalls/\(type)/lift", observe: { try? await $0.itemType(type) })
        },

        // Administration
        Route("POST", "/notices/scan", needs: .admin, success: 200, audited: false) { f, _ in
            Request("POST", "/notices/scan?centre=\(f.centre)")
        },
        Route("POST", "/backups", needs: .admin, success: 201) { f, tag in
            Request("POST", "/backups", json: f.json(BackupRequest(name: "am-\(tag).sqlite")),
                    mustNotExist: [f.stateDirectory + "/backups/am-\(tag).sqlite"])
        },
    ]

    @Test("the matrix covers every mutating route of the route table, with the table's role and status")
    func tableIsComplete() async throws {
        let table = try await RouteEntry.load().filter(\.mutating)
        let routed = Set(table.map { Self.normalised($0.key) })
        let covered = Set(Self.routes.map(\.key))
        #expect(table.count >= 20, "rentald --routes was read: \(routed.sorted())")
        #expect(routed.subtracting(covered).isEmpty, "mutating routes not in the matrix: \(routed.subtracting(covered).sorted())")
        #expect(covered.subtracting(routed).isEmpty, "matrix rows for no route: \(covered.subtracting(routed).sorted())")
        for entry in table {
            for row in Self.routes where row.key == Self.normalised(entry.key) && row.variant == nil {
                #expect(row.needs.access == entry.access, "\(entry.key): the matrix expects \(row.needs.access), the table says \(entry.access)")
                #expect(row.success == entry.success, "\(entry.key): the matrix expects \(row.success), the table says \(entry.success)")
            }
        }
    }

    @Test("every mutating route × root, the daemon's user, staff here and elsewhere, read-only, no role, no socket access")
    func everyCell() async throws {
        let harness = try DaemonHarness(config: Self.config)
        let daemon = try await UserDaemon.start(harness, as: Self.daemonUser, groups: [Self.socketGroup.gid])
        let fixture = Fixture(client: harness.client, stateDirectory: harness.stateDirectory)
        var audit = try await AuditCursor(harness.client)
        let socket = try FileManager.default.attributesOfItem(atPath: harness.socketPath)
        #expect((socket[.posixPermissions] as? Int) == 0o660)
        #expect((socket[.ownerAccountID] as? Int) == Self.daemonUser.uid)
        #expect((socket[.groupOwnerAccountID] as? Int) == Self.socketGroup.gid)

        var cells = 0
        for (routeIndex, route) in Self.routes.enumerated() {
            for (callerIndex, caller) in Self.callers.enumerated() {
                let tag = "r\(routeIndex)c\(callerIndex)"
                let cell = "\(route.key)\(route.variant.map { " (\($0))" } ?? "") as \(caller.label)"
                let request = try await route.prepare(fixture, tag)
                try await audit.catchUp()
                let allowed = caller.kind.may(route.needs)
                let before = allowed ? nil : try await Snapshot(harness.client, observe: request.observe)
                let (status, body) = try await Self.curl(harness, as: caller, request)
                cells += 1
                if allowed {
                    #expect(status == route.success, "\(cell): \(status) \(body)")
                    if route.audited {
                        let events = try await audit.catchUp()
                        #expect(!events.isEmpty, "\(cell): no audit event")
                        #expect(events.allSatisfy { $0.actor == caller.user }, "\(cell): audit names \(Set(events.map(\.actor)))")
                    }
                    continue
                }
                if caller.kind == .outsider {
                    #expect(status == 0, "\(cell): must not connect at all, got \(status) \(body)")
                } else {
                    #expect(status == 403, "\(cell): \(status) \(body)")
                    let problem = try? RentalJSON.decoder().decode(Problem.self, from: Data(body.utf8))
                    #expect(problem?.code == RentalError.Code.forbidden.rawValue, "\(cell): \(body)")
                }
                #expect(try await audit.catchUp().isEmpty, "\(cell): a refused request left an audit event")
                let changes = try await Snapshot(harness.client, observe: request.observe).changes(since: try #require(before))
                #expect(changes.isEmpty, "\(cell): a refused request changed the store")
                for path in request.mustNotExist {
                    #expect(!FileManager.default.fileExists(atPath: path), "\(cell): \(path) was written")
                }
            }
        }
        #expect(cells == Self.routes.count * Self.callers.count)
        // The whole trail is intact and holds exactly the events seen along the way.
        let verification = try await harness.client.verifyAudit()
        #expect(verification.firstBroken == nil)
        #expect(Int64(verification.checked) == audit.last)
        #expect(try await daemon.stop() == 0, "rentald stops cleanly: \(harness.log)")
    }

    // MARK: Calling the daemon as another user

    /// curl as `caller` (through `setpriv`, with the socket's group as its only supplementary group, or
    /// none for the outsider): the HTTP status (0 when it could not connect) and the body.
    static func curl(_ harness: DaemonHarness, as caller: Caller, _ request: Request) async throws -> (status: Int, body: String) {
        var command = ["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "--unix-socket", harness.socketPath, "-X", request.method]
        for header in request.headers { command += ["-H", header] }
        if let json = request.json { command += ["-H", "content-type: application/json", "--data-binary", json] }
        command.append("http://localhost\(RentalAPI.basePath)\(request.path)")
        if let uid = caller.uid {
            command = ["setpriv", "--reuid=\(uid)", "--regid=\(caller.gid)",
                       caller.inSocketGroup ? "--groups=\(socketGroup.gid)" : "--clear-groups", "--"] + command
        }
        let output = harness.directory.appendingPathComponent("curl-\(UUID().uuidString.prefix(8)).out").path
        let child = try Spawn(command, outputPath: output)
        await child.wait()
        let lines = child.output.split(separator: "\n", omittingEmptySubsequences: false)
        try? FileManager.default.removeItem(atPath: output)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    // MARK: Reading the route lists

    /// `{code}` and `:code` both become `{}`.
    static func normalised(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") || segment.hasPrefix("{") ? "{}" : String(segment)
        }.joined(separator: "/")
    }
}

extension AccessMatrixTests {
    /// A kind of caller, and the Unix identity that plays it.
    struct Caller: Sendable {
        enum Kind: Sendable {
            case admin, staffHere, staffOther, readOnly, noRole, outsider

            /// Whether this kind may do an operation that needs `needs` at ryabinushka.
            func may(_ needs: Route.Needs) -> Bool {
                switch (self, needs) {
                case (.admin, _): true
                case (.staffHere, .circulation), (.staffHere, .anyStaff), (.staffOther, .anyStaff): true
                default: false
                }
            }
        }

        let label: String
        /// The user name the daemon resolves (and the audit records).
        let user: String
        /// nil: curl runs as root, unchanged.
        let uid: Int?
        let gid: Int
        /// Whether the process carries the socket's group (so that it can open the socket).
        let inSocketGroup: Bool
        let kind: Kind
    }

    /// One row of the table.
    struct Route: Sendable {
        enum Needs: Sendable {
            /// Admin only.
            case admin
            /// Admin or staff of the centre concerned.
            case circulation
            /// Admin or staff of any centre (families).
            case anyStaff

            /// The route table's name for it.
            var access: String {
                switch self {
                case .admin: "admin"
                case .circulation: "circulation"
                case .anyStaff: "write"
                }
            }
        }

        let method: String
        /// The OpenAPI path under `/v1`.
        let template: String
        let variant: String?
        let needs: Needs
        /// The status an allowed caller gets.
        let success: Int
        /// Whether a successful call writes an audit event.
        let audited: Bool
        /// Builds a valid request for one cell, creating what it needs as root.
        let prepare: @Sendable (Fixture, String) async throws -> Request

        init(_ method: String, _ template: String, variant: String? = nil, needs: Needs, success: Int, audited: Bool = true,
             prepare: @escaping @Sendable (Fixture, String) async throws -> Request) {
            self.method = method
            self.template = template
            self.variant = variant
            self.needs = needs
            self.success = success
            self.audited = audited
            self.prepare = prepare
        }

        var key: String { "\(method) \(AccessMatrixTests.normalised(RentalAPI.basePath + template))" }
    }

    /// What one cell sends, and what must not change when it is refused.
    struct Request: Sendable {
        var method: String
        /// Under `/v1`, with the query.
        var path: String
        var json: String?
        var headers: [String]
        /// Reads the target as root (compared before and after a refused request).
        var observe: @Sendable (RentalClient) async -> (any Hashable & Sendable)?
        /// Files that a refused request must not create.
        var mustNotExist: [String]

        init(_ method: String, _ path: String, json: String? = nil, headers: [String] = [],
             observe: @escaping @Sendable (RentalClient) async -> (any Hashable & Sendable)? = { _ in nil },
             mustNotExist: [String] = []) {
            self.method = method
            self.path = path
            self.json = json
            self.headers = headers
            self.observe = observe
            self.mustNotExist = mustNotExist
        }
    }

    /// Creates, as root, the families, units and loans the cells act on.
    struct Fixture: Sendable {
        let client: RentalClient
        let stateDirectory: String
        let centre = "ryabinushka"
        let today = LocalDate(Date(), in: TimeZone(identifier: "Asia/Omsk") ?? .gmt)

        func json<T: Encodable>(_ value: T) -> String {
            String(decoding: (try? RentalJSON.encoder().encode(value)) ?? Data(), as: UTF8.self)
        }

        /// An active family with consent and low-income status for a year, no children.
        func newFamily(_ reference: String) -> Family {
            Family(reference: reference, contactSurname: "Проверкина", contactGivenNames: "Анна", phone: "+7 900 000-00-00",
                   address: "ул. Тестовая, 1", lowIncomeUntil: today.adding(days: 365), consentOn: today.adding(days: -1), children: [])
        }

        func family(_ tag: String) async throws -> String {
            try await client.registerFamily(newFamily("F-AM-\(tag)")).reference
        }

        /// An available wardrobe at ryabinushka.
        func unit(_ tag: String) async throws -> String {
            try await client.addUnit(NewUnit(inventoryNumber: "AM-\(tag)", itemType: "wardrobe", centre: centre)).inventoryNumber
        }

        /// An open loan at ryabinushka; its id.
        func loan(_ tag: String) async throws -> Int64 {
            try await client.checkout(CheckoutRequest(family: try await family(tag), unit: try await unit(tag), centre: centre)).id
        }

        /// A closure two years ahead, one day per cell.
        func closure(_ tag: String) throws -> ClosureRequest {
            let day = try #require(LocalDate(year: today.year + 2, month: 3, day: 1)).adding(days: tag.unicodeScalars.reduce(0) { $0 + Int($1.value) } % 300)
            return ClosureRequest(firstDay: day, lastDay: day, kind: .other, note: "учёт")
        }

        /// A rule for one scope that no cell's checkout uses.
        func rule() -> LoanRule {
            LoanRule(scope: RuleScope(centre: centre, category: .other), period: .days(10), renewalsAllowed: 1)
        }
    }

    /// What a refused request must leave as it was: the whole catalogue, centres with their calendars,
    /// rules, stock by status, ryabinushka's loans, notices and waiting list, and the cell's own target
    /// (compared as values: sets and dictionaries have no stable order in JSON).
    struct Snapshot {
        static let parts = ["centres", "catalogue", "rules", "stock", "loans at ryabinushka", "notices", "waiting list", "the target"]
        let values: [AnyHashable]

        /// The names of the parts that differ.
        func changes(since earlier: Snapshot) -> [String] {
            guard values.count == earlier.values.count else { return ["the target"] }
            return zip(values, earlier.values).enumerated().filter { $0.element.0 != $0.element.1 }.map { Self.parts[$0.offset] }
        }

        init(_ client: RentalClient, observe: @Sendable (RentalClient) async -> (any Hashable & Sendable)?) async throws {
            var values: [AnyHashable] = [
                try await client.centres(),
                try await client.itemTypes(),
                try await client.rules(),
                try await client.stock(),
                try await client.loans(LoanFilter(centre: "ryabinushka", openOnly: false, limit: 1000)).items,
                try await client.notices(limit: 1000).items,
                try await client.reservations(itemType: "ironing-board", centre: "ryabinushka"),
            ]
            if let target = await observe(client) { values.append(AnyHashable(target)) }
            self.values = values
        }
    }

    /// Follows the audit trail: the events appended since the last look.
    struct AuditCursor {
        let client: RentalClient
        private(set) var last: Int64 = 0

        init(_ client: RentalClient) async throws {
            self.client = client
            _ = try await catchUp()
        }

        @discardableResult
        mutating func catchUp() async throws -> [AuditEvent] {
            var events: [AuditEvent] = []
            while true {
                let page = try await client.audit(since: last, limit: 1000).items
                events += page
                last = page.last?.sequence ?? last
                if page.count < 1000 { return events }
            }
        }
    }
}

extension AccessMatrixTests {
    /// `rentald` run as another Unix user through `setpriv`, with the harness's directories, config and log.
    final class UserDaemon: @unchecked Sendable {
        private var process: Spawn?

        private init(_ process: Spawn) { self.process = process }

        deinit {
            if let process, process.exitStatus == nil {
                kill(process.pid, SIGKILL)
                var status: Int32 = 0
                waitpid(process.pid, &status, 0)
            }
        }

        /// Gives the harness's directory to `user` and starts the daemon with demo data and the harness's
        /// config; returns once it answers `/v1/health`.
        static func start(_ harness: DaemonHarness, as user: (uid: Int, gid: Int, name: String), groups: [Int]) async throws -> UserDaemon {
            guard chown(harness.directory.path, uid_t(user.uid), gid_t(user.gid)) == 0 else {
                throw HarnessError("cannot give \(harness.directory.path) to \(user.name)")
            }
            let command = ["setpriv", "--reuid=\(user.uid)", "--regid=\(user.gid)",
                           "--groups=\(groups.map(String.init).joined(separator: ","))", "--",
                           DaemonHarness.binary, "--state-dir", harness.stateDirectory, "--socket", harness.socketPath,
                           "--config", harness.configPath, "--demo"]
            let daemon = UserDaemon(try Spawn(command, outputPath: harness.logPath))
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                if daemon.process?.exitStatus != nil { throw HarnessError("rentald exited at start: \(harness.log)") }
                if (try? await RentalClient(socketPath: harness.socketPath, timeout: .seconds(5)).health()) != nil { return daemon }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw HarnessError("rentald did not answer within 60 s: \(harness.log)")
        }

        /// SIGTERM, then its exit status.
        func stop() async throws -> Int32 {
            guard let process else { return -1 }
            kill(process.pid, SIGTERM)
            let status = await process.wait(seconds: 30)
            self.process = nil
            return status
        }
    }
}
