import Foundation
import Testing
import RentalProtocol

/// The built `rentalctl` binary against a real daemon.
@Suite("rentalctl end to end")
struct CLITests {
    static let binary = DaemonHarness.binary.replacingOccurrences(of: "/rentald", with: "/rentalctl")

    /// Runs rentalctl with `arguments` in `language`; returns exit status and combined output.
    func ctl(_ daemon: DaemonHarness?, _ arguments: [String], language: String = "C.UTF-8", centre: String? = "ryabinushka",
             socket: String? = nil, extra: [String: String] = [:]) async throws -> (status: Int32, output: String) {
        var environment = ["PATH": "/usr/bin:/bin", "LANG": language, "COLUMNS": "100", "NO_COLOR": "1"].merging(extra) { $1 }
        environment["RENTALD_SOCKET"] = socket ?? daemon?.socketPath ?? "/tmp/rentald-missing-\(UUID().uuidString).sock"
        if let centre { environment["RENTAL_CENTRE"] = centre }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("rentalctl-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try Spawn([Self.binary] + arguments, environment: environment, outputPath: output)
        let status = await child.wait()
        return (status, child.output)
    }

    @Test("rentalctl links FoundationEssentials only: no full Foundation, no ICU (start-up time and memory)")
    func linksNoICU() async throws {
        let libraries = try await Spawn.run(["/usr/bin/ldd", Self.binary])
        #expect(libraries.contains("libFoundationEssentials"), "\(libraries)")
        for heavy in ["libFoundation.so", "libFoundationInternationalization", "lib_FoundationICU", "libicu"] {
            #expect(!libraries.contains(heavy), "rentalctl links \(heavy): some rentalctl file imports Foundation, or a target it uses does")
        }
    }

    @Test("a day at the centre: register, two checkouts, a refusal, a damaged return, a renewal, the overdue list")
    func staffDay() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let register = try await ctl(daemon, ["families", "add", "--reference", "F-DAY-1", "--surname", "Белова",
                                              "--given-names", "Ольга Ивановна", "--phone", "+7 913 111-22-33",
                                              "--low-income-until", "31.12.2027", "--consent", "2026-11-01", "--child", "2026-08-15"])
        #expect(register.status == 0, "\(register.output)")
        #expect(register.output.contains("Registered family F-DAY-1"))
        let found = try await ctl(daemon, ["families", "find", "белов"])
        #expect(found.output.contains("F-DAY-1"))

        let cots = try await daemon.client.units(centre: "ryabinushka", itemType: "cot", status: .available).items.map(\.inventoryNumber)
        let kettles = try await daemon.client.units(centre: "ryabinushka", itemType: "kettle", status: .available).items.map(\.inventoryNumber)
        let cot = try await ctl(daemon, ["checkout", "--family", "F-DAY-1", "--unit", cots[0]])
        #expect(cot.status == 0, "\(cot.output)")
        #expect(cot.output.contains("(Кроватка детская) to family F-DAY-1, due "), "the item type by its name: \(cot.output)")
        let kettleJSON = try await ctl(daemon, ["checkout", "--family", "F-DAY-1", "--unit", kettles[0], "--json"])
        #expect(kettleJSON.status == 0)
        let kettleLoan = try RentalJSON.decoder().decode(Loan.self, from: Data(kettleJSON.output.utf8))
        #expect(kettleLoan.family == "F-DAY-1")
        #expect(kettleLoan.itemType == "kettle")

        // A second cot: the demo rule allows it, but not the same unit; the refusal explains and exits 65.
        let again = try await ctl(daemon, ["checkout", "--family", "F-DAY-1", "--unit", cots[0]])
        #expect(again.status == 65)
        #expect(again.output.contains("This unit cannot be lent right now."))
        let againRussian = try await ctl(daemon, ["checkout", "--family", "F-DAY-1", "--unit", cots[0]], language: "ru_RU.UTF-8")
        #expect(againRussian.output.contains("Эту вещь сейчас выдать нельзя."))

        let returned = try await ctl(daemon, ["return", kettles[0], "--condition", "damaged", "--note", "не греет"])
        #expect(returned.status == 0, "\(returned.output)")
        #expect(returned.output.contains("the unit goes to: in repair"))
        let cotLoan = try #require(try await daemon.client.loans(LoanFilter(family: "F-DAY-1")).items.first)
        let renewed = try await ctl(daemon, ["renew", "\(cotLoan.id)"], language: "ru_RU.UTF-8")
        #expect(renewed.status == 0)
        #expect(renewed.output.contains("продлена до"))

        let overdue = try await ctl(daemon, ["loans", "--overdue", "--json"])
        let page = try RentalJSON.decoder().decode(Page<Loan>.self, from: Data(overdue.output.utf8))
        #expect(!page.items.isEmpty)
        #expect(page.items.allSatisfy { $0.state == .open })
        let table = try await ctl(daemon, ["loans", "--overdue"], language: "ru_RU.UTF-8")
        #expect(table.output.hasPrefix("ВЫДАЧА  ВЕЩЬ"))
        try await daemon.stop()
    }

    @Test("exit statuses tell the failure classes apart")
    func exitStatuses() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        #expect(try await ctl(daemon, ["status"]).status == 0)
        // --socket before the subcommand, as after it; after it wins.
        let missing = "/tmp/rentald-missing-\(UUID().uuidString).sock"
        #expect(try await ctl(nil, ["--socket", daemon.socketPath, "status"]).status == 0)
        #expect(try await ctl(daemon, ["--socket", missing, "status"]).status == 69)
        #expect(try await ctl(nil, ["--socket", missing, "status", "--socket", daemon.socketPath]).status == 0)
        #expect(try await ctl(daemon, ["checkout", "--family", "F-2026-0001"]).status == 64, "usage")
        #expect(try await ctl(daemon, ["checkout", "--family", "F-2026-0001", "--unit", "x"], centre: nil).status == 64, "no centre")
        #expect(try await ctl(daemon, ["loans", "--due-before", "2026-02-30"]).status == 64, "bad date")
        #expect(try await ctl(daemon, ["families", "show", "F-NOPE"]).status == 66, "not found")
        let suspended = try await ctl(daemon, ["families", "suspend", "F-2026-0005"])
        #expect(suspended.status == 0)
        let refused = try await ctl(daemon, ["checkout", "--family", "F-2026-0005", "--unit", "ШКФ-1-2"])
        #expect(refused.status == 65, "\(refused.output)")
        #expect(refused.output.contains("suspended"))
        try await daemon.stop()
        let down = try await ctl(nil, ["status"])
        #expect(down.status == 69)
        #expect(down.output.contains("systemctl start rentald.socket"))
        let downRussian = try await ctl(nil, ["status"], language: "ru_RU.UTF-8")
        #expect(downRussian.output.contains("Служба проката недоступна."))
    }

    @Test func administratorCommands() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let added = try await ctl(daemon, ["catalogue", "add", "sling", "--name", "Слинг", "--category", "infant", "--infant-months", "12"])
        #expect(added.status == 0, "\(added.output)")
        let type = try await daemon.client.itemType("sling")
        #expect(type.sanitiseAfterReturn)
        let rule = try await ctl(daemon, ["rules", "set", "--type", "sling", "--period", "45d", "--renewals", "1", "--json"])
        #expect(rule.status == 0, "\(rule.output)")
        let stored = try RentalJSON.decoder().decode(LoanRule.self, from: Data(rule.output.utf8))
        #expect(stored.period == .days(45))
        #expect(try await daemon.client.effectiveRule(centre: "cherlak", itemType: "sling").id == stored.id)
        #expect(try await ctl(daemon, ["rules", "set", "--period", "3x"]).status == 64)
        let closed = try await ctl(daemon, ["centres", "close-day", "2027-03-08", "--kind", "holiday", "--shift-due-dates"])
        #expect(closed.status == 0, "\(closed.output)")
        #expect(try await daemon.client.centre("ryabinushka").closures.contains { $0.firstDay == LocalDate(year: 2027, month: 3, day: 8) })
        try await daemon.stop()
    }

    @Test("audit list shows each event's time on the caller's clock (TZ), naming the zone; --json keeps UTC")
    func auditTimesLocal() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let json = try await ctl(daemon, ["audit", "list", "--limit", "3", "--json"])
        let events = try RentalJSON.decoder().decode(Page<AuditEvent>.self, from: Data(json.output.utf8)).items
        #expect(events.count == 3, "\(json.output)")
        let table = try await ctl(daemon, ["audit", "list", "--limit", "3"], language: "ru_RU.UTF-8", extra: ["TZ": "Asia/Omsk"])
        #expect(table.status == 0, "\(table.output)")
        #expect(table.output.contains("КОГДА (Asia/Omsk)"), "\(table.output)")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "Asia/Omsk"))
        for event in events {
            let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: event.at)
            let shown = String(format: "%02d.%02d.%04d %02d:%02d:%02d", p.day ?? 0, p.month ?? 0, p.year ?? 0, p.hour ?? 0, p.minute ?? 0, p.second ?? 0)
            #expect(table.output.contains(shown), "event \(event.sequence) at \(event.at) should show as \(shown): \(table.output)")
        }
        try await daemon.stop()
    }

    @Test("close-day --shift-due-dates: when the second request fails, it says the closure is recorded and the due dates are not moved")
    func closeDayPartialFailure() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let loan = try #require(try await daemon.client.loans(LoanFilter(centre: "ryabinushka")).items.first)
        // A year closed from the loan's due date, then close-day for the year after it: the loan has no open
        // day within the calendar's horizon, so moving the due dates fails after the closure was recorded.
        let first = loan.dueDate, second = loan.dueDate.adding(days: 366)
        _ = try await daemon.client.addClosure(ClosureRequest(firstDay: first, lastDay: first.adding(days: 365), kind: .other, note: nil),
                                               centre: "ryabinushka")
        let run = try await ctl(daemon, ["centres", "close-day", second.description, "--through", second.adding(days: 300).description,
                                         "--kind", "other", "--shift-due-dates"], language: "ru_RU.UTF-8")
        #expect(run.status != 0, "\(run.output)")
        #expect(run.output.contains("rentalctl: сделано: ryabinushka закрыт"), "\(run.output)")
        #expect(run.output.contains("rentalctl: не сделано: сроки не перенесены")
                && run.output.contains("rentalctl centres shift-due-dates --centre ryabinushka"), "\(run.output)")
        // What it says is what happened: the closure is there, the loan's due date is where it was.
        #expect(try await daemon.client.centre("ryabinushka").closures.contains { $0.firstDay == second })
        #expect(try await daemon.client.loan(loan.id).dueDate == loan.dueDate)
        let english = try await ctl(daemon, ["centres", "close-day", second.adding(days: 301).description, "--kind", "other", "--shift-due-dates"])
        #expect(english.output.contains("rentalctl: done: ryabinushka is closed") && english.output.contains("rentalctl: not done: no due dates were moved"),
                "\(english.output)")
        try await daemon.stop()
    }

    @Test("tables name centres and item types; --codes and --json keep the codes")
    func namesInTables() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let russian = try await ctl(daemon, ["stock", "--centre", "ryabinushka"], language: "ru_RU.UTF-8")
        #expect(russian.status == 0)
        #expect(russian.output.hasPrefix("ЦЕНТР"), "\(russian.output)")
        #expect(russian.output.contains("Рябинушка") && russian.output.contains("Кроватка детская"), "\(russian.output)")
        #expect(!russian.output.contains("ryabinushka") && !russian.output.contains("cot "), "\(russian.output)")
        let codes = try await ctl(daemon, ["stock", "--centre", "ryabinushka", "--codes"])
        #expect(codes.output.contains("ryabinushka") && codes.output.contains("cot "), "\(codes.output)")
        let units = try await ctl(daemon, ["units", "list", "--type", "cot"])
        #expect(units.output.contains("Кроватка детская") && units.output.contains("Большереченский"), "\(units.output)")
        let loans = try await ctl(daemon, ["loans", "--overdue", "--json"])
        #expect(loans.output.contains("\"itemType\"") && !loans.output.contains("Чайник"), "--json keeps the codes")
        try await daemon.stop()
    }

    @Test("families show: the desk's card, found by reference or phone, with what the family may take and why not")
    func familyCard() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let card = try await ctl(daemon, ["families", "show", "+7 900 000-00-11"], language: "ru_RU.UTF-8")
        #expect(card.status == 0, "\(card.output)")
        #expect(card.output.hasPrefix("F-2026-0001"), "\(card.output)")
        #expect(card.output.contains("ПРОСРОЧЕНА на") && card.output.contains("Что можно взять сегодня — Рябинушка"), "\(card.output)")
        #expect(card.output.contains("У семьи есть просроченная вещь"), "\(card.output)")
        let json = try await ctl(daemon, ["families", "show", "F-2026-0001", "--json"])
        let decoded = try RentalJSON.decoder().decode(FamilyCard.self, from: Data(json.output.utf8))
        #expect(decoded.eligibility.count == (try await daemon.client.itemTypes()).count)
        #expect(decoded.openLoans.contains { $0.daysOverdue > 0 })
        let noCentre = try await ctl(daemon, ["families", "show", "F-2026-0001"], centre: nil)
        #expect(noCentre.status == 0 && noCentre.output.contains("name a centre"), "\(noCentre.output)")
        let none = try await ctl(daemon, ["families", "show", "нет-такой-семьи"])
        #expect(none.status == 66, "\(none.output)")
        try await daemon.stop()
    }

    @Test("--help of the main commands matches the snapshots", arguments: [
        "rentalctl", "checkout", "return", "loans", "stock", "families-add",
    ])
    func helpSnapshots(command: String) async throws {
        let arguments = command == "rentalctl" ? ["--help"] : command.split(separator: "-").map(String.init) + ["--help"]
        let help = try await ctl(nil, arguments)
        #expect(help.status == 0)
        let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
        let file = snapshots.appendingPathComponent("help-\(command).txt")
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: snapshots, withIntermediateDirectories: true)
            try help.output.write(to: file, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(help.output == expected, "re-record with RECORD_SNAPSHOTS=1 after a deliberate change")
    }
}
