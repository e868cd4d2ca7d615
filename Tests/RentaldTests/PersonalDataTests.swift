import Foundation
import GRDB
import Glibc
import Testing
import RentalClient
import RentalProtocol

/// Personal data (names, phones, addresses) never reaches the daemon's log, a problem body or rentalctl's
/// error output: a full day at the centre with distinctive families, at log level `trace`, with every kind
/// of refusal and inputs that put personal data where it does not belong.
@Suite("Personal data stays out of logs and errors")
struct PersonalDataTests {
    /// The families of the scenario: distinctive names, phones and addresses, Cyrillic and Latin.
    struct Person {
        var reference: String
        var surname: String
        var givenNames: String
        var phone: String
        var address: String
    }

    static let people = [
        Person(reference: "F-PD-1", surname: "Пржевальская", givenNames: "Анастасия Ильинична", phone: "+7 913 555-01-23",
               address: "г. Омск, ул. Красных Зорь, д. 17, кв. 42"),
        Person(reference: "F-PD-2", surname: "Featherstonehaugh", givenNames: "Winifred Ottoline", phone: "8 (913) 555-77-66",
               address: "Flat 3, 221B Quillfeather Lane"),
        Person(reference: "F-PD-3", surname: "Ясногорская", givenNames: "Мирослава", phone: "+79135559988",
               address: "с. Красноярка, ул. Береговая, 5"),
        Person(reference: "F-PD-4", surname: "Zbigniewska-Quorrell", givenNames: "Halszka", phone: "+7-913-555-44-11",
               address: "Kholodilnaya St 9, apt 14"),
        Person(reference: "F-PD-5", surname: "Чернобурова", givenNames: "Евлампия", phone: "8 913 555 30 30",
               address: "д. Верхние Ключи, 2"),
    ]
    /// Registered through rentalctl.
    static let cliPerson = Person(reference: "F-PD-6", surname: "Quillfeather-Ashdown", givenNames: "Peregrine",
                                  phone: "+7 (913) 555-66-00", address: "Ashdown Cottage, Marrowbone Row")
    /// A phone given later through PATCH.
    static let newPhone = "+7 913 555-02-46"

    /// Every string that must not appear: names, addresses and their distinctive parts, and each phone in
    /// several spellings (digits only, with +7, with 8, without the country code, the local part).
    static var needles: [String] {
        var needles: [String] = []
        for person in people + [cliPerson] {
            needles += [person.surname, person.givenNames, person.address]
            needles += person.givenNames.split(separator: " ").map(String.init)
            needles += person.address.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.count >= 8 }
            needles += spellings(person.phone)
        }
        return needles + spellings(newPhone)
    }

    static func spellings(_ phone: String) -> [String] {
        let digits = phone.filter(\.isNumber)
        let national = String(digits.dropFirst())  // 10 digits without the 7 or 8
        let local = String(national.suffix(7))
        let groups = "\(national.prefix(3)) \(national.dropFirst(3).prefix(3))-\(national.dropFirst(6).prefix(2))-\(national.suffix(2))"
        return [phone, digits, "7" + national, "+7" + national, "8" + national, national, "+7 " + groups, "8 " + groups,
                "+7 (\(national.prefix(3))) \(national.dropFirst(3).prefix(3))-\(national.dropFirst(6).prefix(2))-\(national.suffix(2))",
                local, "\(local.prefix(3))-\(local.dropFirst(3).prefix(2))-\(local.suffix(2))"]
    }

    /// The needles found in `text` (case-insensitively: lookups upper-case what they echo).
    static func leaks(in text: String) -> [String] {
        let folded = text.lowercased()
        return Array(Set(needles.filter { folded.contains($0.lowercased()) })).sorted()
    }

    static let config = """
        [daemon]
        log_level = trace
        socket_mode = 0666
        [access]
        staff.ryabinushka = user:daemon
        """
    static let staff = (uid: 1, gid: 1)

    @Test("a day with distinctive families leaves no name, phone or address in the log, the problem bodies, rentalctl's errors or the audit details")
    func scenario() async throws {
        let daemon = try DaemonHarness(config: Self.config)
        try await daemon.start(useConfig: true)
        let client = daemon.client
        var problems: [String] = []
        var statuses: [String: Int] = [:]

        /// One API call through curl; an error body is kept for the check.
        @discardableResult
        func call(_ method: String, _ path: String, json: String? = nil, as user: (uid: Int, gid: Int)? = nil,
                  expect status: Int, code: String? = nil, _ what: String) async throws -> String {
            let (got, body) = try await daemon.curl(as: user, method, path, json: json)
            #expect(got == status, "\(what): \(method) \(path) → \(got) \(body)")
            if got >= 400 {
                problems.append("\(what): \(body)")
                let problem = try? RentalJSON.decoder().decode(Problem.self, from: Data(body.utf8))
                #expect(problem != nil, "\(what): a problem body")
                if let code { #expect(problem?.code == code, "\(what): \(body)") }
                statuses[problem?.code ?? "?", default: 0] += 1
            }
            return body
        }
        func encoded(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
        }
        func familyJSON(_ person: Person, lowIncomeUntil: LocalDate, consent: LocalDate?, children: [LocalDate]) -> String {
            let family = Family(reference: person.reference, contactSurname: person.surname, contactGivenNames: person.givenNames,
                                phone: person.phone, address: person.address, lowIncomeUntil: lowIncomeUntil, consentOn: consent,
                                children: children.map { Child(birthDate: $0) })
            return String(decoding: (try? RentalJSON.encoder().encode(family)) ?? Data(), as: UTF8.self)
        }

        let today = LocalDate(Date(), in: TimeZone(identifier: "Asia/Omsk") ?? .gmt)
        let future = today.adding(months: 12)
        let baby = today.adding(days: -60)
        let consent = today.adding(days: -30)
        let (p1, p2, p3, p4, p5) = (Self.people[0], Self.people[1], Self.people[2], Self.people[3], Self.people[4])

        // Registration and changes.
        try await call("POST", "/v1/families", json: familyJSON(p1, lowIncomeUntil: future, consent: consent, children: [baby]), expect: 201, "register 1")
        try await call("POST", "/v1/families", json: familyJSON(p2, lowIncomeUntil: future, consent: consent, children: []), expect: 201, "register 2")
        try await call("POST", "/v1/families", json: familyJSON(p3, lowIncomeUntil: today.adding(days: -10), consent: consent, children: [baby]),
                       expect: 201, "register 3 (low-income status expired)")
        try await call("POST", "/v1/families", json: familyJSON(p4, lowIncomeUntil: future, consent: consent, children: [baby]), expect: 201, "register 4")
        try await call("POST", "/v1/families", json: familyJSON(p5, lowIncomeUntil: future, consent: nil, children: [baby]),
                       expect: 201, "register 5 (no consent)")
        try await call("POST", "/v1/families", json: familyJSON(p1, lowIncomeUntil: future, consent: consent, children: [baby]),
                       expect: 409, code: "already_exists", "register 1 again")
        try await call("PATCH", "/v1/families/F-PD-1", json: #"{"phone":"\#(Self.newPhone)","address":"\#(p1.address), подъезд 2"}"#,
                       expect: 200, "change phone and address")
        try await call("POST", "/v1/families/F-PD-4/status", json: #"{"status":"suspended"}"#, expect: 200, "suspend 4")

        // Lending.
        let cots = try await client.units(centre: "ryabinushka", itemType: "cot", status: .available).items.map(\.inventoryNumber)
        let kettles = try await client.units(centre: "ryabinushka", itemType: "kettle", status: .available).items.map(\.inventoryNumber)
        let wardrobes = try await client.units(centre: "ryabinushka", itemType: "wardrobe", status: .available).items.map(\.inventoryNumber)
        let vacuums = try await client.units(centre: "ryabinushka", itemType: "vacuum", status: .available).items.map(\.inventoryNumber)
        let iron = try #require(try await client.units(centre: "ryabinushka", itemType: "iron", status: .available).items.first).inventoryNumber
        let away = try #require(try await client.units(centre: "isilkul", status: .available).items.first).inventoryNumber
        try #require(cots.count >= 2 && !kettles.isEmpty && wardrobes.count >= 2 && vacuums.count >= 2)
        func checkout(_ family: String, _ unit: String, centre: String = "ryabinushka", issuedAt: String? = nil) -> String {
            #"{"family":"\#(family)","unit":"\#(unit)","centre":"\#(centre)""# + (issuedAt.map { #","issuedAt":"\#($0)""# } ?? "") + "}"
        }
        let cotLoan = try RentalJSON.decoder().decode(Loan.self, from: Data(
            try await call("POST", "/v1/loans", json: checkout("F-PD-1", cots[0]), expect: 201, "cot to 1").utf8))
        try await call("POST", "/v1/loans", json: checkout("F-PD-1", kettles[0]), expect: 201, "kettle to 1")
        let wardrobeLoan = try RentalJSON.decoder().decode(Loan.self, from: Data(
            try await call("POST", "/v1/loans", json: checkout("F-PD-2", wardrobes[0]), expect: 201, "wardrobe to 2").utf8))
        let root = getuid() == 0  // other Unix users through setpriv
        try await call("POST", "/v1/loans", json: checkout("f-pd-1", cots[1]), as: root ? Self.staff : nil, expect: 201, "second cot to 1")
        try await call("POST", "/v1/loans/\(cotLoan.id)/renew", expect: 200, "renew")
        try await call("POST", "/v1/returns", json: #"{"unit":"\#(kettles[0])","centre":"ryabinushka","condition":"damaged","note":"Пржевальская: не греет"}"#,
                       expect: 200, "damaged return")
        try await call("POST", "/v1/loans/\(wardrobeLoan.id)/lost", json: #"{"note":"Featherstonehaugh moved to Quillfeather Lane"}"#,
                       expect: 200, "lost")

        // Refusals of every kind.
        try await call("POST", "/v1/loans", json: checkout("F-PD-4", vacuums[0]), expect: 409, code: "family_not_active", "suspended")
        try await call("POST", "/v1/loans", json: checkout("F-PD-2", cots[0]), expect: 409, code: "unit_not_available", "unit on loan")
        try await call("POST", "/v1/loans", json: checkout("F-PD-3", vacuums[0]), expect: 409, code: "low_income_expired", "expired status")
        try await call("POST", "/v1/loans", json: checkout("F-PD-5", vacuums[0]), expect: 409, code: "consent_missing", "no consent")
        try await call("POST", "/v1/loans", json: checkout("F-PD-2", cots[1]), expect: 409, "a cot for a family without a baby")
        try await call("POST", "/v1/loans", json: checkout("F-PD-1", away), expect: 409, code: "unit_not_at_centre", "wrong centre")
        if root {
            try await call("POST", "/v1/loans", json: checkout("F-PD-1", away, centre: "isilkul"), as: Self.staff, expect: 403,
                           code: "forbidden", "staff of another centre")
            try await call("POST", "/v1/families/F-PD-1/status", json: #"{"status":"suspended"}"#, as: (uid: 65534, gid: 65534),
                           expect: 403, code: "forbidden", "no role")
        }
        var renewals = 0
        while renewals < 20, try await daemon.curl(as: nil, "POST", "/v1/loans/\(cotLoan.id)/renew").status == 200 { renewals += 1 }
        try await call("POST", "/v1/loans/\(cotLoan.id)/renew", expect: 409, "renewal limit")
        try await call("POST", "/v1/loans/\(wardrobeLoan.id)/renew", expect: 409, code: "loan_closed", "renew a lost loan")
        try await call("POST", "/v1/reservations", json: #"{"family":"F-PD-1","itemType":"wardrobe","centre":"ryabinushka"}"#,
                       expect: 201, "reservation")
        try await call("POST", "/v1/reservations", json: #"{"family":"F-PD-1","itemType":"wardrobe","centre":"ryabinushka"}"#,
                       expect: 409, code: "already_reserved", "reservation again")

        // Overdue: a short rule, a backdated checkout, a notice scan, then the refusal it causes.
        try await call("PUT", "/v1/rules", json: #"{"scope":{"centre":"ryabinushka","itemType":"iron"},"period":{"count":3,"unit":"days"},"renewalsAllowed":0,"renewalPeriod":{"count":3,"unit":"days"},"countOpenDaysOnly":false}"#,
                       expect: 200, "a 3-day rule for irons")
        let backdated = RentalJSON.instant(Date().addingTimeInterval(-20 * 86_400))
        try await call("POST", "/v1/loans", json: checkout("F-PD-2", iron, issuedAt: backdated), expect: 201, "backdated iron to 2")
        let scan = try await call("POST", "/v1/notices/scan", expect: 200, "notice scan")
        #expect(scan.contains("ryabinushka"), "\(scan)")
        try await call("POST", "/v1/loans", json: checkout("F-PD-2", vacuums[0]), expect: 409, code: "family_has_overdue", "overdue")
        let notices = try await call("GET", "/v1/notices?centre=ryabinushka&limit=1000", expect: 200, "notices")
        #expect(notices.contains("F-PD-2"), "a notice for the backdated loan")

        // Personal data in the wrong places: refused, and never echoed.
        try await call("POST", "/v1/families", json: familyJSON(Person(reference: "F-PD-9", surname: p1.surname, givenNames: "",
                                                                       phone: p1.surname + " " + p1.phone, address: p1.address),
                                                                lowIncomeUntil: future, consent: consent, children: []),
                       expect: 422, code: "invalid_input", "a surname in the phone")
        try await call("POST", "/v1/families", json: familyJSON(Person(reference: "F-PD-9", surname: String(repeating: p2.surname, count: 8),
                                                                       givenNames: "", phone: p2.phone, address: p2.address),
                                                                lowIncomeUntil: future, consent: consent, children: []),
                       expect: 422, code: "invalid_input", "a surname too long")
        try await call("POST", "/v1/families", json: familyJSON(Person(reference: "F-PD-9", surname: p3.surname, givenNames: "",
                                                                       phone: p3.phone, address: p3.address + "\u{7}"),
                                                                lowIncomeUntil: future, consent: consent, children: []),
                       expect: 422, code: "invalid_input", "a control character in the address")
        try await call("POST", "/v1/families", json: familyJSON(Person(reference: p1.surname + " " + p1.phone, surname: p1.surname, givenNames: "",
                                                                       phone: p1.phone, address: ""),
                                                                lowIncomeUntil: future, consent: consent, children: []),
                       expect: 422, code: "invalid_input", "a surname and phone as the reference")
        try await call("PATCH", "/v1/families/F-PD-1", json: #"{"phone":"\#(p1.address)"}"#, expect: 422, code: "invalid_input", "an address as the phone")
        try await call("POST", "/v1/families", json: #"{"reference":"F-PD-9","contactSurname":"\#(p1.surname)","contactGivenNames":"","phone":79135550123,"address":"\#(p1.address)","lowIncomeUntil":"\#(p1.address)","children":[]}"#,
                       expect: 422, code: "invalid_input", "a phone as a number")
        try await call("POST", "/v1/families", json: #"{"reference":"F-PD-9","contactSurname":"\#(p1.surname)","contactGivenNames":"","phone":"\#(p1.phone)","address":"","lowIncomeUntil":"\#(p1.address)","children":[]}"#,
                       expect: 422, code: "invalid_input", "an address as a date")
        try await call("GET", "/v1/families/" + encoded(p1.surname), expect: 404, code: "family_not_found", "a surname as a reference")
        try await call("GET", "/v1/families/" + encoded("89135550123"), expect: 404, code: "family_not_found", "a phone as a reference")
        try await call("GET", "/v1/families/" + encoded(p1.phone), expect: 422, code: "invalid_input", "a formatted phone as a reference")
        try await call("POST", "/v1/loans", json: checkout(p2.surname, vacuums[0]), expect: 404, code: "family_not_found", "a surname in a checkout")
        try await call("POST", "/v1/loans", json: checkout("79135559988", vacuums[0]), expect: 404, code: "family_not_found", "a phone in a checkout")
        try await call("POST", "/v1/returns", json: #"{"unit":"\#(iron)","centre":"ryabinushka","condition":"\#(p3.surname)"}"#,
                       expect: 422, code: "invalid_input", "a surname as a condition")
        try await call("POST", "/v1/families/F-PD-2/status", json: #"{"status":"\#(p2.phone)"}"#, expect: 422, code: "invalid_input", "a phone as a status")
        try await call("GET", "/v1/families/" + encoded("89135557766") + "/children", expect: 405, "a phone in an unknown path")
        try await call("GET", "/v1/people/" + encoded(p4.surname), expect: 404, code: "route_not_found", "a surname in an unknown route")
        try await call("GET", "/v1/families?q=" + encoded(String(repeating: p4.surname, count: 6)), expect: 422, code: "invalid_input", "a search too long")

        // Search, audit, backup.
        for query in ["пржевал", "ПРЖЕВАЛЬСКАЯ", "9135550246", "89135557766", "Featherstone", "555-44-11"] {
            let found = try await call("GET", "/v1/families?q=" + encoded(query), expect: 200, "search \(query)")
            #expect(found.contains("F-PD-"), "search \(query): \(found)")
        }
        let audit = try await call("GET", "/v1/audit?limit=1000", expect: 200, "audit")
        try await call("GET", "/v1/audit/verify", expect: 200, "audit verify")
        try await call("POST", "/v1/backups", json: #"{"name":"personal-data.sqlite"}"#, expect: 201, "backup")
        try await call("POST", "/v1/backups", json: #"{"name":"\#(p2.surname)/x.sqlite"}"#, expect: 422, code: "invalid_input", "a surname as a backup name")

        // rentalctl: a registration, refusals and mistakes; its error output is checked.
        let cli = Self.cliPerson
        var ctlErrors: [String] = []
        func ctl(_ arguments: [String], expect status: Int32) async throws {
            let (got, stdout, stderr) = try await rentalctl(daemon, arguments)
            #expect(got == status, "rentalctl \(arguments): \(stdout) \(stderr)")
            ctlErrors.append(stderr)
        }
        try await ctl(["families", "add", "--reference", cli.reference, "--surname", cli.surname, "--given-names", cli.givenNames,
                       "--phone", cli.phone, "--address", cli.address, "--low-income-until", future.description,
                       "--consent", consent.description, "--child", baby.description], expect: 0)
        try await ctl(["families", "find", cli.surname], expect: 0)
        try await ctl(["families", "find", "9135556600"], expect: 0)
        try await ctl(["checkout", "--family", cli.reference, "--unit", vacuums[1]], expect: 0)
        try await ctl(["checkout", "--family", "F-PD-4", "--unit", wardrobes.last ?? ""], expect: 65)
        try await ctl(["checkout", "--family", "F-PD-3", "--unit", wardrobes.last ?? ""], expect: 65)
        try await ctl(["checkout", "--family", cli.surname, "--unit", wardrobes.last ?? ""], expect: 66)
        try await ctl(["families", "show", "89135556600"], expect: 0)  // the card finds a family by its phone too
        try await ctl(["families", "show", "89135550000"], expect: 66)
        try await ctl(["families", "add", "--reference", "F-PD-8", "--surname", cli.surname, "--phone", cli.surname,
                       "--low-income-until", future.description], expect: 64)
        try await ctl(["return", vacuums[1], "--condition", "damaged", "--note", cli.surname + ", " + cli.phone], expect: 0)
        try await ctl(["overdue", "scan"], expect: 0)
        try await ctl(["backup", "--to", "personal-data-2.sqlite"], expect: 0)

        #expect(try await daemon.stop() == 0)
        let log = daemon.log
        #expect(log.contains("request"), "the daemon logged requests at trace level")
        #expect(log.contains("F-PD-2"), "the notice for the backdated loan names the family by reference")
        print("personal data: \(Self.needles.count) strings checked in \(log.utf8.count) bytes of log, \(problems.count) problem bodies (\(statuses.keys.sorted().joined(separator: ", "))), \(ctlErrors.joined().utf8.count) bytes of rentalctl errors")
        #expect(Self.leaks(in: log) == [], "the daemon's log: \(log)")
        for problem in problems {
            #expect(Self.leaks(in: problem) == [], "a problem body: \(problem)")
        }
        for stderr in ctlErrors {
            #expect(Self.leaks(in: stderr) == [], "rentalctl's errors: \(stderr)")
        }
        #expect(Self.leaks(in: audit) == [], "the audit trail through the API")

        // The audit table: references, codes and field names only.
        let store = try DatabaseQueue(path: daemon.storePath)
        let details = try await store.read { db in try String.fetchAll(db, sql: "SELECT details FROM audit_event") }
        let entityKeys = try await store.read { db in try String.fetchAll(db, sql: "SELECT entity_key FROM audit_event") }
        #expect(details.count > 300)
        #expect(Self.leaks(in: details.joined(separator: "\n")) == [], "audit_event.details")
        #expect(Self.leaks(in: entityKeys.joined(separator: "\n")) == [], "audit_event.entity_key")
        // The store itself holds them, of course (the check is not vacuous).
        let surnames = try await store.read { db in try String.fetchAll(db, sql: "SELECT contact_surname FROM family") }
        #expect(surnames.contains(p1.surname))
    }

    /// Runs rentalctl as root against the daemon: exit status, stdout and stderr apart.
    func rentalctl(_ daemon: DaemonHarness, _ arguments: [String]) async throws -> (Int32, String, String) {
        let stdout = daemon.directory.appendingPathComponent("ctl-\(UUID().uuidString.prefix(8)).out").path
        let stderr = stdout.replacingOccurrences(of: ".out", with: ".err")
        let environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "NO_COLOR": "1", "COLUMNS": "120",
                           "RENTALD_SOCKET": daemon.socketPath, "RENTAL_CENTRE": "ryabinushka", "CTL_STDERR": stderr]
        let child = try Spawn(["/bin/sh", "-c", #"exec "$0" "$@" 2>"$CTL_STDERR""#, CLITests.binary] + arguments,
                              environment: environment, outputPath: stdout)
        let status = await child.wait()
        return (status, child.output, (try? String(contentsOfFile: stderr, encoding: .utf8)) ?? "")
    }
}
