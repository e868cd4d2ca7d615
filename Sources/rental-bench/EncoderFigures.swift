import Foundation
import RentalProtocol

/// Why loans are written by `JSONBytes` and not `JSONEncoder`: both encode the same page of 1,000 loans
/// (the overdue listing's page), in this process, best of several rounds.
struct EncoderFigures {
    let options: BenchOptions
    let record: (Row) -> Void

    func run() throws {
        let issued = Date(timeIntervalSince1970: 1_790_000_000)
        guard let issuedOn = LocalDate(year: 2026, month: 11, day: 2), let due = LocalDate(year: 2026, month: 11, day: 30) else { return }
        let loans = (1...1000).map { i in
            Loan(id: Int64(i), inventoryNumber: "КРВ-\(i % 10)-\(i)", itemType: "cot", family: "F-2026-\(1000 + i)",
                 centre: "ryabinushka", issuedBy: "ivanova", issuedAt: issued, issuedOn: issuedOn,
                 backdated: false, dueDate: due, renewals: i % 2,
                 state: .open, closedAt: nil, closedBy: nil, returnedTo: nil, returnCondition: nil, returnNote: nil)
        }
        let page = Page(items: loans, next: "1000")
        let rounds = options.quick ? 5 : 30
        let encoder = RentalJSON.encoder()
        var bytes = 0
        let library = (0..<rounds).map { _ in Monotonic.time { bytes = (try? encoder.encode(page).count) ?? 0 }.seconds }.min() ?? 0
        let byHand = (0..<rounds).map { _ in Monotonic.time { bytes = JSONBytes.encode(page).count }.seconds }.min() ?? 0
        record(Row("a page of 1,000 loans as JSON (\(bytes / 1000) kB): JSONBytes", measured: Format.millis(byHand),
                   baseline: "JSONEncoder \(Format.millis(library))", ratio: Format.ratio(library / byHand)))
    }
}
