import Foundation
import GRDB
import Testing
@testable import RentalKit
import RentalProtocol

/// Holds and transfers from `rentalctl` against the demo daemon: a family waits at one centre, a free unit
/// stands at another, staff send it, it arrives and is held, only that family can take it.
@Suite("Holds and transfers end to end")
struct HoldFlowTests {
    func ctl(_ daemon: DaemonHarness, _ arguments: [String], language: String = "C.UTF-8",
             centre: String = "ryabinushka") async throws -> (status: Int32, output: String) {
        try await CLITests().ctl(daemon, arguments, language: language, centre: centre)
    }

    @Test("reserve where none is free → proposal → send → receive and hold → only the holder's checkout works → an unclaimed hold expires to the next family")
    func waitSendReceiveCollect() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        _ = try await client.addItemType(ItemType(code: "crib", name: "Манеж", category: .furniture, sanitiseAfterReturn: false))
        _ = try await client.addUnit(NewUnit(inventoryNumber: "МНЖ-1", itemType: "crib", centre: "isilkul"))
        for reference in ["F-H-1", "F-H-2", "F-H-3"] {
            let added = try await ctl(daemon, ["families", "add", "--reference", reference, "--surname", "Очередь",
                                               "--phone", "+7 913 000-00-01", "--low-income-until", "31.12.2030",
                                               "--consent", "2026-01-01"])
            #expect(added.status == 0, "\(added.output)")
        }

        let reserved = try await ctl(daemon, ["reserve", "--family", "F-H-1", "--type", "crib", "--json"])
        #expect(reserved.status == 0, "\(reserved.output)")
        let reservation = try RentalJSON.decoder().decode(Reservation.self, from: Data(reserved.output.utf8))
        #expect(reservation.state == .waiting)
        #expect(reservation.position == 1)
        #expect(reservation.proposal?.unit == "МНЖ-1")
        let shown = try await ctl(daemon, ["reservations", "show", "\(reservation.id)"], language: "ru_RU.UTF-8")
        #expect(shown.output.contains("1-я в очереди"), "\(shown.output)")
        #expect(shown.output.contains("«Манеж»") && !shown.output.contains(" crib "), "names, not codes, in Russian: \(shown.output)")
        #expect(shown.output.contains("rentalctl units send МНЖ-1 --to ryabinushka --reservation \(reservation.id)"), "\(shown.output)")
        let available = try await ctl(daemon, ["available", "crib"])
        #expect(available.output.contains("МНЖ-1 at isilkul can be sent for it"), "\(available.output)")
        let again = try await ctl(daemon, ["reserve", "--family", "F-H-1", "--type", "crib"])
        #expect(again.status == 65)

        let sent = try await ctl(daemon, ["units", "send", "МНЖ-1", "--to", "ryabinushka", "--reservation", "\(reservation.id)"])
        #expect(sent.status == 0, "\(sent.output)")
        #expect(sent.output.contains("sent from isilkul to ryabinushka for reservation \(reservation.id)"))
        let inTransit = try await ctl(daemon, ["transfers"], language: "ru_RU.UTF-8")
        #expect(inTransit.output.contains("МНЖ-1") && inTransit.output.contains("0 дней"), "\(inTransit.output)")

        let received = try await ctl(daemon, ["units", "receive", "МНЖ-1"])
        #expect(received.status == 0, "\(received.output)")
        #expect(received.output.contains("held for family F-H-1 (reservation \(reservation.id))"), "\(received.output)")
        let holds = try await ctl(daemon, ["holds", "--json"])
        let held = try RentalJSON.decoder().decode(Page<Reservation>.self, from: Data(holds.output.utf8)).items
        #expect(held.map(\.id) == [reservation.id])
        #expect(held.first?.pickupBy != nil)

        let refused = try await ctl(daemon, ["checkout", "--family", "F-H-2", "--unit", "МНЖ-1"], language: "ru_RU.UTF-8")
        #expect(refused.status == 65)
        #expect(refused.output.contains("отложена для другой семьи"), "\(refused.output)")
        #expect(refused.output.contains("unit_held_for_another"))
        let taken = try await ctl(daemon, ["checkout", "--family", "F-H-1", "--unit", "МНЖ-1"])
        #expect(taken.status == 0, "\(taken.output)")
        #expect(try await client.reservation(reservation.id).state == .fulfilled)

        // Two families wait for it; it comes back and is held for the first, who does not come.
        var waiting: [Reservation] = []
        for family in ["F-H-2", "F-H-3"] {
            let queued = try await ctl(daemon, ["reserve", "--family", family, "--type", "crib", "--json"])
            #expect(queued.status == 0, "\(queued.output)")
            waiting.append(try RentalJSON.decoder().decode(Reservation.self, from: Data(queued.output.utf8)))
        }
        #expect(waiting.map(\.state) == [.waiting, .waiting])
        let back = try await ctl(daemon, ["return", "МНЖ-1", "--condition", "good"])
        #expect(back.status == 0, "\(back.output)")
        #expect(try await client.reservation(waiting[0].id).state == .held)
        #expect(try await daemon.stop() == 0)
        // The pickup deadline passes while the daemon is down (moved back behind its back).
        let store = try RentalStore.open(path: daemon.storePath)
        let lapsing = waiting[0].id
        try await store.write { db in
            try db.execute(sql: "UPDATE reservation SET pickup_by = '2020-01-06' WHERE id = ?", arguments: [lapsing])
        }
        try store.close()
        try await daemon.start(demo: false)
        let lapsed = try await ctl(daemon, ["reservations", "show", "\(waiting[0].id)", "--json"])
        #expect(try RentalJSON.decoder().decode(Reservation.self, from: Data(lapsed.output.utf8)).state == .expired, "\(lapsed.output)")
        let next = try await ctl(daemon, ["holds", "--json"])
        let nextHeld = try RentalJSON.decoder().decode(Page<Reservation>.self, from: Data(next.output.utf8)).items
        #expect(nextHeld.map(\.id) == [waiting[1].id], "\(next.output)")
        #expect(nextHeld.first?.heldUnit == "МНЖ-1")
        let late = try await ctl(daemon, ["checkout", "--family", "F-H-2", "--unit", "МНЖ-1"])
        #expect(late.status == 65 && late.output.contains("unit_held_for_another"), "\(late.output)")
        let collected = try await ctl(daemon, ["checkout", "--family", "F-H-3", "--unit", "МНЖ-1"])
        #expect(collected.status == 0, "\(collected.output)")
        try await daemon.stop()
    }

    @Test("a recall from rentalctl lists the open loans; lifting it waits for a safety check")
    func recallFromTheCommandLine() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        _ = try await client.addItemType(ItemType(code: "bouncer", name: "Шезлонг", category: .furniture, sanitiseAfterReturn: false))
        _ = try await client.addUnit(NewUnit(inventoryNumber: "ШЗЛ-1", itemType: "bouncer", centre: "ryabinushka"))
        _ = try await client.addUnit(NewUnit(inventoryNumber: "ШЗЛ-2", itemType: "bouncer", centre: "ryabinushka"))
        let loan = try await client.checkout(CheckoutRequest(family: "F-2026-0002", unit: "ШЗЛ-1", centre: "ryabinushka"))
        let recalled = try await ctl(daemon, ["recall", "bouncer", "--note", "дефект крепления"], language: "ru_RU.UTF-8")
        #expect(recalled.status == 0, "\(recalled.output)")
        #expect(recalled.output.contains("Позвоните этим семьям"))
        #expect(recalled.output.contains("\(loan.id)") && recalled.output.contains("F-2026-0002"))
        let lift = try await ctl(daemon, ["recall", "lift", "bouncer"])
        #expect(lift.status == 65)
        #expect(lift.output.contains("recall_safety_check_missing") && lift.output.contains("ШЗЛ-2"), "\(lift.output)")
        _ = try await client.recordSafetyCheck("ШЗЛ-2", SafetyCheckRequest(on: LocalDate(Date(), in: .gmt), passed: true))
        let lifted = try await ctl(daemon, ["recall", "lift", "bouncer"])
        #expect(lifted.status == 0, "\(lifted.output)")
        try await daemon.stop()
    }
}

/// The daemon expires lapsed holds when it starts (catching up on days it was down), once.
@Suite("Hold expiry in the daemon")
struct DaemonHoldExpiryTests {
    @Test("a hold that lapsed while rentald was down expires at start-up, once, and its notices are listed")
    func expiresAtStartUp() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        _ = try await client.addItemType(ItemType(code: "crib", name: "Манеж", category: .furniture, sanitiseAfterReturn: false))
        _ = try await client.addUnit(NewUnit(inventoryNumber: "МНЖ-7", itemType: "crib", centre: "ryabinushka"))
        let first = try await client.reserve(ReservationRequest(family: "F-2026-0003", itemType: "crib", centre: "ryabinushka"))
        let second = try await client.reserve(ReservationRequest(family: "F-2026-0004", itemType: "crib", centre: "ryabinushka"))
        #expect(first.state == .held)
        #expect(second.state == .waiting)
        #expect(try await daemon.stop() == 0)

        // While it was down, the pickup deadline passed (moved back behind the store's back).
        let store = try RentalStore.open(path: daemon.storePath)
        try await store.write { db in
            try db.execute(sql: "UPDATE reservation SET pickup_by = '2020-01-06' WHERE id = ?", arguments: [first.id])
        }
        try store.close()

        try await daemon.start(demo: false)
        #expect(try await client.reservation(first.id).state == .expired)
        let passed = try await client.reservation(second.id)
        #expect(passed.state == .held)
        #expect(passed.heldUnit == "МНЖ-7")
        let notices = try await client.holdNotices().items
        #expect(notices.filter { $0.reservation == first.id }.map(\.kind) == [.holdReady, .holdExpired])
        #expect(notices.filter { $0.reservation == second.id }.map(\.kind) == [.holdReady])
        #expect(notices.allSatisfy { !$0.message.contains("+7") })
        // Restarting again expires nothing more.
        #expect(try await daemon.stop() == 0)
        try await daemon.start(demo: false)
        #expect(try await client.reservation(second.id).state == .held)
        #expect(try await client.holdNotices().items.count == notices.count)
        try await daemon.stop()
    }
}
