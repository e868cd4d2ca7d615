import Foundation
import Testing
import RentalClient
import RentalProtocol

/// The real daemon on a temporary socket, driven through RentalClient: every endpoint's success path and
/// its typical refusals.
@Suite("rentald API end to end")
struct APITests {
    @Test func healthAndReadEndpoints() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        let health = try await client.health()
        #expect(health.status == "ok")
        #expect(health.apiVersion == 1)
        #expect(health.role == "admin")
        #expect(health.summary?.centres == 10)
        #expect((health.summary?.overdueLoans ?? 0) > 0)

        let centres = try await client.centres()
        #expect(centres.map(\.name).contains("Рябинушка"))
        #expect(try await client.centre("ryabinushka").timeZone == "Asia/Omsk")
        #expect(try await client.itemTypes().contains { $0.code == "cot" && $0.category == .infant })
        #expect(try await client.itemType("kettle").safetyCheckDays == 365)
        let stock = try await client.stock(centre: "ryabinushka")
        #expect(!stock.isEmpty && stock.allSatisfy { $0.centre == "ryabinushka" })
        let availability = try await client.availability(of: "cot", at: "ryabinushka")
        #expect(availability.byCentre.count > 1)
        let page = try await client.units(centre: "isilkul", limit: 5)
        #expect(page.items.count == 5)
        let next = try await client.units(centre: "isilkul", after: page.next, limit: 5)
        #expect(Set(next.items.map(\.inventoryNumber)).isDisjoint(with: page.items.map(\.inventoryNumber)))
        #expect(try await client.unit(page.items[0].inventoryNumber) == page.items[0])
        #expect(try await client.rules().count == 3)
        #expect(try await client.effectiveRule(centre: "cherlak", itemType: "cot").period == .months(6))
        let overdue = try await client.loans(LoanFilter(overdueOnly: true))
        #expect(overdue.items.count == health.summary?.overdueLoans)
        let audit = try await client.audit(limit: 10)
        #expect(audit.items.count == 10)
        #expect(audit.next == "10")
        let chain = try await client.verifyAudit()
        #expect(chain.firstBroken == nil)
        #expect(chain.checked > 300)
        try await daemon.stop()
    }

    @Test("a staff day: register, check out, refuse, return, renew, lose — all through the socket")
    func circulation() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        let family = try await client.registerFamily(Family(
            reference: "F-TEST-1", contactSurname: "Тестова", contactGivenNames: "Анна", phone: "+7 913 555-00-01",
            address: "Омск", lowIncomeUntil: LocalDate(year: 2030, month: 1, day: 1)!, consentOn: LocalDate(year: 2026, month: 1, day: 1)!,
            children: [Child(birthDate: LocalDate(year: 2026, month: 9, day: 1)!)]))
        #expect(family.reference == "F-TEST-1")
        #expect(try await client.findFamilies("тестов").map(\.reference) == ["F-TEST-1"])

        let cots = try await client.units(centre: "ryabinushka", itemType: "cot", status: .available).items
        let kettles = try await client.units(centre: "ryabinushka", itemType: "kettle", status: .available).items
        let cot = try #require(cots.first).inventoryNumber
        let secondCot = try #require(cots.dropFirst().first).inventoryNumber
        let kettle = try #require(kettles.first).inventoryNumber

        let request = CheckoutRequest(family: "F-TEST-1", unit: cot, centre: "ryabinushka")
        let loan = try await client.checkout(request, idempotencyKey: "day-1")
        let replay = try await client.checkout(request, idempotencyKey: "day-1")
        #expect(replay == loan, "a replayed key returns the first loan")
        #expect(try await client.loans(LoanFilter(family: "F-TEST-1")).items.count == 1)
        let kettleLoan = try await client.checkout(CheckoutRequest(family: "F-TEST-1", unit: kettle, centre: "ryabinushka"))

        // The infant rule allows 3 per category in the demo, the family-wide limit 4: a second cot is fine,
        // but the unit just lent is not available.
        let taken = try await #require(throws: RentalError.self) {
            _ = try await client.checkout(CheckoutRequest(family: "F-TEST-1", unit: cot, centre: "ryabinushka"))
        }
        #expect(taken.code == .unitNotAvailable)
        let reused = try await #require(throws: RentalError.self) {
            _ = try await client.checkout(CheckoutRequest(family: "F-TEST-1", unit: secondCot, centre: "ryabinushka"),
                                          idempotencyKey: "day-1")
        }
        #expect(reused.code == .idempotencyKeyReused)

        let receipt = try await client.returnUnit(ReturnRequest(unit: kettle, centre: "ryabinushka", condition: .damaged, note: "не греет"))
        #expect(receipt.unitStatus == .inRepair)
        #expect(receipt.loan.id == kettleLoan.id)
        let renewed = try await client.renew(loan: loan.id)
        #expect(renewed.renewals == 1)
        #expect(renewed.dueDate > loan.dueDate)
        let lost = try await client.markLost(loan: loan.id, note: "переезд")
        #expect(lost.state == .lost)
        #expect(try await client.unit(cot).status == .lost)
        let events = try await client.audit(entity: "loan", key: "\(loan.id)").items.map(\.action)
        #expect(events == ["loan.checkout", "loan.renew", "loan.lost"])
        #expect(try await client.audit(entity: "loan", key: "\(loan.id)").items.allSatisfy { $0.actor == "root" || !$0.actor.isEmpty })
        try await daemon.stop()
    }

    @Test func catalogueUnitsRulesClosuresAndReservations() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        let pram = try await client.addItemType(ItemType(code: "sling", name: "Слинг", category: .infant, sanitiseAfterReturn: true,
                                                         infantAgeLimitMonths: 12))
        #expect(pram.code == "sling")
        #expect(try await client.setRecall(RecallRequest(recalled: true, note: "проверка"), itemType: "sling").recalled)
        let unit = try await client.addUnit(NewUnit(inventoryNumber: "слг-1", itemType: "sling", centre: "cherlak"))
        #expect(unit.inventoryNumber == "СЛГ-1")
        #expect(try await client.changeUnit("СЛГ-1", UnitStatusRequest(change: .sendToRepair)).status == .inRepair)
        let missing = try await #require(throws: RentalError.self) {
            _ = try await client.changeUnit("СЛГ-1", UnitStatusRequest(change: .finishRepair))
        }
        #expect(missing.message == "condition: required for finish-repair")
        #expect(try await client.changeUnit("СЛГ-1", UnitStatusRequest(change: .finishRepair, condition: .good)).status == .available)
        let checked = try await client.recordSafetyCheck("СЛГ-1", SafetyCheckRequest(on: LocalDate(year: 2026, month: 11, day: 1)!, passed: true))
        #expect(checked.lastSafetyCheck == LocalDate(year: 2026, month: 11, day: 1))

        let rule = try await client.setRule(LoanRule(scope: RuleScope(centre: "cherlak", itemType: "sling"), period: .days(10)))
        #expect(try await client.effectiveRule(centre: "cherlak", itemType: "sling").id == rule.id)
        try await client.removeRule(rule.id)
        #expect(try await client.effectiveRule(centre: "cherlak", itemType: "sling").period == .months(6))

        let closure = try await client.addClosure(ClosureRequest(firstDay: LocalDate(year: 2027, month: 3, day: 8)!,
                                                                 lastDay: LocalDate(year: 2027, month: 3, day: 8)!, kind: .holiday),
                                                  centre: "cherlak")
        #expect(try await client.centre("cherlak").closures.contains(closure))
        try await client.removeClosure(closure.id, centre: "cherlak")
        #expect(try await client.centre("cherlak").closures.contains(closure) == false)
        _ = try await client.shiftDueDates(centre: "cherlak")
        let days = try await client.setOpenDays([.monday, .wednesday], centre: "cherlak")
        #expect(days.openDays == [.monday, .wednesday])

        let reservation = try await client.reserve(ReservationRequest(family: "F-2026-0002", itemType: "cot", centre: "cherlak"))
        #expect(try await client.reservations(itemType: "cot", centre: "cherlak").map(\.id) == [reservation.id])
        try await client.cancelReservation(reservation.id)
        #expect(try await client.reservations(itemType: "cot", centre: "cherlak").isEmpty)
        let suspended = try await client.setFamilyStatus(.suspended, family: "F-2026-0003")
        #expect(suspended.status == .suspended)
        let updated = try await client.updateFamily("F-2026-0003", FamilyUpdate(phone: "+7 913 000-11-22"))
        #expect(updated.phone == "+7 913 000-11-22")
        try await daemon.stop()
    }

    @Test func refusalsCarryTheirCodesAndStatuses() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        let notFound = try await #require(throws: RentalError.self) { _ = try await client.loan(999_999) }
        #expect(notFound.code == .loanNotFound)
        let noCentre = try await #require(throws: RentalError.self) { _ = try await client.centre("atlantis") }
        #expect(noCentre.code == .centreNotFound)
        let invalid = try await #require(throws: RentalError.self) { _ = try await client.addCentre(NewCentre(code: "BAD CODE", name: "x", region: "", timeZone: "Asia/Omsk")) }
        #expect(invalid.code == .invalidInput)

        // Raw HTTP for what the typed client never sends.
        let cases: [(String, String, String?, [String], Int, String)] = [
            ("GET", "/v1/nowhere", nil, [], 404, "route_not_found"),
            ("GET", "/elsewhere", nil, [], 404, "route_not_found"),
            ("DELETE", "/v1/health", nil, [], 405, "method_not_allowed"),
            ("GET", "/v1/loans?due-before=2026-02-30", nil, [], 422, "invalid_input"),
            ("GET", "/v1/loans?limit=0", nil, [], 422, "invalid_input"),
            ("GET", "/v1/loans?overdue=maybe", nil, [], 422, "invalid_input"),
            ("GET", "/v1/loans/abc", nil, [], 422, "invalid_input"),
            ("POST", "/v1/loans", "{not json", [], 400, "malformed_request"),
            ("POST", "/v1/loans", #"{"family":"F-2026-0001"}"#, [], 422, "invalid_input"),
            ("POST", "/v1/loans", #"{"family":1,"unit":"x","centre":"y"}"#, [], 422, "invalid_input"),
            ("POST", "/v1/families", #"{"reference":"F-X","contactSurname":"А","contactGivenNames":"","phone":"+7 913 000 00 00","address":"","lowIncomeUntil":"2026-02-30","children":[]}"#, [], 422, "invalid_input"),
        ]
        for (method, path, json, headers, status, code) in cases {
            let (got, body) = try await daemon.curl(as: nil, method, path, json: json, headers: headers)
            #expect(got == status, "\(method) \(path): \(body)")
            let problem = try? RentalJSON.decoder().decode(Problem.self, from: Data(body.utf8))
            #expect(problem?.code == code, "\(method) \(path): \(body)")
            #expect(problem?.status == status)
        }
        let noBody = try await daemon.curl(as: nil, "POST", "/v1/loans")
        #expect(noBody.status == 422)
        #expect(noBody.body.contains("a JSON body is required"))
        let (plain, plainBody) = try await daemon.curlRaw(["-X", "POST", "-H", "content-type: text/plain", "--data-binary", "hello"], "/v1/loans")
        #expect(plain == 415, "\(plainBody)")
        let (missingField, body) = try await daemon.curl(as: nil, "POST", "/v1/loans", json: #"{"family":"F-2026-0001","centre":"cherlak"}"#)
        #expect(missingField == 422)
        #expect(body.contains("unit: required"))
        try await daemon.stop()
    }

    @Test("oversized and malformed requests get a 4xx and the daemon stays up")
    func limits() async throws {
        let daemon = try DaemonHarness(config: """
            [limits]
            max_body_bytes = 4096
            """)
        try await daemon.start(useConfig: true)
        let big = String(repeating: "x", count: 10_000)
        let (status, body) = try await daemon.curl(as: nil, "POST", "/v1/families", json: #"{"reference":"\#(big)"}"#)
        #expect(status == 413, "\(body)")
        let (headerStatus, _) = try await daemon.curlRaw(["-H", "X-Big: " + String(repeating: "y", count: 40_000)], "/v1/health")
        #expect((400...431).contains(headerStatus))
        let invalidUTF8 = try rawSocket(daemon, Array("POST /v1/loans HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 4\r\n\r\n".utf8) + [0xFF, 0xFE, 0x7B, 0x7D])
        #expect(invalidUTF8.hasPrefix("HTTP/1.1 400"), "\(invalidUTF8)")
        let garbage = try rawSocket(daemon, Array("BLAH\r\n\r\n".utf8))
        #expect(garbage.hasPrefix("HTTP/1.1 400"), "\(garbage)")
        #expect(garbage.contains(#""code":"malformed_request""#), "what the codec refuses says so: \(garbage)")
        // A path typed in Cyrillic and sent as raw UTF-8 (not percent-encoded): told how to send it.
        let unencoded = try rawSocket(daemon, Array("GET /v1/units/ЧАЙ-1-1 HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(unencoded.hasPrefix("HTTP/1.1 400") && unencoded.contains("percent-encoded"), "\(unencoded)")
        #expect(unencoded.contains("application/problem+json"))
        #expect(try await daemon.client.health().status == "ok")
        try await daemon.stop()
    }

    @Test("connections over the limit get 503; a silent connection is closed after the idle timeout")
    func connectionLimits() async throws {
        let daemon = try DaemonHarness(config: """
            [limits]
            max_connections = 2
            idle_timeout_seconds = 4
            """)
        try await daemon.start(useConfig: true)
        let opened = Date()
        let first = try openSocket(daemon)
        let second = try openSocket(daemon)
        defer { close(first); close(second) }
        try await Task.sleep(for: .milliseconds(200))
        // Four seconds of idle time leave room for a loaded machine: the two silent connections are still open.
        let third = try rawSocket(daemon, Array("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(third.hasPrefix("HTTP/1.1 503"), "\(third)")
        #expect(third.contains("service_unavailable"))
        // The two silent connections are closed after the idle timeout, not before; then clients get in again.
        var byte: UInt8 = 0
        var got = read(first, &byte, 1)
        while got < 0, errno == EAGAIN || errno == EINTR, Date().timeIntervalSince(opened) < 20 { got = read(first, &byte, 1) }
        #expect(got == 0, "closed by the daemon")
        #expect(Date().timeIntervalSince(opened) >= 3.9, "not before the idle timeout")
        #expect(try await daemon.client.health().status == "ok")
        try await daemon.stop()
    }

    /// A connected socket that sends nothing.
    func openSocket(_ daemon: DaemonHarness) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(daemon.socketPath.utf8)) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect failed") }
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    @Test func unreachableDaemonSaysWhatToDo() async throws {
        let client = RentalClient(socketPath: "/tmp/no-such-rentald-\(UUID().uuidString).sock")
        let error = try await #require(throws: RentalError.self) { _ = try await client.health() }
        #expect(error.code == .daemonUnreachable)
        #expect(error.message.contains("systemctl start rentald.socket"))
    }

    /// Writes raw bytes to the socket and returns what comes back before the daemon closes or 2 s pass.
    func rawSocket(_ daemon: DaemonHarness, _ bytes: [UInt8]) throws -> String {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(daemon.socketPath.utf8)) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect failed") }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var response = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            response += buffer.prefix(count)
        }
        return String(decoding: response, as: UTF8.self)
    }
}
