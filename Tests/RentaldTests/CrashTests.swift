import Foundation
import Glibc
import Synchronization
import Testing
import RentalClient
import RentalKit
import RentalProtocol

/// What the clients were told.
private final class Acknowledged: Sendable {
    let state = Mutex<(checkouts: [Int64: String], returns: Set<Int64>)>(([:], []))
}

@Suite("Crash safety")
struct CrashTests {
    @Test("20 rounds of kill -9 while 8 clients check out and return: every acknowledged operation is there, nothing is half-done")
    func killNineUnderLoad() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        var units: [(unit: String, centre: String)] = []
        for centre in try await client.centres().map(\.code) {
            for type in ["wardrobe", "ironing-board", "changing-table"] {
                units += try await client.units(centre: centre, itemType: type, status: .available).items.map { ($0.inventoryNumber, centre) }
            }
        }
        let families = (1...120).map { String(format: "F-2026-%04d", $0) }
        // Families waiting for changing tables: returns during the load hold units for them, in the
        // return's own transaction, which kill -9 must never split.
        for (index, centre) in try await client.centres().map(\.code).prefix(3).enumerated() {
            _ = try? await client.reserve(ReservationRequest(family: families[100 + index], itemType: "changing-table", centre: centre))
        }
        let acknowledged = Acknowledged()
        let work = units
        for round in 1...20 {
            if round > 1 { try await daemon.start(demo: false) }
            let load = Task {
                await withTaskGroup(of: Void.self) { group in
                    for worker in 0..<8 {
                        group.addTask {
                            var index = worker
                            while !Task.isCancelled {
                                let (unit, centre) = work[index % work.count]
                                let family = families[(index * 7 + round) % families.count]
                                index += 8
                                guard let loan = try? await client.checkout(CheckoutRequest(family: family, unit: unit, centre: centre)) else {
                                    try? await Task.sleep(for: .milliseconds(2))
                                    continue
                                }
                                acknowledged.state.withLock { $0.checkouts[loan.id] = unit }
                                if (try? await client.returnUnit(ReturnRequest(unit: unit, centre: centre, condition: .good))) != nil {
                                    acknowledged.state.withLock { _ = $0.returns.insert(loan.id) }
                                }
                            }
                        }
                    }
                }
            }
            // Kill only once this round has done work (a loaded machine may take seconds to start the
            // daemon and serve the first checkouts), then at a different moment each round.
            let before = acknowledged.state.withLock { $0.checkouts.count }
            let deadline = ContinuousClock.now + .seconds(60)
            while acknowledged.state.withLock({ $0.checkouts.count }) < before + 3, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            try await Task.sleep(for: .milliseconds((round * 37) % 300))
            daemon.signal(SIGKILL)
            await daemon.reap()
            load.cancel()
            await load.value
        }
        // Every acknowledged checkout exists; every acknowledged return is returned.
        try await daemon.start(demo: false)
        let (checkouts, returns) = acknowledged.state.withLock { ($0.checkouts, $0.returns) }
        #expect(checkouts.count >= 60, "the load did work: \(checkouts.count) acknowledged checkouts")
        for (id, unit) in checkouts {
            let loan = try await client.loan(id)
            #expect(loan.inventoryNumber == unit)
            if returns.contains(id) { #expect(loan.state == .returned, "loan \(id)") }
        }
        try await daemon.stop()

        // Invariants, read from the file itself.
        let store = try RentalStore.open(path: daemon.storePath)
        let summary = try await store.summary()
        let onLoan = try await store.stock().reduce(0) { $0 + $1.count(.onLoan) }
        #expect(onLoan == summary.openLoans, "units on loan = open loans")
        #expect(try await store.verifyAudit().firstBroken == nil)
        #expect(try await store.invariantViolations() == [], "held units and reservations agree; no free unit beside a waiting family")
        var all: [Loan] = []
        while true {
            let page = try await store.loans(LoanFilter(openOnly: false, afterID: all.last?.id, limit: 1000))
            all += page
            if page.count < 1000 { break }
        }
        let openUnits = all.filter { $0.state == .open }.map(\.inventoryNumber)
        #expect(openUnits.count == Set(openUnits).count, "at most one open loan per unit")
        var events: [AuditEvent] = []
        while true {
            let page = try await store.auditEvents(since: events.last?.sequence ?? 0, entity: "loan", limit: 1000)
            events += page
            if page.count < 1000 { break }
        }
        let checkedOut = Set(events.filter { $0.action.hasPrefix("loan.checkout") }.map(\.entityKey))
        #expect(checkedOut == Set(all.map { "\($0.id)" }), "every loan has its checkout event and no event lacks its loan")
        let returned = Set(events.filter { $0.action == "loan.return" }.map(\.entityKey))
        #expect(returned == Set(all.filter { $0.state == .returned }.map { "\($0.id)" }), "returns match their events")
        try store.close()
    }
}

@Suite("Races through the daemon")
struct DaemonRaceTests {
    @Test("64 clients try to take the last cot at one centre, 100 rounds: exactly one winner each round")
    func lastCot() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        let families = (1...120).map { String(format: "F-2026-%04d", $0) }
        for round in 1...100 {
            let cot = try await client.addUnit(NewUnit(inventoryNumber: "RACE-\(round)", itemType: "cot", centre: "isilkul")).inventoryNumber
            let outcomes = await withTaskGroup(of: Result<Loan, RentalError>.self) { group in
                for client64 in 0..<64 {
                    let family = families[(client64 + round) % families.count]
                    group.addTask {
                        do throws(RentalError) {
                            return .success(try await client.checkout(CheckoutRequest(family: family, unit: cot, centre: "isilkul")))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: [Result<Loan, RentalError>]()) { $0.append($1) }
            }
            let winners = outcomes.compactMap { try? $0.get() }
            #expect(winners.count == 1, "round \(round): \(winners.count) winners")
            let failures = outcomes.compactMap { outcome -> RentalError? in
                if case .failure(let error) = outcome { return error }
                return nil
            }
            #expect(failures.allSatisfy { $0.code.httpStatus == 409 }, "round \(round): \(failures.map(\.code.rawValue))")
            if let winner = winners.first {
                _ = try await client.returnUnit(ReturnRequest(unit: winner.inventoryNumber, centre: "isilkul", condition: .good))
            }
        }
        let raceLoans = try await client.loans(LoanFilter(centre: "isilkul", openOnly: false, limit: 1000)).items
            .filter { $0.inventoryNumber.hasPrefix("RACE-") }
        #expect(raceLoans.count == 100, "the store holds exactly one loan per round")
        #expect(Set(raceLoans.map(\.inventoryNumber)).count == 100)
        try await daemon.stop()
    }
}
