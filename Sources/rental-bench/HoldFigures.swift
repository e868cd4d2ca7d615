import Foundation
import RentalKit

/// What holds cost a return: a return that finds a family waiting and holds the unit for it (in the same
/// transaction) against a plain return, alternated in one store; medians of the return calls alone. Once
/// with `synchronous=FULL` (rentald's default: an fsync per commit) and once with `NORMAL` (no fsync, so
/// that the extra work is not hidden behind it).
struct HoldFigures {
    let options: BenchOptions
    let record: (Row) -> Void

    func run() async throws {
        for synchronous in [RentalStore.Synchronous.full, .normal] {
            try await run(synchronous)
        }
    }

    private func run(_ synchronous: RentalStore.Synchronous) async throws {
        let directory = options.work + "/holds-\(synchronous.rawValue)"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try RentalStore.open(path: directory + "/rental.sqlite", options: .init(synchronous: synchronous))
        defer { try? store.close() }
        _ = try await store.addCentre(NewCentre(code: "bench", name: "Стенд", region: "Тест", timeZone: "UTC",
                                                openDays: Set(Weekday.allCases)), by: benchAdmin)
        _ = try await store.addItemType(ItemType(code: "bench-item", name: "Шкаф", category: .furniture,
                                                 sanitiseAfterReturn: false), by: benchAdmin)
        _ = try await store.setRule(LoanRule(scope: RuleScope(), period: .days(30), maxOpenLoans: 4), by: benchAdmin)
        let today = LocalDate(Date(), in: .gmt)
        for reference in ["BH-A", "BH-B"] {
            _ = try await store.registerFamily(Family(reference: reference, contactSurname: "Стенд", contactGivenNames: "",
                                                      phone: "+7 900 000-00-0\(reference == "BH-A" ? 1 : 2)", address: "", lowIncomeUntil: today.adding(days: 365),
                                                      consentOn: today, children: []), by: benchAdmin)
        }
        let unit = try await store.addUnit(NewUnit(inventoryNumber: "BH-1", itemType: "bench-item", centre: "bench"),
                                           by: benchAdmin).inventoryNumber
        let rounds = options.quick ? 300 : 2000
        var plain: [Double] = []
        var holding: [Double] = []
        for round in 0..<rounds {
            for withHold in round % 2 == 0 ? [false, true] : [true, false] {
                _ = try await store.checkout(family: "BH-A", unit: unit, at: "bench", by: benchAdmin)
                let waiting = withHold ? try await store.reserve(family: "BH-B", itemType: "bench-item", at: "bench", by: benchAdmin) : nil
                let (seconds, receipt) = try await Monotonic.time {
                    try await store.returnUnit(unit, at: "bench", condition: .good, by: benchAdmin)
                }
                if let waiting {
                    guard receipt.heldFor == waiting.id else { throw BenchError("the return did not hold the unit") }
                    _ = try await store.cancelHold(reservation: waiting.id, by: benchAdmin)
                    holding.append(seconds)
                } else {
                    plain.append(seconds)
                }
            }
        }
        let plainMedian = plain.sorted()[plain.count / 2], holdMedian = holding.sorted()[holding.count / 2]
        let ratio = holdMedian / plainMedian
        record(Row("a return that holds the unit for a waiting family (median of \(rounds), in-process, synchronous=\(synchronous.rawValue))",
                   measured: String(format: "%.0f µs", holdMedian * 1e6),
                   baseline: String(format: "plain return %.0f µs", plainMedian * 1e6),
                   ratio: Format.ratio(ratio), target: "≤ 1.1×", met: ratio <= 1.1))
    }
}
