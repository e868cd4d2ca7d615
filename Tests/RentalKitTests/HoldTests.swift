import Foundation
import GRDB
import Synchronization
import Testing
@testable import RentalKit

/// Families for the queue: F-0002…, each with a baby, consent and low-income status like F-0001.
private func addFamilies(_ world: TestWorld, _ count: Int, from first: Int = 2) async throws -> [String] {
    var references: [String] = []
    for number in first..<(first + count) {
        let reference = String(format: "F-%04d", number)
        _ = try await world.store.registerFamily(
            TestWorld.family(reference, surname: "Семья", phone: String(format: "+7 913 200-%04d", number)), by: world.admin)
        references.append(reference)
    }
    return references
}

/// The store's invariants hold (a held unit ↔ one held reservation, no free unit beside an eligible waiting family).
private func expectInvariants(_ world: TestWorld, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    #expect(try await world.store.invariantViolations() == [], sourceLocation: sourceLocation)
}

@Suite("Holds")
struct HoldTests {
    @Test("a returned unit is held, in the same operation, for the first family waiting at that centre")
    func holdOnReturn() async throws {
        let world = try await TestWorld()
        let (second, third) = try await { let f = try await addFamilies(world, 2); return (f[0], f[1]) }()
        try await world.unit("WRD-1", "wardrobe")
        let loan = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        let first = try await world.store.reserve(family: second, itemType: "wardrobe", at: "omsk", by: world.staff)
        let next = try await world.store.reserve(family: third, itemType: "wardrobe", at: "omsk", by: world.staff)
        #expect(first.state == .waiting)
        #expect(first.position == 1)
        #expect(next.position == 2)
        #expect(first.expectedBy == loan.dueDate, "the one open loan's due date")
        #expect(next.expectedBy == nil, "only one loan to wait for")

        let receipt = try await world.store.returnUnit("WRD-1", at: "omsk", condition: .good, by: world.staff)
        #expect(receipt.unitStatus == .held)
        #expect(receipt.heldFor == first.id)
        // Monday 23 November: the fifth open day after it is Monday 30 November.
        #expect(receipt.pickupBy == TestWorld.date("2026-11-30"))
        #expect(receipt.returnElsewhere == nil)
        #expect(try await world.store.unit("WRD-1").status == .held)
        let held = try await world.store.reservation(first.id)
        #expect(held.state == .held)
        #expect(held.heldUnit == "WRD-1")
        #expect(held.position == 0)
        #expect(try await world.store.reservation(next.id).position == 1, "the next family moves up")
        #expect(try await world.store.holds(centre: "omsk").map(\.id) == [first.id])
        #expect(try await world.store.auditEvents(entity: "reservation", key: "\(first.id)").map(\.action)
                == ["reservation.place", "reservation.hold"])
        try await expectInvariants(world)

        // One "hold ready" notice, family by reference only.
        let delivered = Mutex<[CirculationNotice]>([])
        #expect(try await world.store.deliverCirculationNotices { notice in delivered.withLock { $0.append(notice) }; return true } == 1)
        let notice = try #require(delivered.withLock { $0 }.first)
        #expect(notice.kind == .holdReady)
        #expect(notice.family == second)
        #expect(notice.unit == "WRD-1")
        #expect(notice.pickupBy == TestWorld.date("2026-11-30"))
        let fields = notice.journalFields.map { "\($0.name)=\($0.value)" }.joined(separator: "\n")
        #expect(fields.contains("MESSAGE_ID=\(CirculationNoticeKind.holdReady.messageID)"))
        #expect(!fields.contains(TestWorld.surname) && !fields.contains("913"))
        #expect(try await world.store.deliverCirculationNotices { _ in true } == 0, "sent once")
        #expect(try await world.store.circulationNotices().map(\.id) == [notice.id])
    }

    @Test("a unit that comes free after cleaning, repair or being found is held too")
    func holdOnEveryWayOfComingFree() async throws {
        let world = try await TestWorld()
        let families = try await addFamilies(world, 3)
        try await world.unit("COT-1", "cot")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "COT-1", at: "omsk", by: world.staff)
        let waiting = try await world.store.reserve(family: families[0], itemType: "cot", at: "omsk", by: world.staff)
        let receipt = try await world.store.returnUnit("COT-1", at: "omsk", condition: .good, by: world.staff)
        #expect(receipt.unitStatus == .sanitising, "a cot is cleaned first")
        try await expectInvariants(world)
        #expect(try await world.store.change(.finishSanitising, unit: "COT-1", by: world.staff).status == .held)
        #expect(try await world.store.reservation(waiting.id).heldUnit == "COT-1")

        try await world.unit("COT-2", "cot")
        _ = try await world.store.change(.sendToRepair, unit: "COT-2", by: world.staff)
        let second = try await world.store.reserve(family: families[1], itemType: "cot", at: "omsk", by: world.staff)
        #expect(try await world.store.change(.finishRepair(condition: .good), unit: "COT-2", by: world.staff).status == .held)
        #expect(try await world.store.reservation(second.id).state == .held)

        // A held unit missing from the shelf: its family goes back to the queue, in its old place.
        let third = try await world.store.reserve(family: families[2], itemType: "cot", at: "omsk", by: world.staff)
        #expect(try await world.store.change(.markMissing, unit: "COT-2", by: world.staff).status == .lost)
        let requeued = try await world.store.reservation(second.id)
        #expect(requeued.state == .waiting)
        #expect(requeued.position == 1)
        #expect(try await world.store.reservation(third.id).position == 2)
        try await expectInvariants(world)
        #expect(try await world.store.change(.markFound(centre: "omsk"), unit: "COT-2", by: world.staff).status == .held)
        #expect(try await world.store.reservation(second.id).heldUnit == "COT-2")
        try await expectInvariants(world)
    }

    @Test("a family that is not eligible now is passed over, keeps its place, and the reason is recorded")
    func eligibilitySkip() async throws {
        let world = try await TestWorld()
        let families = try await addFamilies(world, 2)
        try await world.unit("WRD-1", "wardrobe")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        let first = try await world.store.reserve(family: families[0], itemType: "wardrobe", at: "omsk", by: world.staff)
        let second = try await world.store.reserve(family: families[1], itemType: "wardrobe", at: "omsk", by: world.staff)
        _ = try await world.store.setFamilyStatus(.suspended, family: families[0], by: world.admin)

        let receipt = try await world.store.returnUnit("WRD-1", at: "omsk", condition: .good, by: world.staff)
        #expect(receipt.heldFor == second.id)
        let skipped = try await world.store.reservation(first.id)
        #expect(skipped.state == .waiting)
        #expect(skipped.position == 1, "it keeps its place")
        #expect(skipped.skipReason == RentalError.Code.familyNotActive.rawValue)
        try await expectInvariants(world)

        // Reinstated, it gets the next unit that comes free (new stock too).
        _ = try await world.store.setFamilyStatus(.active, family: families[0], by: world.admin)
        try await world.unit("WRD-2", "wardrobe")
        #expect(try await world.store.unit("WRD-2").status == .held)
        let held = try await world.store.reservation(first.id)
        #expect(held.state == .held)
        #expect(held.skipReason == nil)
        try await expectInvariants(world)
    }

    @Test("a family passed over gets a unit already free as soon as it is eligible again: reinstated, its status renewed")
    func freeUnitGoesToAFamilyEligibleAgain() async throws {
        let world = try await TestWorld()
        let families = try await addFamilies(world, 3)
        try await world.unit("WRD-1", "wardrobe")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        let first = try await world.store.reserve(family: families[0], itemType: "wardrobe", at: "omsk", by: world.staff)
        let second = try await world.store.reserve(family: families[1], itemType: "wardrobe", at: "omsk", by: world.staff)
        for family in families.prefix(2) { _ = try await world.store.setFamilyStatus(.suspended, family: family, by: world.admin) }

        // Nobody waiting may take it when it comes back: it stays free.
        let receipt = try await world.store.returnUnit("WRD-1", at: "omsk", condition: .good, by: world.staff)
        #expect(receipt.unitStatus == .available && receipt.heldFor == nil)
        #expect(try await world.store.reservation(first.id).skipReason == RentalError.Code.familyNotActive.rawValue)
        try await expectInvariants(world)

        // The second family is reinstated: the free unit is held for it at once; the first keeps its place.
        _ = try await world.store.setFamilyStatus(.active, family: families[1], by: world.admin)
        let held = try await world.store.reservation(second.id)
        #expect(held.state == .held && held.heldUnit == "WRD-1" && held.skipReason == nil)
        #expect(held.pickupBy == TestWorld.date("2026-11-30"))
        let waiting = try await world.store.reservation(first.id)
        #expect(waiting.state == .waiting && waiting.position == 1)
        try await expectInvariants(world)

        // A family whose low-income status lapsed while it waited is passed over; renewed, it gets the unit.
        let third = try await world.store.reserve(family: families[2], itemType: "wardrobe", at: "omsk", by: world.staff)
        _ = try await world.store.updateFamily(families[2], FamilyUpdate(lowIncomeUntil: TestWorld.date("2026-11-20")), by: world.admin)
        try await world.unit("WRD-2", "wardrobe")
        #expect(try await world.store.unit("WRD-2").status == .available)
        #expect(try await world.store.reservation(third.id).skipReason != nil)
        try await expectInvariants(world)
        _ = try await world.store.updateFamily(families[2], FamilyUpdate(lowIncomeUntil: TestWorld.date("2027-12-31")), by: world.admin)
        #expect(try await world.store.reservation(third.id).heldUnit == "WRD-2")
        #expect(try await world.store.reservation(first.id).state == .waiting, "still suspended")
        try await expectInvariants(world)
        let notices = Mutex<[CirculationNotice]>([])
        _ = try await world.store.deliverCirculationNotices { notice in notices.withLock { $0.append(notice) }; return true }
        #expect(notices.withLock { $0 }.map { "\($0.kind.rawValue) \($0.family)" } == ["hold-ready \(families[1])", "hold-ready \(families[2])"])
    }

    @Test("returning an overdue loan makes the family eligible: a unit already free is held for it in the same operation")
    func overdueReturnedThenHeld() async throws {
        let world = try await TestWorld()
        let family = try await addFamilies(world, 1)[0]
        try await world.unit("KET-1", "kettle")
        let loan = try await world.store.checkout(family: family, unit: "KET-1", at: "omsk", by: world.staff)
        let reservation = try await world.store.reserve(family: family, itemType: "wardrobe", at: "omsk", by: world.staff)
        world.clock.set(TestWorld.instant("\(loan.dueDate.adding(days: 3))T06:00:00Z"))
        try await world.unit("WRD-1", "wardrobe")
        #expect(try await world.store.unit("WRD-1").status == .available)
        #expect(try await world.store.reservation(reservation.id).skipReason == RentalError.Code.familyHasOverdue.rawValue)
        try await expectInvariants(world)

        let receipt = try await world.store.returnUnit("KET-1", at: "omsk", condition: .good, by: world.staff)
        #expect(receipt.wasOverdue)
        #expect(try await world.store.reservation(reservation.id).heldUnit == "WRD-1")
        #expect(try await world.store.unit("WRD-1").status == .held)
        try await expectInvariants(world)
    }

    @Test("only the holding family can take a held unit; its checkout fulfils the reservation")
    func onlyTheHolderChecksOut() async throws {
        let world = try await TestWorld()
        let families = try await addFamilies(world, 2)
        try await world.unit("WRD-1", "wardrobe")
        let reservation = try await world.store.reserve(family: families[0], itemType: "wardrobe", at: "omsk", by: world.staff)
        #expect(reservation.state == .held, "a free unit is held at once")
        #expect(reservation.heldUnit == "WRD-1")
        let error = try await #require(throws: RentalError.self) {
            _ = try await world.store.checkout(family: families[1], unit: "WRD-1", at: "omsk", by: world.staff)
        }
        #expect(error.code == .unitHeldForAnother)
        #expect(error.message.contains("reservation \(reservation.id)"))
        let loan = try await world.store.checkout(family: families[0], unit: "WRD-1", at: "omsk", by: world.staff)
        #expect(loan.inventoryNumber == "WRD-1")
        let fulfilled = try await world.store.reservation(reservation.id)
        #expect(fulfilled.state == .fulfilled)
        #expect(try await world.store.holds().isEmpty)
        try await expectInvariants(world)
    }

    @Test("taking another unit of the type fulfils the reservation and passes the held one on")
    func anotherUnitFulfils() async throws {
        let world = try await TestWorld()
        let families = try await addFamilies(world, 2)
        try await world.unit("WRD-1", "wardrobe")
        let first = try await world.store.reserve(family: families[0], itemType: "wardrobe", at: "omsk", by: world.staff)
        #expect(first.heldUnit == "WRD-1")
        let second = try await world.store.reserve(family: families[1], itemType: "wardrobe", at: "omsk", by: world.staff)
        _ = try await world.store.setFamilyStatus(.suspended, family: families[1], by: world.admin)
        // New stock is offered to the queue too; the suspended family is passed over.
        try await world.unit("WRD-2", "wardrobe")
        #expect(try await world.store.unit("WRD-2").status == .available)
        #expect(try await world.store.reservation(second.id).skipReason == "family_not_active")
        // The first family takes WRD-2 instead of the WRD-1 held for it: fulfilled, and WRD-1 is free again.
        _ = try await world.store.checkout(family: families[0], unit: "WRD-2", at: "omsk", by: world.staff)
        #expect(try await world.store.reservation(first.id).state == .fulfilled)
        #expect(try await world.store.unit("WRD-1").status == .available)
        try await expectInvariants(world)
        // Once the waiting family may borrow again, the unit already free goes to it; new stock stays free.
        _ = try await world.store.setFamilyStatus(.active, family: families[1], by: world.admin)
        #expect(try await world.store.reservation(second.id).heldUnit == "WRD-1")
        try await world.unit("WRD-3", "wardrobe")
        #expect(try await world.store.unit("WRD-3").status == .available)
        try await expectInvariants(world)
    }

    @Test("a held unit retired: its family goes back to the queue and gets another free unit there at once")
    func retiredHeldUnitIsReplaced() async throws {
        let world = try await TestWorld()
        let families = try await addFamilies(world, 2)
        try await world.unit("WRD-1", "wardrobe")
        let first = try await world.store.reserve(family: families[0], itemType: "wardrobe", at: "omsk", by: world.staff)
        let second = try await world.store.reserve(family: families[1], itemType: "wardrobe", at: "omsk", by: world.staff)
        _ = try await world.store.setFamilyStatus(.suspended, family: families[1], by: world.admin)
        try await world.unit("WRD-2", "wardrobe")  // passed over: the second family is suspended
        #expect(try await world.store.unit("WRD-2").status == .available)
        _ = try await world.store.change(.retire, unit: "WRD-1", by: world.staff)
        let replaced = try await world.store.reservation(first.id)
        #expect(replaced.state == .held)
        #expect(replaced.heldUnit == "WRD-2")
        #expect(try await world.store.reservation(second.id).state == .waiting)
        #expect(try await world.store.auditEvents(entity: "reservation", key: "\(first.id)").map(\.action)
                == ["reservation.place", "reservation.hold", "reservation.requeue", "reservation.hold"])
        try await expectInvariants(world)
    }

    @Test("staff cancel a hold: the unit goes on to the next family")
    func cancelHold() async throws {
        let world = try await TestWorld()
        let families = try await addFamilies(world, 2)
        try await world.unit("WRD-1", "wardrobe")
        let first = try await world.store.reserve(family: families[0], itemType: "wardrobe", at: "omsk", by: world.staff)
        let second = try await world.store.reserve(family: families[1], itemType: "wardrobe", at: "omsk", by: world.staff)
        let moscowStaff = Principal(name: "anna", role: .staff(centres: ["moscow"]))
        #expect(try await #require(throws: RentalError.self) {
            _ = try await world.store.cancelHold(reservation: first.id, by: moscowStaff)
        }.code == .forbidden)
        let cancelled = try await world.store.cancelHold(reservation: first.id, by: world.staff)
        #expect(cancelled.state == .cancelled)
        #expect(cancelled.closeReason == "cancelled")
        #expect(try await world.store.reservation(second.id).heldUnit == "WRD-1")
        try await world.store.closeReservation(second.id, by: world.staff)
        #expect(try await world.store.unit("WRD-1").status == .available)
        try await expectInvariants(world)
    }
}

@Suite("Hold expiry")
struct HoldExpiryTests {
    @Test("a hold lasts five open days of the pickup centre: across the New Year holidays, expired once, passed on")
    func expiryAcrossNewYear() async throws {
        // Tuesday 29 December 2026, 10:00 in Omsk.
        let world = try await TestWorld(now: TestWorld.instant("2026-12-29T04:00:00Z"))
        let families = try await addFamilies(world, 2)
        _ = try await world.store.addClosure(centre: "omsk", from: TestWorld.date("2026-12-31"), through: TestWorld.date("2027-01-08"),
                                             kind: .holiday, note: "Новогодние каникулы", by: world.admin)
        try await world.unit("WRD-1", "wardrobe")
        let first = try await world.store.reserve(family: families[0], itemType: "wardrobe", at: "omsk", by: world.staff)
        let second = try await world.store.reserve(family: families[1], itemType: "wardrobe", at: "omsk", by: world.staff)
        // Open days after 29 Dec: 30 Dec, then 11, 12, 13, 14 January.
        #expect(first.pickupBy == TestWorld.date("2027-01-14"))

        // 23:59 on 14 January in Omsk: still within the deadline.
        #expect(try await world.store.expireHolds(now: TestWorld.instant("2027-01-14T17:59:00Z")).isEmpty)
        // 00:30 on 15 January in Omsk (still the 14th in Moscow): expired.
        let expiry = TestWorld.instant("2027-01-14T18:30:00Z")
        world.clock.set(expiry)
        let expired = try await world.store.expireHolds(now: expiry)
        #expect(expired.map(\.id) == [first.id])
        #expect(expired.first?.state == .expired)
        #expect(expired.first?.closeReason == "expired")
        let passed = try await world.store.reservation(second.id)
        #expect(passed.state == .held)
        #expect(passed.heldUnit == "WRD-1")
        // Held on Friday 15 January: five open days later is Friday 22 January.
        #expect(passed.pickupBy == TestWorld.date("2027-01-22"))
        // Exactly once: again, and after reopening the store.
        #expect(try await world.store.expireHolds(now: expiry).isEmpty)
        try world.store.close()
        let reopened = try RentalStore.open(path: world.path, clock: world.clock)
        #expect(try await reopened.expireHolds(now: expiry).isEmpty)
        #expect(try await reopened.auditEvents(entity: "reservation", key: "\(first.id)").map(\.action)
                == ["reservation.place", "reservation.hold", "reservation.expire"])
        let kinds = Mutex<[CirculationNoticeKind]>([])
        _ = try await reopened.deliverCirculationNotices { notice in kinds.withLock { $0.append(notice.kind) }; return true }
        #expect(kinds.withLock { $0 } == [.holdReady, .holdExpired, .holdReady])
        #expect(try await reopened.invariantViolations() == [])

        // Nobody else waits: the next expiry leaves the unit available.
        let last = try await reopened.expireHolds(now: TestWorld.instant("2027-01-22T19:00:00Z"))
        #expect(last.map(\.id) == [second.id])
        #expect(try await reopened.unit("WRD-1").status == .available)
        #expect(try await reopened.invariantViolations() == [])
    }

    @Test("the pickup centre's time zone decides when its day is over")
    func expiryByTimeZone() async throws {
        let world = try await TestWorld()
        let families = try await addFamilies(world, 1)
        try await world.unit("WRD-O", "wardrobe", at: "omsk")
        try await world.unit("WRD-M", "wardrobe", at: "moscow")
        let omsk = try await world.store.reserve(family: TestWorld.familyRef, itemType: "wardrobe", at: "omsk", by: world.admin)
        let moscow = try await world.store.reserve(family: families[0], itemType: "wardrobe", at: "moscow", by: world.admin)
        #expect(omsk.pickupBy == TestWorld.date("2026-11-30"))
        #expect(moscow.pickupBy == TestWorld.date("2026-11-30"))
        // 19:30 UTC on 30 November: 01:30 on 1 December in Omsk, 22:30 on 30 November in Moscow.
        let expired = try await world.store.expireHolds(now: TestWorld.instant("2026-11-30T19:30:00Z"))
        #expect(expired.map(\.id) == [omsk.id])
        #expect(try await world.store.reservation(moscow.id).state == .held)
        #expect(try await world.store.expireHolds(now: TestWorld.instant("2026-11-30T21:00:00Z")).map(\.id) == [moscow.id])
    }

    @Test("a closure added after a hold moves its pickup deadline later; removing it does not bring it forward")
    func calendarChangeExtendsPickup() async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        let held = try await world.store.reserve(family: TestWorld.familyRef, itemType: "wardrobe", at: "omsk", by: world.staff)
        // Held on Monday 23 November; open Monday to Friday: 24, 25, 26, 27, 30.
        #expect(held.pickupBy == TestWorld.date("2026-11-30"))
        let closure = try await world.store.addClosure(centre: "omsk", from: TestWorld.date("2026-11-25"),
                                                       through: TestWorld.date("2026-11-27"), kind: .emergency, note: "Авария", by: world.staff)
        // Now 24, 30 November, 1, 2, 3 December.
        #expect(try await world.store.reservation(held.id).pickupBy == TestWorld.date("2026-12-03"))
        try await world.store.removeClosure(id: closure.id, centre: "omsk", by: world.staff)
        _ = try await world.store.setOpenDays([.monday, .tuesday, .wednesday, .thursday, .friday, .saturday], centre: "omsk", by: world.admin)
        #expect(try await world.store.reservation(held.id).pickupBy == TestWorld.date("2026-12-03"), "the family was told 3 December")
        #expect(try await world.store.auditEvents(entity: "reservation", key: "\(held.id)").map(\.action)
                == ["reservation.place", "reservation.hold", "reservation.pickup_extend"])
        // 1 December in Omsk: the old deadline has passed, the new one has not.
        #expect(try await world.store.expireHolds(now: TestWorld.instant("2026-12-01T04:00:00Z")).isEmpty)
        #expect(try await world.store.expireHolds(now: TestWorld.instant("2026-12-03T19:00:00Z")).map(\.id) == [held.id])
    }

    @Test("the number of open days is a rule")
    func pickupDaysArePolicy() async throws {
        let world = try await TestWorld(policy: RentalPolicy(holdPickupOpenDays: 2))
        try await world.unit("WRD-1", "wardrobe")
        let held = try await world.store.reserve(family: TestWorld.familyRef, itemType: "wardrobe", at: "omsk", by: world.staff)
        #expect(held.pickupBy == TestWorld.date("2026-11-25"))
    }
}

@Suite("Reservations")
struct ReservationRuleTests {
    @Test func refusalsHaveTheirOwnCodes() async throws {
        let world = try await TestWorld(policy: RentalPolicy(maxReservationsPerFamily: 2))
        let families = try await addFamilies(world, 1)
        _ = try await world.store.registerFamily(TestWorld.family("F-0100", surname: "Бездетная", phone: "+7 913 300-00-00",
                                                                  children: []), by: world.admin)
        _ = try await world.store.setFamilyStatus(.suspended, family: families[0], by: world.admin)
        func code(_ family: String, _ type: String, at centre: String = "omsk") async -> RentalError.Code? {
            do throws(RentalError) {
                _ = try await world.store.reserve(family: family, itemType: type, at: centre, by: world.admin)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(await code(families[0], "wardrobe") == .familyNotActive)
        #expect(await code("F-0100", "cot") == .noEligibleChild)
        #expect(await code("F-0100", "wardrobe") == nil)
        #expect(await code(TestWorld.familyRef, "cot") == nil)
        #expect(await code(TestWorld.familyRef, "cot", at: "moscow") == .alreadyReserved, "one open reservation per type")
        #expect(await code(TestWorld.familyRef, "wardrobe") == nil)
        #expect(await code(TestWorld.familyRef, "kettle") == .reservationLimitReached)
        _ = try await world.store.setRecall(true, itemType: "kettle", by: world.admin)
        #expect(await code("F-0100", "kettle") == .itemTypeRecalled)
    }

    @Test("a renewal is refused while a family waits, and allowed once it holds a unit")
    func renewalAndHolds() async throws {
        let world = try await TestWorld()
        let families = try await addFamilies(world, 1)
        try await world.unit("WRD-1", "wardrobe")
        let loan = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        let waiting = try await world.store.reserve(family: families[0], itemType: "wardrobe", at: "omsk", by: world.staff)
        #expect(try await #require(throws: RentalError.self) {
            _ = try await world.store.renew(loan: loan.id, by: world.staff)
        }.code == .renewalBlockedByReservations)
        try await world.unit("WRD-2", "wardrobe")
        #expect(try await world.store.reservation(waiting.id).state == .held)
        _ = try await world.store.renew(loan: loan.id, by: world.staff)
    }
}

@Suite("Transfers")
struct TransferTests {
    @Test("a family waits at Omsk, a free cot stands in Moscow: proposed, sent for it, held on receipt")
    func proposeSendReceive() async throws {
        let world = try await TestWorld()
        let moscowStaff = Principal(name: "anna", role: .staff(centres: ["moscow"]))
        try await world.unit("COT-M", "cot", at: "moscow")
        let reservation = try await world.store.reserve(family: TestWorld.familyRef, itemType: "cot", at: "omsk", by: world.staff)
        #expect(reservation.state == .waiting)
        let proposal = TransferProposal(reservation: reservation.id, itemType: "cot", from: "moscow", to: "omsk", unit: "COT-M")
        #expect(reservation.proposal == proposal)
        #expect(try await world.store.transferProposals(centre: "moscow") == [proposal])

        #expect(try await #require(throws: RentalError.self) {
            _ = try await world.store.send(unit: "COT-M", to: "omsk", for: reservation.id, by: world.staff)
        }.code == .forbidden, "staff at the unit's centre send it")
        let transfer = try await world.store.send(unit: "COT-M", to: "omsk", for: reservation.id, by: moscowStaff)
        #expect(transfer.from == "moscow")
        #expect(transfer.to == "omsk")
        #expect(transfer.sentBy == "anna")
        #expect(transfer.reservation == reservation.id)
        #expect(transfer.daysOnTheWay == 0)
        #expect(try await world.store.transferProposals().isEmpty, "nothing more to propose")
        #expect(try await world.store.reservation(reservation.id).proposal == nil)

        world.clock.advance(by: 2 * 86_400)
        #expect(try await world.store.transfers(centre: "omsk").map(\.daysOnTheWay) == [2])
        #expect(try await #require(throws: RentalError.self) {
            _ = try await world.store.receive(unit: "COT-M", by: moscowStaff)
        }.code == .forbidden, "staff at the destination receive it")
        let receipt = try await world.store.receive(unit: "COT-M", by: world.staff)
        #expect(receipt.unit.status == .held)
        #expect(receipt.unit.currentCentre == "omsk")
        #expect(receipt.heldFor?.id == reservation.id)
        #expect(try await world.store.transfers().isEmpty)
        try await expectInvariants(world)
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "COT-M", at: "omsk", by: world.staff)
        #expect(try await world.store.reservation(reservation.id).state == .fulfilled)
    }

    @Test("sent for a reservation, a unit is held for it even when another family is ahead in the queue")
    func sentForAReservation() async throws {
        let world = try await TestWorld()
        let families = try await addFamilies(world, 1)
        let ahead = try await world.store.reserve(family: families[0], itemType: "wardrobe", at: "omsk", by: world.staff)
        let target = try await world.store.reserve(family: TestWorld.familyRef, itemType: "wardrobe", at: "omsk", by: world.staff)
        try await world.unit("WRD-M", "wardrobe", at: "moscow")
        _ = try await world.store.send(unit: "WRD-M", to: "omsk", for: target.id, by: world.admin)
        let receipt = try await world.store.receive(unit: "WRD-M", by: world.staff)
        #expect(receipt.heldFor?.id == target.id)
        #expect(try await world.store.reservation(ahead.id).state == .waiting)
        // A reservation elsewhere or of another type cannot be named.
        try await world.unit("WRD-X", "wardrobe", at: "moscow")
        #expect(try await #require(throws: RentalError.self) {
            _ = try await world.store.send(unit: "WRD-X", to: "moscow", for: ahead.id, by: world.admin)
        }.code == .invalidInput)
    }

    @Test("a unit returned away from home floats by default, or goes home by the rule; the receipt says which")
    func returnElsewherePolicy() async throws {
        for policy in ReturnElsewhere.allCases {
            let world = try await TestWorld(policy: RentalPolicy(returnElsewhere: policy))
            try await world.unit("WRD-1", "wardrobe")
            _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
            let receipt = try await world.store.returnUnit("WRD-1", at: "moscow", condition: .good, by: world.admin)
            #expect(receipt.returnElsewhere == policy)
            let unit = try await world.store.unit("WRD-1")
            switch policy {
            case .floating:
                #expect(receipt.unitStatus == .available)
                #expect(unit.currentCentre == "moscow")
                #expect(receipt.sentTo == nil)
            case .sendHome:
                #expect(receipt.unitStatus == .inTransit)
                #expect(unit.transitTo == "omsk")
                #expect(receipt.sentTo == "omsk")
                #expect(try await world.store.transfers().map(\.sentBy) == ["admin"])
            }
        }
    }

    @Test("under send-home, a family waiting where the unit was returned still comes first")
    func sendHomeYieldsToAWaitingFamily() async throws {
        let world = try await TestWorld(policy: RentalPolicy(returnElsewhere: .sendHome))
        let families = try await addFamilies(world, 1)
        try await world.unit("WRD-1", "wardrobe")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-1", at: "omsk", by: world.staff)
        let waiting = try await world.store.reserve(family: families[0], itemType: "wardrobe", at: "moscow", by: world.admin)
        let receipt = try await world.store.returnUnit("WRD-1", at: "moscow", condition: .good, by: world.admin)
        #expect(receipt.unitStatus == .held)
        #expect(receipt.heldFor == waiting.id)
        #expect(receipt.sentTo == nil)
    }
}

@Suite("Recalls")
struct RecallTests {
    @Test("a recall withdraws free and held units, closes waiting lists, lists open loans; lifting needs a safety check")
    func recallAndLift() async throws {
        let world = try await TestWorld()
        let families = try await addFamilies(world, 3)
        try await world.unit("COT-1", "cot")
        try await world.unit("COT-2", "cot")
        try await world.unit("COT-3", "cot")
        let loan = try await world.store.checkout(family: TestWorld.familyRef, unit: "COT-1", at: "omsk", by: world.staff)
        let held = try await world.store.reserve(family: families[0], itemType: "cot", at: "omsk", by: world.staff)
        #expect(held.heldUnit == "COT-2")
        _ = try await world.store.checkout(family: families[1], unit: "COT-3", at: "omsk", by: world.staff)
        _ = try await world.store.returnUnit("COT-3", at: "omsk", condition: .good, by: world.staff)  // sanitising
        let waiting = try await world.store.reserve(family: families[2], itemType: "cot", at: "omsk", by: world.staff)
        #expect(waiting.state == .waiting)

        let report = try await world.store.recall(itemType: "cot", note: "сломан фиксатор", by: world.admin)
        #expect(report.itemType.recalled)
        #expect(report.withdrawnUnits == ["COT-2", "COT-3"])
        #expect(report.releasedHolds == [held.id])
        #expect(report.closedReservations == [waiting.id])
        #expect(report.openLoans.map(\.id) == [loan.id])
        #expect(try await world.store.reservation(held.id).closeReason == "recalled")
        #expect(try await world.store.reservation(waiting.id).state == .cancelled)
        #expect(try await world.store.unit("COT-2").status == .available)
        try await expectInvariants(world)
        // Nothing is held or lent while recalled, even when a unit comes free.
        _ = try await world.store.change(.finishSanitising, unit: "COT-3", by: world.staff)
        #expect(try await world.store.unit("COT-3").status == .available)
        #expect(try await #require(throws: RentalError.self) {
            _ = try await world.store.reserve(family: families[2], itemType: "cot", at: "omsk", by: world.staff)
        }.code == .itemTypeRecalled)
        let notices = Mutex<[CirculationNotice]>([])
        _ = try await world.store.deliverCirculationNotices { notice in notices.withLock { $0.append(notice) }; return true }
        let recallNotices = notices.withLock { $0 }.filter { $0.kind == .recall }
        #expect(recallNotices.map(\.loan) == [loan.id])
        #expect(recallNotices.first?.family == TestWorld.familyRef)

        let refused = try await #require(throws: RentalError.self) { _ = try await world.store.liftRecall(itemType: "cot", by: world.admin) }
        #expect(refused.code == .recallSafetyCheckMissing)
        #expect(refused.message.contains("COT-2") && refused.message.contains("COT-3") && !refused.message.contains("COT-1"))
        for unit in ["COT-2", "COT-3"] {
            _ = try await world.store.recordSafetyCheck(unit: unit, on: TestWorld.date("2026-11-23"), passed: true, by: world.staff)
        }
        let lifted = try await world.store.liftRecall(itemType: "cot", by: world.admin)
        #expect(!lifted.recalled)
        _ = try await world.store.checkout(family: families[2], unit: "COT-3", at: "omsk", by: world.staff)
        try await expectInvariants(world)
    }
}

@Suite("Hold races and invariants")
struct HoldRaceTests {
    @Test("two cots returned at once for one waiting family: exactly one is held, every round")
    func twoReturnsOneFamily() async throws {
        let world = try await TestWorld()
        let families = try await addFamilies(world, 3)
        for round in 1...10 {
            let a = try await world.unit("RA-\(round)", "wardrobe")
            let b = try await world.unit("RB-\(round)", "wardrobe")
            _ = try await world.store.checkout(family: families[0], unit: a, at: "omsk", by: world.staff)
            _ = try await world.store.checkout(family: families[1], unit: b, at: "omsk", by: world.staff)
            let waiting = try await world.store.reserve(family: families[2], itemType: "wardrobe", at: "omsk", by: world.staff)
            async let first = world.store.returnUnit(a, at: "omsk", condition: .good, by: world.staff)
            async let second = world.store.returnUnit(b, at: "omsk", condition: .good, by: world.staff)
            let receipts = try await [first, second]
            #expect(receipts.filter { $0.heldFor == waiting.id }.count == 1, "round \(round)")
            #expect(Set(receipts.map(\.unitStatus)) == [.held, .available], "round \(round)")
            #expect(try await world.count("SELECT count(*) FROM reservation WHERE state = 'held'") == 1)
            try await expectInvariants(world)
            try await world.store.closeReservation(waiting.id, by: world.staff)
            try await expectInvariants(world)
            for unit in [a, b] { _ = try await world.store.change(.retire, unit: unit, by: world.staff) }
        }
    }

    @Test("64 families race for a held unit: only the holder's checkout succeeds, every round")
    func heldUnitRace() async throws {
        let world = try await TestWorld()
        let families = try await addFamilies(world, 64)
        for round in 1...10 {
            let unit = try await world.unit("HELD-\(round)", "wardrobe")
            let holder = families[(round * 7) % families.count]
            let hold = try await world.store.reserve(family: holder, itemType: "wardrobe", at: "omsk", by: world.staff)
            #expect(hold.heldUnit == unit)
            let outcomes = await withTaskGroup(of: (String, RentalError.Code?).self) { group in
                for family in families {
                    group.addTask {
                        do throws(RentalError) {
                            _ = try await world.store.checkout(family: family, unit: unit, at: "omsk", by: world.staff)
                            return (family, nil)
                        } catch {
                            return (family, error.code)
                        }
                    }
                }
                return await group.reduce(into: [(String, RentalError.Code?)]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0.1 == nil }.map(\.0) == [holder], "round \(round)")
            #expect(outcomes.compactMap(\.1).allSatisfy { $0 == .unitHeldForAnother || $0 == .unitNotAvailable },
                    "round \(round): \(outcomes.compactMap(\.1))")
            #expect(try await world.store.reservation(hold.id).state == .fulfilled)
            _ = try await world.store.returnUnit(unit, at: "omsk", condition: .good, by: world.staff)
            _ = try await world.store.change(.retire, unit: unit, by: world.staff)
            try await expectInvariants(world)
        }
    }

    @Test("the invariant check finds a held unit without its reservation and a free unit beside a waiting family")
    func invariantCheckFindsBreakage() async throws {
        let world = try await TestWorld()
        try await world.unit("WRD-1", "wardrobe")
        try await world.unit("WRD-2", "wardrobe")
        _ = try await world.store.checkout(family: TestWorld.familyRef, unit: "WRD-2", at: "omsk", by: world.staff)
        let families = try await addFamilies(world, 1)
        let reservation = try await world.store.reserve(family: families[0], itemType: "wardrobe", at: "omsk", by: world.staff)
        try await expectInvariants(world)
        // Behind the store's back: the hold is undone but the unit left held.
        try await world.rawQueue().write { db in
            try db.execute(sql: """
                UPDATE reservation SET state = 'waiting', held_unit_id = NULL, held_at = NULL, pickup_by = NULL WHERE id = ?
                """, arguments: [reservation.id])
        }
        #expect(try await world.store.invariantViolations() == ["held unit WRD-1 has 0 held reservation(s)"])
        try await world.rawQueue().write { db in try db.execute(sql: "UPDATE unit SET status = 'available' WHERE inventory_number = 'WRD-1'") }
        #expect(try await world.store.invariantViolations() == ["unit WRD-1 is available at omsk while family \(families[0]) waits for it"])
        // The schema refuses a second hold on one unit and a held reservation without a unit.
        #expect(throws: DatabaseError.self) {
            try world.rawQueue().write { db in
                try db.execute(sql: "UPDATE reservation SET state = 'held', pickup_by = '2026-11-30', held_at = 0 WHERE id = ?",
                               arguments: [reservation.id])
            }
        }
    }
}
