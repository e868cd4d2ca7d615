import Foundation
import GRDB
@testable import RentalKit

/// A real store in a fresh temporary directory, with a manual clock and a small region:
/// an Omsk centre (Asia/Omsk, UTC+6) and a Moscow-zone centre (Europe/Moscow, UTC+3), both open
/// Monday to Friday; a cot (infant, sanitised, under 12 months), a kettle (appliance, safety check
/// every 365 days) and a wardrobe (furniture); rules for all centres; one eligible family.
struct TestWorld {
    let directory: URL
    let clock: ManualClock
    let store: RentalStore
    let admin = Principal.admin("admin")
    let staff = Principal(name: "olga", role: .staff(centres: ["omsk"]))

    /// Family «Иванова Мария Петровна», +7 913 123-45-67, with a child born 2026-06-01.
    static let familyRef = "F-0001"
    static let surname = "Иванова"
    static let phone = "+7 (913) 123-45-67"
    static let address = "г. Омск, ул. Ленина, д. 1, кв. 2"

    /// Monday 2026-11-23, 10:00 in Omsk (04:00 UTC).
    static let monday = instant("2026-11-23T04:00:00Z")

    static func instant(_ iso: String) -> Date {
        ISO8601DateFormatter().date(from: iso) ?? Date(timeIntervalSince1970: 0)
    }

    static func date(_ text: String) -> LocalDate {
        LocalDate(text) ?? LocalDate(year: 1970, month: 1, day: 1)!
    }

    init(now: Date = TestWorld.monday, policy: RentalPolicy = .init(), seed: Bool = true) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rentalkit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        clock = ManualClock(now)
        store = try RentalStore.open(path: directory.appendingPathComponent("rental.sqlite").path,
                                     options: .init(policy: policy), clock: clock)
        if seed { try await self.seed() }
    }

    var path: String { directory.appendingPathComponent("rental.sqlite").path }

    func seed() async throws {
        _ = try await store.addCentre(NewCentre(code: "omsk", name: "Рябинушка", region: "Омская область",
                                                timeZone: "Asia/Omsk"), by: admin)
        _ = try await store.addCentre(NewCentre(code: "moscow", name: "Московский", region: "Москва",
                                                timeZone: "Europe/Moscow"), by: admin)
        _ = try await store.addItemType(ItemType(code: "cot", name: "Кроватка детская", category: .infant,
                                                 sanitiseAfterReturn: true, infantAgeLimitMonths: 12), by: admin)
        _ = try await store.addItemType(ItemType(code: "kettle", name: "Чайник электрический", category: .appliance,
                                                 sanitiseAfterReturn: false, safetyCheckDays: 365), by: admin)
        _ = try await store.addItemType(ItemType(code: "wardrobe", name: "Шкаф", category: .furniture,
                                                 sanitiseAfterReturn: false), by: admin)
        _ = try await store.setRule(LoanRule(scope: RuleScope(), period: .days(30), renewalsAllowed: 1,
                                             maxOpenLoans: 3, maxOpenLoansInCategory: 2), by: admin)
        _ = try await store.setRule(LoanRule(scope: RuleScope(category: .infant), period: .months(3), renewalsAllowed: 2,
                                             renewalPeriod: .months(1), maxOpenLoans: 3, maxOpenLoansInCategory: 1),
                                    by: admin)
        _ = try await store.registerFamily(Self.family(), by: admin)
    }

    static func family(_ reference: String = familyRef, surname: String = surname, phone: String = phone,
                       children: [Child] = [Child(birthDate: date("2026-06-01"))]) -> Family {
        Family(reference: reference, contactSurname: surname, contactGivenNames: "Мария Петровна", phone: phone,
               address: address, lowIncomeUntil: date("2027-06-30"), socialContract: nil,
               consentOn: date("2026-01-15"), children: children)
    }

    /// Adds a unit at a centre and returns its inventory number.
    @discardableResult
    func unit(_ number: String, _ type: String, at centre: String = "omsk",
              safetyCheck: LocalDate? = TestWorld.date("2026-10-01")) async throws -> String {
        try await store.addUnit(NewUnit(inventoryNumber: number, itemType: type, centre: centre,
                                        lastSafetyCheck: safetyCheck), by: admin).inventoryNumber
    }

    /// A second connection to the same file, for checks and fault injection beside the store.
    func rawQueue() throws -> DatabaseQueue {
        var config = Configuration()
        config.busyMode = .timeout(5)
        return try DatabaseQueue(path: path, configuration: config)
    }

    func count(_ sql: String) async throws -> Int {
        try await store.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }
}
