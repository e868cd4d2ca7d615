import Foundation
import Glibc
import Testing
import RentalClient
@testable import RentalKit
import RentalProtocol

/// Registers in and out and personal data through the real daemon, on the demo store.
@Suite("Registers and personal data through rentald")
struct RegisterAPITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the sample registers under docs/ import into the demo data; export gives them back; erase and subject access")
    func sampleRegisters() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        let units = try [UInt8](Data(contentsOf: Self.root.appendingPathComponent("docs/sample-units.csv")))
        let dry = try await client.importRegister(.units, csv: units, options: ImportOptions(dryRun: true))
        #expect(dry.problems == [] && dry.added == 3 && !dry.written)
        await #expect(throws: RentalError.self) { try await client.unit("КРВ-0101") }
        let report = try await client.importRegister(.units, csv: units, options: ImportOptions())
        #expect(report.problems == [] && report.written)
        #expect(try await client.unit("КОЛ-0033").fundingSource == "Пожертвование; ООО «Ромашка»")
        let again = try await client.importRegister(.units, csv: units, options: ImportOptions())
        #expect(again.unchanged == 3 && !again.written)
        let families = try [UInt8](Data(contentsOf: Self.root.appendingPathComponent("docs/sample-families.csv")))
        #expect(try await client.importRegister(.families, csv: families, options: ImportOptions()).added == 2)

        let csv = String(decoding: try await client.export(.units, centre: "vdokhnovenie"), as: UTF8.self)
        #expect(csv.hasPrefix("\u{FEFF}Инвентарный номер;") && csv.contains("КОЛ-0033;pram;vdokhnovenie;"))
        let loans = String(decoding: try await client.export(.loans), as: UTF8.self)
        #expect(loans.hasPrefix("\u{FEFF}Номер выдачи;"))

        let record = try await client.familyRecord("F-2026-9001")
        #expect(record.family.contactSurname == "Образцова" && record.family.children.count == 2)
        let erased = try await client.eraseFamily("F-2026-9001")
        #expect(erased.reference == "F-2026-9001")
        await #expect(throws: RentalError.self) { try await client.family("F-2026-9001") }
        #expect(try await client.verifyAudit().firstBroken == nil)
        #expect(try await client.anonymise(dryRun: true).dryRun)
        #expect(try await daemon.stop() == 0)
        #expect(!daemon.log.contains("Образцова"))
    }

    @Test("a register over max_body_bytes is accepted by the import route (max_import_bytes)")
    func largeRegister() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        // Long rows, so that few of them pass 1 MiB (the daemon's default max_body_bytes).
        let funding = String(repeating: "Областной бюджет, ", count: 10)
        var text = "inventory_number;item_type;centre;funding_source\r\n"
        for index in 1...4_000 { text += "BIG-\(index);kettle;ryabinushka;\"\(funding)\(index)\"\r\n" }
        #expect(text.utf8.count > 1 << 20)
        let report = try await daemon.client.importRegister(.units, csv: Array(text.utf8), options: ImportOptions())
        #expect(report.problems == [] && report.added == 4_000)
        #expect(try await daemon.stop() == 0)
    }

    @Test("kill -9 during an import of 100,000 units leaves the store as it was")
    func killDuringImport() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let before = try #require(try await daemon.client.health().summary?.units)
        var text = "Инвентарный номер;Тип;Центр;Стоимость\r\n"
        for index in 1...100_000 { text += "KILL-\(index);kettle;ryabinushka;1 299,50\r\n" }
        let bytes = Array(text.utf8)
        let client = daemon.client
        let load = Task { try? await client.importRegister(.units, csv: bytes, options: ImportOptions()) }
        try await Task.sleep(for: .milliseconds(1200))
        daemon.signal(SIGKILL)
        await daemon.reap()
        let answer = await load.value
        try await daemon.start(demo: false)
        let after = try #require(try await daemon.client.health().summary?.units)
        if answer?.written == true {
            // The import committed before the kill: then all of it is there.
            #expect(after == before + 100_000)
        } else {
            #expect(after == before)
            await #expect(throws: RentalError.self) { try await daemon.client.unit("KILL-1") }
            await #expect(throws: RentalError.self) { try await daemon.client.unit("KILL-100000") }
        }
        #expect(try await daemon.client.verifyAudit().firstBroken == nil)
        #expect(try await daemon.stop() == 0)
    }
}

/// A register larger than the daemon's memory bound leaves it in pieces, chunked, in bounded memory.
@Suite("Streamed exports through rentald")
struct StreamedExportAPITests {
    @Test("200,000 loans as JSON (about 68 MB) leave rentald with its memory growing by less than 30 MB; a refusal keeps its status")
    func largeExportInBoundedMemory() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        #expect(try await daemon.stop() == 0)
        // Historic loans, written straight into the stopped daemon's store (one transaction).
        // On the writer's queue, not on a thread of the test's task pool (other tests run beside this one).
        let store = try RentalStore.open(path: daemon.storePath, options: .init(synchronous: .normal, commitsOnCallingThread: false))
        let count = 200_000
        try await store.write { db in
            let unit = try Int64.fetchOne(db, sql: "SELECT id FROM unit ORDER BY id LIMIT 1") ?? 0
            let family = try Int64.fetchOne(db, sql: "SELECT id FROM family ORDER BY id LIMIT 1") ?? 0
            let centre = try Int64.fetchOne(db, sql: "SELECT id FROM centre ORDER BY id LIMIT 1") ?? 0
            let insert = try db.makeStatement(sql: """
                INSERT INTO loan (unit_id, family_id, centre_id, issued_by, issued_at, issued_on, due_date, state, closed_at, closed_by)
                VALUES (?, ?, ?, 'history', 1700000000000, '2023-11-14', '2023-12-14', 'returned', 1702000000000, 'history')
                """)
            for _ in 0..<count { try insert.execute(arguments: [unit, family, centre]) }
        }
        try store.close()
        try await daemon.start(demo: false)
        let pid = try #require(daemon.process?.pid)
        let before = try HostileInputTests().residentBytes(pid)

        let output = try await Spawn.run(["/bin/bash", "-c", """
            curl -sS -D '\(daemon.directory.path)/headers' --unix-socket '\(daemon.socketPath)' 'http://localhost/v1/exports/loans?format=json' \
              | tee >(tail -c 200 >'\(daemon.directory.path)/tail') | grep -o '"issuedBy":"history"' | wc -l
            """], timeout: 300)
        let peak = try HostileInputTests().residentBytes(pid)
        let headers = try String(contentsOfFile: daemon.directory.appendingPathComponent("headers").path, encoding: .utf8).lowercased()
        print("streamed export: \(output.trimmingCharacters(in: .whitespacesAndNewlines)); rentald VmRSS \(before / 1024) KiB before, \(peak / 1024) KiB after")
        #expect(headers.contains("transfer-encoding: chunked") && !headers.contains("content-length"), "\(headers)")
        #expect(Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) == count, "\(output)")
        let tail = try String(contentsOfFile: daemon.directory.appendingPathComponent("tail").path, encoding: .utf8)
        #expect(tail.hasSuffix("}]"), "the array is complete: \(tail)")
        #expect(peak - before < 30 << 20, "VmRSS grew from \(before) to \(peak) bytes")

        // Clients that hang up halfway: the export stops, the daemon stays up, the reader is free again.
        for _ in 0..<3 {
            _ = try await Spawn.run(["/bin/bash", "-c", """
                curl -sS --unix-socket '\(daemon.socketPath)' 'http://localhost/v1/exports/loans?format=json' | head -c 300000 >/dev/null
                """], timeout: 120, success: [0, 23])
        }
        #expect(try await daemon.client.health().status == "ok", "rentald survives clients that hang up mid-export")
        #expect(try await daemon.client.export(.units).count > 1000)

        // Two clients that ask for an export and read nothing hold the two places; a third waits its turn
        // (503); once they hang up, exports run again.
        let deaf = try (0..<2).map { _ in try Self.sendWithoutReading(daemon.socketPath, "GET /v1/exports/loans?format=json HTTP/1.1\r\nHost: x\r\n\r\n") }
        var third: (status: Int, body: String) = (0, "")
        for _ in 0..<100 {  // once the daemon has read both requests (a loaded machine may take a moment)
            third = try await daemon.curlRaw([], "/v1/exports/units")
            if third.status != 200 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(third.status == 503 && third.body.contains("service_unavailable"), "\(third)")
        #expect(try await daemon.client.health().status == "ok", "other requests are served meanwhile")
        for fd in deaf { close(fd) }
        var again: (status: Int, body: String) = (0, "")
        for _ in 0..<100 {
            again = try await daemon.curlRaw([], "/v1/exports/units")
            if again.status == 200 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(again.status == 200, "exports run again once the silent clients hung up: \(again.status)")

        // Refused before any byte: a problem body with its own status, as before.
        let refused = try await daemon.curlRaw([], "/v1/exports/loans?centre=nowhere")
        #expect(refused.status == 404 && refused.body.contains("centre_not_found"), "\(refused)")
        try await daemon.stop()
    }

    /// A connection that sends `request` and never reads the answer.
    static func sendWithoutReading(_ path: String, _ request: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect failed") }
        let bytes = Array(request.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw HarnessError("write failed") }
        return fd
    }
}
