import Foundation
import GRDB
@testable import RentalKit
import Testing

@Suite("The whole-file check at open")
struct IntegrityCheckTests {
    let options = RentalStore.Options(integrityCheck: .atOpenUnlessClosedCleanly)

    /// A store with a few rows, closed cleanly; returns its path and the first page of the index
    /// `audit_by_entity` (damaging it leaves every query the open needs readable).
    func cleanlyClosedStore() async throws -> (path: String, indexPage: Int) {
        let world = try await TestWorld()
        for n in 1...50 { try await world.unit("WRD-\(n)", "wardrobe") }
        let page = try await world.store.read { db in
            try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_schema WHERE name = 'audit_by_entity'") ?? 0
        }
        try world.store.close()
        return (world.path, page)
    }

    /// Overwrites one page in place, keeping the file's size and modification time.
    func damage(_ path: String, page: Int) throws {
        var info = stat()
        #expect(stat(path, &info) == 0)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seek(toOffset: UInt64(4096 * (page - 1)))
        handle.write(Data(repeating: 0xA5, count: 4096))
        try handle.close()
        var times = [info.st_atim, info.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
    }

    @Test func aCleanlyClosedUntouchedStoreLeavesTheCheckForLaterAndPassesIt() async throws {
        let (path, _) = try await cleanlyClosedStore()
        #expect(FileManager.default.fileExists(atPath: CleanShutdown.markPath(path)))
        let store = try RentalStore.open(path: path, options: options)
        #expect(store.integrityCheckDeferred)
        #expect(!FileManager.default.fileExists(atPath: CleanShutdown.markPath(path)), "opening takes the mark away")
        try await store.checkIntegrity()
        try store.close()
        // With the default, the check always runs at open.
        let strict = try RentalStore.open(path: path)
        #expect(!strict.integrityCheckDeferred)
    }

    @Test func aStoreThatWasNotClosedIsCheckedAtOpen() async throws {
        let (path, _) = try await cleanlyClosedStore()
        do {
            let crashed = try RentalStore.open(path: path, options: options)
            _ = try await crashed.addCentre(NewCentre(code: "tara", name: "Тара", region: "", timeZone: "Asia/Omsk"),
                                            by: .admin("root"))
            // No close(): as after kill -9 or a power cut.
        }
        let store = try RentalStore.open(path: path, options: options)
        #expect(!store.integrityCheckDeferred)
    }

    @Test func aFileChangedAfterACleanCloseIsCheckedAtOpen() async throws {
        let (path, page) = try await cleanlyClosedStore()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seek(toOffset: UInt64(4096 * (page - 1)))
        handle.write(Data(repeating: 0xA5, count: 4096))
        try handle.close()
        let error = try #require(throws: RentalError.self) { _ = try RentalStore.open(path: path, options: options) }
        #expect(error.code == .storageCorrupt)
    }

    @Test func damageThatKeepsSizeAndTimeIsFoundByTheLaterCheck() async throws {
        let (path, page) = try await cleanlyClosedStore()
        try damage(path, page: page)
        let store = try RentalStore.open(path: path, options: options)
        #expect(store.integrityCheckDeferred)
        let error = try await #require(throws: RentalError.self) { try await store.checkIntegrity() }
        #expect(error.code == .storageCorrupt)
        try store.close()
        #expect(!FileManager.default.fileExists(atPath: CleanShutdown.markPath(path)), "an unverified store is not marked clean")
        #expect(throws: RentalError.self) { _ = try RentalStore.open(path: path, options: options) }
    }
}
