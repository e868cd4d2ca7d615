import Foundation
import Testing
@testable import RentalKit

@Suite("Families")
struct FamilyTests {
    func world() async throws -> TestWorld {
        let world = try await TestWorld()
        for (reference, surname, phone) in [
            ("F-0002", "СЕМЁНОВА", "8 (913) 222-33-44"),
            ("F-0003", "Иванченко", "+7 381 2000001"),
            ("F-0004", "Smith_100%", "+7 913 555-66-77"),
            ("F-0005", "Йорданова", "+7 913 777-88-99"),
        ] {
            _ = try await world.store.registerFamily(TestWorld.family(reference, surname: surname, phone: phone), by: world.staff)
        }
        return world
    }

    @Test("Cyrillic names round-trip exactly")
    func cyrillicRoundTrip() async throws {
        let world = try await world()
        let family = try await world.store.family("F-0002")
        #expect(family.contactSurname == "СЕМЁНОВА")
        #expect(family.contactGivenNames == "Мария Петровна")
        #expect(family.address == TestWorld.address)
        #expect(try await world.store.centre("omsk").name == "Рябинушка")
    }

    @Test("surname search is case-insensitive in Cyrillic and folds ё", arguments: [
        ("иван", ["F-0001", "F-0003"]), ("ИВАНОВА", ["F-0001"]), ("ова", ["F-0001", "F-0002", "F-0005"]),
        ("семенов", ["F-0002"]), ("Семён", ["F-0002"]), ("йорд", ["F-0005"]), ("smith", ["F-0004"]),
        ("_", ["F-0004"]), ("%", ["F-0004"]), ("петров", []),
    ])
    func surnameSearch(query: String, expected: [String]) async throws {
        let world = try await world()
        #expect(try await world.store.findFamilies(query).map(\.reference) == expected)
    }

    @Test("decomposed й (и + combining breve) finds the precomposed one")
    func unicodeNormalisation() async throws {
        let world = try await world()
        #expect(try await world.store.findFamilies("\u{0438}\u{0306}орд").map(\.reference) == ["F-0005"])
    }

    @Test("phone search ignores formatting and the 8/+7 trunk prefix", arguments: [
        ("+7 913 222 33 44", ["F-0002"]), ("89132223344", ["F-0002"]), ("222-33-44", ["F-0002"]),
        ("(913) 123-45-67", ["F-0001"]), ("00000", []),
    ])
    func phoneSearch(query: String, expected: [String]) async throws {
        let world = try await world()
        #expect(try await world.store.findFamilies(query).map(\.reference) == expected)
    }

    @Test func searchByReference() async throws {
        let world = try await world()
        #expect(try await world.store.findFamilies("f-0003").map(\.reference) == ["F-0003"])
    }

    @Test func updatesAreAuditedByFieldNameWithoutValues() async throws {
        let world = try await world()
        let updated = try await world.store.updateFamily(
            "F-0002", FamilyUpdate(phone: "+7 913 999-00-11", address: "г. Омск, ул. Мира, 5"), by: world.staff)
        #expect(updated.phone == "+7 913 999-00-11")
        #expect(try await world.store.findFamilies("9990011").map(\.reference) == ["F-0002"])
        let event = try #require(try await world.store.auditEvents(entity: "family", key: "F-0002").last)
        #expect(event.action == "family.update")
        #expect(event.details == ["fields": "phone,address"])
        let everything = try await world.store.auditEvents(limit: 1000)
        let text = everything.map { "\($0.details)" }.joined()
        for personal in ["СЕМЁНОВА", "Мира", "999", "Мария"] {
            #expect(!text.contains(personal), "audit leaks \(personal)")
        }
    }

    @Test("bad input is refused with the field named", arguments: [
        ("phone", "+7 913 abc"),
        ("phone", "123"),
        ("contactSurname", ""),
        ("reference", "F 0001"),
    ])
    func validation(field: String, value: String) async throws {
        let world = try await TestWorld()
        var family = TestWorld.family("F-0099", surname: "Новикова", phone: "+7 913 000-00-99")
        switch field {
        case "phone": family.phone = value
        case "contactSurname": family.contactSurname = value
        default: family.reference = value
        }
        let error = try await #require(throws: RentalError.self) { _ = try await world.store.registerFamily(family, by: world.staff) }
        #expect(error.code == .invalidInput)
        #expect(error.message.hasPrefix(field))
        #expect(!error.message.contains(value) || value.isEmpty)
    }

    @Test func childrenDatesAreChecked() async throws {
        let world = try await TestWorld()
        let born = try await #require(throws: RentalError.self) {
            _ = try await world.store.registerFamily(
                TestWorld.family("F-0099", children: [Child(birthDate: TestWorld.date("2027-01-01"))]), by: world.staff)
        }
        #expect(born.message == "children[0].birthDate: is in the future: mark the child as expected")
        let far = try await #require(throws: RentalError.self) {
            _ = try await world.store.registerFamily(
                TestWorld.family("F-0099", children: [Child(birthDate: TestWorld.date("2028-01-01"), expected: true)]),
                by: world.staff)
        }
        #expect(far.code == .invalidInput)
    }

    @Test func duplicateReferenceIsRefusedAndNothingChanges() async throws {
        let world = try await TestWorld()
        let error = try await #require(throws: RentalError.self) {
            _ = try await world.store.registerFamily(TestWorld.family(TestWorld.familyRef, surname: "Другая"), by: world.staff)
        }
        #expect(error.code == .alreadyExists)
        #expect(error.message == "a family with this reference exists already", "said in words, without SQL")
        #expect(try await world.store.family(TestWorld.familyRef).contactSurname == TestWorld.surname)
    }

    @Test func readOnlyUsersCannotRegister() async throws {
        let world = try await TestWorld()
        let error = try await #require(throws: RentalError.self) {
            _ = try await world.store.registerFamily(TestWorld.family("F-0099"), by: Principal(name: "x", role: .readOnly))
        }
        #expect(error.code == .forbidden)
    }
}
