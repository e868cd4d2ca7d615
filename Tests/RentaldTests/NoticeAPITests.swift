import Foundation
import Testing
import RentalClient
import RentalProtocol

@Suite("Overdue notices through the daemon")
struct NoticeAPITests {
    @Test("the start-up scan notifies every overdue loan once; scans and restarts repeat nothing; no personal data")
    func startUpScanRestartAndPrivacy() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        let overdue = try #require(try await client.health().summary?.overdueLoans)
        #expect(overdue > 0)
        var sent: [Notice] = []
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            sent = try await client.notices(limit: 1000).items
            if Set(sent.filter { $0.daysOverdue > 0 }.map(\.loan)).count == overdue { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let overdueNotices = sent.filter { $0.daysOverdue > 0 }
        #expect(Set(overdueNotices.map(\.loan)).count == overdue, "one notice per overdue loan")
        #expect(overdueNotices.count == overdue, "only the latest stage of each")
        let again = try await client.scanNotices()
        #expect(again.total == 0)

        try await daemon.stop()
        try await daemon.start(demo: false)
        try await daemon.scanNotices()
        #expect(try await client.notices(limit: 1000).items.count == sent.count, "a restart sends nothing again")

        // Without a journal here the notices went to stderr, readably, with identifiers only.
        let log = daemon.log
        #expect(log.contains("notice overdue: Loan ") || log.contains("notice escalated: Loan "))
        let families = try await withThrowingTaskGroup(of: Family.self) { group in
            for notice in overdueNotices.prefix(5) { group.addTask { try await client.family(notice.family) } }
            return try await group.reduce(into: [Family]()) { $0.append($1) }
        }
        for family in families {
            #expect(!log.contains(family.contactSurname))
            #expect(!log.contains(family.phone))
            #expect(!log.contains(family.address))
        }
        try await daemon.stop()
    }

    @Test("concurrent scan requests either run or are refused with scan_in_progress, and send nothing twice")
    func scansDoNotOverlap() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let results = await withTaskGroup(of: RentalError.Code?.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    do throws(RentalError) {
                        _ = try await daemon.client.scanNotices()
                        return nil
                    } catch {
                        return error.code
                    }
                }
            }
            return await group.reduce(into: [RentalError.Code?]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == nil || $0 == .scanInProgress })
        // Let any scan still running finish: a scan that is accepted starts after it.
        for _ in 0..<200 {
            if (try? await daemon.client.scanNotices()) != nil { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        // Without a journal each delivery is one stderr line: as many lines as stored notices, none twice.
        let stored = try await daemon.client.notices(limit: 1000).items.count
        let delivered = daemon.log.split(separator: "\n").filter { $0.hasPrefix("notice ") }.count
        #expect(stored > 0)
        #expect(delivered == stored, "delivered \(delivered), stored \(stored)")
        try await daemon.stop()
    }
}
