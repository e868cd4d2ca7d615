import Foundation
import Testing
import RentalClient
import RentalProtocol

@Suite("Wire details")
struct WireTests {
    @Test("instants are written to the millisecond, rounded, not truncated", arguments: [
        (1_795_406_400.123, "2026-11-23T04:00:00.123Z"), (1_795_406_400.0, "2026-11-23T04:00:00.000Z"),
        (1_795_406_400.9996, "2026-11-23T04:00:01.000Z"),
    ])
    func instants(seconds: Double, text: String) throws {
        #expect(RentalJSON.instant(Date(timeIntervalSince1970: seconds)) == text)
        let decoded = try RentalJSON.decoder().decode([Date].self, from: Data(#"["\#(text)"]"#.utf8))
        #expect(RentalJSON.instant(decoded[0]) == text)
    }

    @Test("an inventory number with '/' is one path segment")
    func slashInPathSegment() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        let added = try await client.addUnit(NewUnit(inventoryNumber: "ОМ/0001", itemType: "cot", centre: "ryabinushka"))
        #expect(try await client.unit("ОМ/0001") == added)
        let (status, body) = try await daemon.curl(as: nil, "GET", "/v1/units/%D0%9A%D0%A0%D0%92-1-1%2F")
        #expect(status == 404, "\(body)")
        #expect(body.contains("unit_not_found"))
        try await daemon.stop()
    }

    @Test("a loan listing written from the rows in place: the bytes of the same loans read one by one and encoded")
    func streamedLoanListing() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        // Closed loans with every optional field, and notes that need escaping, among the demo's loans; and
        // returned loans in every condition whose texts need none (those are written as one run).
        let open = try await daemon.client.loans(LoanFilter(limit: 6)).items
        #expect(open.count == 6)
        let returned = try await daemon.client.returnUnit(ReturnRequest(unit: open[0].inventoryNumber, centre: "cherlak", condition: .damaged,
                                                                       note: "Трещина \"у ручки\" \\ 1/2 и ещё"))
        #expect(returned.loan.returnNote?.contains("\\") == true && returned.loan.returnedTo == "cherlak")
        _ = try await daemon.client.markLost(loan: open[1].id, note: "Потерян / 👶🏽")
        for (loan, condition) in zip(open[2...], Condition.allCases) {
            let receipt = try await daemon.client.returnUnit(ReturnRequest(unit: loan.inventoryNumber, centre: "cherlak", condition: condition,
                                                                          note: condition == .good ? nil : "Без замечаний"))
            #expect(receipt.loan.returnCondition == condition)
        }
        // Every loan of the demo store, returned ones too, in pages of 7 (a full page has a cursor, the last
        // none), then the overdue ones in pages of 1000. Each page's body is written from the rows in place;
        // it must be byte for byte JSONEncoder's encoding of the same loans fetched one by one (each of
        // those is read into a `Loan`), so a value or a byte the stream writes differently fails here.
        func expected(_ page: Page<Loan>) async throws -> String {
            var loans: [Loan] = []
            for loan in page.items { loans.append(try await daemon.client.loan(loan.id)) }
            return String(decoding: try RentalJSON.encoder().encode(Page(items: loans, next: page.next)), as: UTF8.self)
        }
        var seen: [Int64] = []
        var after: String?
        repeat {
            let path = "/v1/loans?state=all&limit=7" + (after.map { "&after=\($0)" } ?? "")
            let (status, body) = try await daemon.curl(as: nil, "GET", path)
            #expect(status == 200, "\(path): \(body)")
            let page = try RentalJSON.decoder().decode(Page<Loan>.self, from: Data(body.utf8))
            #expect(body == (try await expected(page)))
            #expect(page.next == (page.items.count == 7 ? page.items.last.map { "\($0.id)" } : nil))
            seen += page.items.map(\.id)
            after = page.next
        } while after != nil
        #expect(seen.count > 50, "the demo store has some 70 loans: ten pages")
        #expect(seen == seen.sorted() && Set(seen).count == seen.count, "every loan once, by id")

        let (status, body) = try await daemon.curl(as: nil, "GET", "/v1/loans?overdue=true&limit=1000")
        let overdue = try RentalJSON.decoder().decode(Page<Loan>.self, from: Data(body.utf8))
        #expect(status == 200 && !overdue.items.isEmpty && overdue.next == nil)
        #expect(body == (try await expected(overdue)))
        #expect(overdue.items.count == (try await daemon.client.health().summary?.overdueLoans))

        // An unknown centre is refused with its own status and problem, not an empty page.
        let (unknown, problem) = try await daemon.curl(as: nil, "GET", "/v1/loans?centre=nowhere")
        #expect(unknown == 404 && problem.contains("centre_not_found"), "\(unknown) \(problem)")
        try await daemon.stop()
    }
}
