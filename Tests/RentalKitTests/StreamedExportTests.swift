import Foundation
import Synchronization
import Testing
@testable import RentalKit

/// Registers leave the store in pieces as they are read, never whole.
@Suite("Streamed exports")
struct StreamedExportTests {
    /// A world with 3,000 wardrobes at Omsk.
    func world() async throws -> TestWorld {
        let world = try await TestWorld()
        for number in 1...3000 {
            _ = try await world.store.addUnit(NewUnit(inventoryNumber: "ШКФ-\(number)", itemType: "wardrobe", centre: "omsk"),
                                              by: world.admin)
        }
        return world
    }

    @Test("the pieces are bounded, come in order, start with the CSV header, and make the whole register",
          arguments: [ExportFormat.csv, .json])
    func piecesMakeTheWhole(format: ExportFormat) async throws {
        let world = try await world()
        let pieces = Mutex<[Data]>([])
        try await world.store.export(.units, format: format, by: world.admin, chunkBytes: 4096) { piece in
            pieces.withLock { $0.append(piece) }
        }
        let received = pieces.withLock { $0 }
        let whole = try await world.store.export(.units, format: format, by: world.admin)
        #expect(received.count > 20, "\(received.count) pieces")
        #expect(received.reduce(Data(), +) == whole)
        // A piece is handed over once it reaches the size: at most one row beyond it.
        #expect(received.allSatisfy { $0.count < 4096 + 512 }, "\(received.map(\.count).max() ?? 0)")
        if format == .csv {
            let header = String(decoding: received[0], as: UTF8.self)
            #expect(header.hasPrefix("\u{FEFF}Инвентарный номер;") && header.hasSuffix("\r\n"), "\(header)")
            #expect(header.split(separator: "\r\n").count == 1, "the header alone")
        } else {
            let units = try JSONDecoder().decode([RentalUnit].self, from: whole)
            #expect(units.count == 3000)
        }
    }

    @Test("a refusal comes before any piece; a consumer that stops ends the export")
    func refusalsAndStops() async throws {
        let world = try await world()
        let written = Atomic<Int>(0)
        await #expect(throws: RentalError.self) {
            try await world.store.export(.loans, centre: "nowhere", by: world.admin) { _ in written.add(1, ordering: .relaxed) }
        }
        await #expect(throws: RentalError.self) {
            try await world.store.export(.families, by: world.staff) { _ in written.add(1, ordering: .relaxed) }
        }
        #expect(written.load(ordering: .relaxed) == 0)

        struct Gone: Error {}
        await #expect(throws: RentalError.self) {
            try await world.store.export(.units, by: world.admin, chunkBytes: 1024) { _ in
                if written.add(1, ordering: .relaxed).newValue == 3 { throw Gone() }
            }
        }
        #expect(written.load(ordering: .relaxed) == 3, "nothing written after the consumer stopped")
    }
}
