import Foundation
import Testing
import RentalKit
import RentalProtocol

/// The hand-written encoder must write exactly what the generic one writes, for every value it takes.
@Suite("Hand-written JSON")
struct JSONBytesTests {
    /// Strings with every ASCII byte, quotes, backslashes, slashes and text outside ASCII.
    static let strings: [String] = {
        var strings = ["", "ryabinushka", "ЧАЙ-1-1", "ОМ/0001", #"a "quoted" \ back\slash"#, "tab\tnew\nline\rcr",
                       "e\u{301}", "👶🏽 cot", "\u{7F}del", "\u{2028}\u{2029}", "💡\u{0}"]
        strings.append(String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self))
        return strings
    }()

    @Test("loans: every optional present and absent, every kind of string, instants over three centuries")
    func loans() throws {
        var random = SplitMix64(seed: 2026)
        for round in 0..<2_000 {
            let text = { Self.strings[Int(random.next() % UInt64(Self.strings.count))] }
            // Milliseconds from 1900 to 2100, with sub-millisecond parts that round either way.
            let instant = { Date(timeIntervalSince1970: Double(Int64(random.next() % 6_311_390_400_000) - 2_208_988_800_000) / 1000
                                 + Double(random.next() % 1000) / 1_000_000) }
            let some = round % 2 == 0
            let loan = Loan(id: Int64(random.next() % 10_000_000_000), inventoryNumber: text(), itemType: text(), family: text(),
                            centre: text(), issuedBy: text(), issuedAt: instant(),
                            issuedOn: LocalDate(serialDay: Int(random.next() % 80_000) - 20_000), backdated: random.next() % 2 == 0,
                            dueDate: LocalDate(serialDay: Int(random.next() % 80_000) - 20_000), renewals: Int(random.next() % 12),
                            state: LoanState.allCases[Int(random.next() % 3)], closedAt: some ? instant() : nil,
                            closedBy: some ? text() : nil, returnedTo: some ? text() : nil,
                            returnCondition: some ? Condition.allCases[Int(random.next() % 4)] : nil, returnNote: some ? text() : nil)
            try expectSame(loan)
            try expectSame(ReturnReceipt(loan: loan, unitStatus: UnitStatus.allCases[round % UnitStatus.allCases.count],
                                         wasOverdue: some))
        }
    }

    @Test("pages: empty, with and without a next cursor")
    func pages() throws {
        let loan = Loan(id: 7, inventoryNumber: "КРВ-1-1", itemType: "cot", family: "F-2026-0001", centre: "ryabinushka",
                        issuedBy: "staff", issuedAt: Date(timeIntervalSince1970: 1_795_406_400.1235), issuedOn: LocalDate("2026-11-23")!,
                        backdated: false, dueDate: LocalDate("2026-12-23")!, renewals: 0, state: .open, closedAt: nil,
                        closedBy: nil, returnedTo: nil, returnCondition: nil, returnNote: nil)
        try expectSame(Page<Loan>(items: []))
        try expectSame(Page(items: [loan]))
        try expectSame(Page(items: [loan, loan], next: "7"))
        try expectSame(Page(items: [loan], next: #"odd "cursor"/\"#))
    }

    @Test("whole numbers at their limits")
    func integers() {
        for value in [Int64.min, -1, 0, 1, 9, 10, 1_000_000, Int64.max] {
            var json = JSONBytes()
            json.integer(value)
            #expect(String(decoding: json.bytes, as: UTF8.self) == "\(value)")
        }
    }

    @Test("text read in place that is not UTF-8 is written as the String decoded from it, never as invalid JSON")
    func textThatIsNotUTF8() throws {
        var random = SplitMix64(seed: 7)
        // Bytes around the edges of UTF-8's table: ASCII, quotes and controls, continuation bytes, the lead
        // bytes of overlong forms, surrogates and code points past U+10FFFF, bytes that never occur.
        let alphabet: [UInt8] = [0x41, 0x22, 0x5C, 0x2F, 0x0A, 0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1,
                                 0xC2, 0xD0, 0xDF, 0xE0, 0xE1, 0xED, 0xEE, 0xEF, 0xF0, 0xF3, 0xF4, 0xF5, 0xF8, 0xFF]
        var invalid = 0
        for _ in 0..<20_000 {
            let bytes = (0..<Int(random.next() % 9)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            let decoded = String(decoding: bytes, as: UTF8.self)
            let valid = Array(decoded.utf8) == bytes
            invalid += valid ? 0 : 1
            var fromBytes = JSONBytes()
            bytes.withUnsafeBytes { fromBytes.string(utf8: $0) }
            var fromString = JSONBytes()
            fromString.string(decoded)
            #expect(bytes.withUnsafeBytes { JSONBytes.isValidUTF8($0) } == valid, "\(bytes)")
            #expect(fromBytes.bytes == fromString.bytes, "\(bytes)")
            #expect(String(validating: fromBytes.bytes, as: UTF8.self) != nil, "\(bytes)")
        }
        #expect(invalid > 5_000, "most random sequences of these bytes are not UTF-8")
        // Every valid sequence of each length, at its limits, passes as it is.
        for text in ["\u{80}", "\u{7FF}", "\u{800}", "\u{D7FF}", "\u{E000}", "\u{FFFF}", "\u{10000}", "\u{10FFFF}", "ЧАЙ-1-1 👶🏽"] {
            #expect(Array(text.utf8).withUnsafeBytes { JSONBytes.isValidUTF8($0) }, "\(text)")
        }
    }

    @Test("stored dates: copied when plainly valid, otherwise left to the parser, never written wrong")
    func storedDates() throws {
        // Every day of four years (a leap year among them): what the listing writes for the stored text is
        // what JSONEncoder writes for the date.
        for serialDay in LocalDate("1999-01-01")!.serialDay...LocalDate("2002-12-31")!.serialDay {
            let date = LocalDate(serialDay: serialDay)
            var json = JSONBytes()
            var text = date.description
            let copied = text.withUTF8 { json.plainDate(utf8: UnsafeRawBufferPointer($0)) }
            if !copied { json.date(date) }
            #expect(copied, "\(text)")
            #expect(String(decoding: json.bytes, as: UTF8.self) == String(decoding: try RentalJSON.encoder().encode(date), as: UTF8.self))
        }
        // Text that is no plain date is not copied, and nothing is written for it.
        for bad in ["", "2026-13-01", "2026-00-10", "2026-02-00", "2026-02-30", "2026-1-01", "2026-01-1", "2026/01/01",
                    "2026-01-010", "20260-01-01", "２０２６-01-01", "2026-0a-01", " 026-01-01", "2027-02-29", "1900-02-29",
                    "2026-04-31", "2026-01-32", "0000-01-05"] {
            var json = JSONBytes()
            var text = bad
            #expect(!text.withUTF8 { json.plainDate(utf8: UnsafeRawBufferPointer($0)) }, "\(bad)")
            #expect(json.count == 0)
        }
        // Copied exactly when the parser accepts the text: every month 00–13 and day 00–32 of years around
        // the leap-year rules' edges.
        for year in [0, 1, 4, 100, 400, 1900, 1999, 2000, 2024, 2026, 2100, 9999] {
            for month in 0...13 {
                for day in 0...32 {
                    var text = String(format: "%04d-%02d-%02d", year, month, day)
                    var json = JSONBytes()
                    let copied = text.withUTF8 { json.plainDate(utf8: UnsafeRawBufferPointer($0)) }
                    let parsed = text.withUTF8 { LocalDate(utf8: UnsafeRawBufferPointer($0)) }
                    #expect(copied == (parsed != nil), "\(text)")
                    if let parsed { #expect(String(decoding: json.bytes, as: UTF8.self) == "\"\(parsed)\"") }
                }
            }
        }
    }

    private func expectSame<T: JSONBytesEncodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try RentalJSON.encoder().encode(value)
        let written = JSONBytes.encode(value)
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self), sourceLocation: sourceLocation)
    }
}
