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
}
