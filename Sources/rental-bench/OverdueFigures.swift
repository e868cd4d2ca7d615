import Foundation
import RentalKit

/// Figures 3, 5 (with loans) and 6: the overdue listing of a large store by raw SQL, by the library
/// in-process and through the daemon; the daemon's memory after serving it; the time from spawn to
/// `READY=1` on that store, against `PRAGMA quick_check` alone.
struct OverdueFigures {
    let options: BenchOptions
    let record: (Row) -> Void

    /// The library's overdue listing (`RentalStore.loanListing` with `overdueOnly`), repeated so the raw
    /// query is the same SQL: the open loans walked in id order from the cursor through the index
    /// `loan_open_listing` (which holds every loan column read), kept when due before the earliest of the
    /// centres' todays or before their own centre's, the columns of `Lookup.loanSelect`.
    static func overdueListing(_ db: SQLiteConnection, paged: Bool) throws -> (sql: String, arguments: [(any Sendable)?]) {
        let statement = try db.prepare("SELECT id, time_zone FROM centre ORDER BY id")
        var arguments: [(any Sendable)?] = []
        var days: [String] = []
        while try statement.step() {
            let zone = TimeZone(identifier: statement.text(1) ?? "") ?? .gmt
            let day = LocalDate(Date(), in: zone).description
            arguments += [statement.int64(0), day]
            days.append(day)
        }
        let values = Array(repeating: "(?, ?)", count: days.count).joined(separator: ", ")
        return ("""
            WITH today(centre_id, day) AS (VALUES \(values))
            SELECT l.id, u.inventory_number, t.code, f.reference, c.code, l.issued_by, l.issued_at, l.issued_on,
                   l.backdated, l.due_date, l.renewals, l.state, l.closed_at, l.closed_by, r.code,
                   l.return_condition, l.return_note
            FROM loan l INDEXED BY loan_open_listing
            JOIN unit u ON u.id = l.unit_id
            JOIN item_type t ON t.id = u.item_type_id
            JOIN family f ON f.id = l.family_id
            JOIN centre c ON c.id = l.centre_id
            LEFT JOIN centre r ON r.id = l.returned_to_centre_id
            WHERE l.state = 'open' AND l.due_date < ? AND (l.due_date < ? OR l.due_date < (SELECT day FROM today WHERE today.centre_id = l.centre_id))\(paged ? " AND l.id > ?" : "")
            ORDER BY l.id\(paged ? " LIMIT ?" : "")
            """, arguments + [days.max(), days.min()])
    }

    /// The whole overdue listing in one statement: the library's SQL without pages.
    static func rawSingle(_ path: String) throws -> Int {
        let db = try SQLiteConnection(path: path, readOnly: true)
        let (sql, arguments) = try overdueListing(db, paged: false)
        let statement = try db.prepare(sql)
        try statement.bind(arguments)
        var rows = 0
        var checksum = 0
        while try statement.step() {
            checksum &+= statement.touchRow()
            rows += 1
        }
        return checksum == 0 ? -1 : rows
    }

    /// The listing exactly as the library pages it (1000 per page, `l.id > after`), through the C API.
    static func rawPaged(_ path: String) throws -> Int {
        let db = try SQLiteConnection(path: path, readOnly: true)
        let (sql, arguments) = try overdueListing(db, paged: true)
        let statement = try db.prepare(sql)
        var rows = 0
        var after: Int64 = 0
        while true {
            statement.reset()
            try statement.bind(arguments + [after, 1000])
            var page = 0
            while try statement.step() {
                _ = statement.touchRow()
                after = statement.int64(0)
                page += 1
            }
            rows += page
            if page < 1000 { return rows }
        }
    }

    /// The listing through RentalStore, as a service linking the library would do it.
    static func library(_ store: RentalStore) async throws -> Int {
        var rows = 0
        var after: Int64?
        while true {
            let page = try await store.loans(LoanFilter(overdueOnly: true, afterID: after, limit: 1000))
            rows += page.count
            after = page.last?.id
            if page.count < 1000 { return rows }
        }
    }

    /// The listing through the daemon, every page over one keep-alive connection.
    static func daemon(_ socket: String) throws -> Int {
        let connection = try HTTPConnection(path: socket)
        var rows = 0
        var after: String?
        while true {
            let path = "/v1/loans?overdue=true&limit=1000" + (after.map { "&after=\($0)" } ?? "")
            let answer = try connection.roundTrip(HTTPConnection.request("GET", path))
            guard answer.status == 200 else {
                throw BenchError("GET \(path): \(answer.status) \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
            }
            rows += count(#""id":"#, in: answer.body)
            guard let cursor = nextCursor(answer.body) else { return rows }
            after = cursor
        }
    }

    /// `pages` round trips to a server that answers every request with the same full page (the floor): the
    /// loans counted as ``daemon(_:)`` counts them.
    static func fixedPages(_ socket: String, pages: Int) throws -> Int {
        let connection = try HTTPConnection(path: socket)
        var rows = 0
        for _ in 0..<pages {
            let answer = try connection.roundTrip(HTTPConnection.request("GET", "/v1/loans?overdue=true&limit=1000"))
            guard answer.status == 200 else { throw BenchError("the fixed page's server answered \(answer.status)") }
            rows += count(#""id":"#, in: answer.body)
        }
        return rows
    }

    /// Occurrences of `needle` in `bytes`, by glibc's `strstr` over a NUL-terminated copy (JSON holds no NUL
    /// byte: it is written `\u0000`). The client's own cost must stay small beside what it measures: a copy
    /// per candidate match was a million allocations per listing, and a byte-by-byte loop in Swift about a
    /// twentieth of the listing's time.
    static func count(_ needle: String, in bytes: [UInt8]) -> Int {
        let text = bytes + [0]
        return text.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { text in
                guard var cursor = text.baseAddress, !needle.isEmpty else { return 0 }
                var found = 0
                while let hit = strstr(cursor, needle) {
                    found += 1
                    cursor = UnsafePointer(hit) + needle.utf8.count
                }
                return found
            }
        }
    }

    /// The `next` cursor of a page (`"next":"123"`, the last key), or nil on the last page.
    static func nextCursor(_ body: [UInt8]) -> String? {
        let tail = String(decoding: body.suffix(64), as: UTF8.self)
        guard let range = tail.range(of: #""next":""#) else { return nil }
        let cursor = tail[range.upperBound...].prefix { $0 != "\"" }
        return cursor.isEmpty ? nil : String(cursor)
    }

    /// One way of listing, timed in every round: its wall times, and the CPU it cost (`cpu` reads the CPU
    /// seconds of whichever process does the work).
    final class Way {
        let label: String
        let cpu: () -> Double
        let body: () async throws -> Int
        var seconds: [Double] = []
        var cpuSeconds = 0.0

        init(_ label: String, cpu: @escaping () -> Double = ChildProcess.ownCPUSeconds, _ body: @escaping () async throws -> Int) {
            self.label = label
            self.cpu = cpu
            self.body = body
        }

        var median: Double { Sample(seconds).median }
        var cpuPerRun: Double { cpuSeconds / Double(max(1, seconds.count)) }

        /// The median over the rounds of this way's time over `baseline`'s in the same round: a round is a
        /// second or two, so both ran at the same speed of the machine.
        func ratio(to baseline: Way) -> Double {
            Sample(zip(seconds, baseline.seconds).map { $0 / $1 }).median
        }
    }

    /// Each way once to warm up, then `times` rounds of every way in turn, so that a change in the machine's
    /// speed during the run (other guests on the host: a plain CPU loop here took 124–303 ms for the same
    /// work from one second to the next) falls on all of them alike; checks each run found `expected` rows.
    func interleave(_ ways: [Way], times: Int, expected: Int) async throws {
        for way in ways { _ = try await way.body() }
        for _ in 0..<times {
            for way in ways {
                let cpuBefore = way.cpu()
                let (elapsed, rows) = try await Monotonic.time(way.body)
                way.cpuSeconds += way.cpu() - cpuBefore
                guard rows == expected else { throw BenchError("\(way.label) found \(rows) overdue loans, expected \(expected)") }
                way.seconds.append(elapsed)
            }
        }
        for way in ways {
            say("  \(way.label): median \(Format.millis(way.median)) (runs: \(way.seconds.map(Format.millis).joined(separator: ", ")))")
        }
    }

    func run() async throws {
        let directory = options.work + "/overdue"
        let size = "\(Format.count(Double(options.overdueLoans))) loans, \(Format.count(Double(options.overdueCount))) overdue"
        say("overdue store: \(size), \(Format.count(Double(options.openLoans))) open ...")
        let (buildSeconds, store) = try await Monotonic.time {
            try await OverdueStore.create(in: directory + "/state", loans: options.overdueLoans, open: options.openLoans,
                                          overdue: options.overdueCount)
        }
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: store.path))?[.size] as? Int) ?? 0
        say("  built in \(String(format: "%.1f", buildSeconds)) s, \(Format.count(Double(bytes) / 1_000_000)) MB")
        let expected = store.overdue

        if options.runs("reports") {
            try await ReportFigures(options: options, record: record).run(storePath: store.path, size: size)
        }

        if options.runs("overdue") {
            let (openSeconds, library) = try Monotonic.time { try RentalStore.open(path: store.path) }
            let daemon = try Daemon(binary: options.rentald, directory: directory, stateDirectory: directory + "/state",
                                    groupCommit: .unset)
            daemon.settle()
            let socket = daemon.socket
            let raw = Way("raw SQLite, one statement") { try Self.rawSingle(store.path) }
            let paged = Way("raw SQLite, the library's pages") { try Self.rawPaged(store.path) }
            let inProcess = Way("RentalStore in-process") { try await Self.library(library) }
            let served = Way("through rentald", cpu: daemon.process.cpuSeconds) { try Self.daemon(socket) }
            // The floor: the same number of full pages (the listing's first, captured) from rentald's HTTP server
            // alone, no route and no store: what sending and reading the JSON costs, before any of it is made.
            let first = try HTTPConnection(path: socket).roundTrip(HTTPConnection.request("GET", "/v1/loans?overdue=true&limit=1000"))
            let pages = (expected + 999) / 1000
            let pageServer = try FixedServerProcess(options: options, response: first.raw, name: "overdue-page-http", rentald: options.rentald)
            defer { pageServer.stop() }
            let transfer = Way("the same \(pages) pages from rentald's HTTP server alone", cpu: pageServer.process.cpuSeconds) {
                try Self.fixedPages(pageServer.socket, pages: pages) == pages * 1000 ? expected : -1
            }
            // The raw statement right before the daemon in each round: the ratio with a target is of those two.
            try await interleave([paged, inProcess, transfer, raw, served], times: options.overdueRounds, expected: expected)
            try library.close()
            say("  through rentald / raw, each round: "
                + zip(served.seconds, raw.seconds).map { Format.ratio($0 / $1) }.joined(separator: ", "))

            let prefix = "overdue listing, \(size)"
            let rawLabel = "raw SQLite, one statement: \(Format.millis(raw.median)) (ratio: median of the rounds' ratios)"
            record(Row("\(prefix): raw SQLite C API, the library's SQL as one statement", measured: Format.millis(raw.median)))
            record(Row("\(prefix): raw SQLite C API, the library's SQL in its pages of 1000", measured: Format.millis(paged.median),
                       baseline: rawLabel, ratio: Format.ratio(paged.ratio(to: raw))))
            record(Row("\(prefix): RentalStore in-process (pages of 1000)", measured: Format.millis(inProcess.median),
                       baseline: rawLabel, ratio: Format.ratio(inProcess.ratio(to: raw))))
            record(Row("RentalStore.open on that store (quick_check, migration check)", measured: Format.millis(openSeconds)))
            record(Row("\(prefix): through rentald (GET /v1/loans?overdue=true, every page)", measured: Format.millis(served.median),
                       baseline: rawLabel, ratio: Format.ratio(served.ratio(to: raw)), target: "≤ 1.5× raw",
                       met: served.ratio(to: raw) <= 1.5))
            let floor = Sample(zip(transfer.seconds, raw.seconds).map { ($0 + $1) / $1 }).median
            record(Row("  floor: the raw statement, then the same \(pages) pages of JSON through rentald's HTTP server alone (no store)",
                       measured: Format.millis(raw.median + transfer.median), baseline: rawLabel, ratio: Format.ratio(floor)))
            record(Row("CPU per overdue listing: rentald (user+sys) vs raw SQLite one statement", measured: Format.millis(served.cpuPerRun),
                       baseline: "raw SQLite: \(Format.millis(raw.cpuPerRun))", ratio: Format.ratio(served.cpuPerRun / raw.cpuPerRun)))
            if options.runs("memory"), let memory = daemon.process.memory() {
                record(Row("rentald memory with \(Format.count(Double(options.overdueLoans))) loans, after the overdue listings",
                           measured: ChildProcess.describe(memory),
                           target: options.quick ? "≤ 96 MB at 1M (not this size)" : "≤ 96 MB",
                           met: options.quick ? nil : memory.rss * 1024 <= 96_000_000))
            }
            try daemon.stop()
        }

        if options.runs("startup") {
            var ready: [Double] = []
            for _ in 0..<options.startupRuns {
                let daemon = try Daemon(binary: options.rentald, directory: directory, stateDirectory: directory + "/state",
                                        groupCommit: .unset)
                ready.append(daemon.readySeconds)
                try daemon.stop()
            }
            var checks: [Double] = []
            for _ in 0..<3 {
                let db = try SQLiteConnection(path: store.path, readOnly: true)
                let (seconds, result) = try Monotonic.time { try db.text("PRAGMA quick_check") }
                guard result == "ok" else { throw BenchError("quick_check: \(result ?? "no answer")") }
                checks.append(seconds)
            }
            let readyMedian = Sample(ready).median
            let check = Sample(checks).median
            say("  spawn → READY=1: \(ready.map(Format.millis).joined(separator: ", ")); quick_check alone: \(checks.map(Format.millis).joined(separator: ", "))")
            record(Row("spawn → READY=1 with the \(Format.count(Double(options.overdueLoans)))-loan store (median of \(ready.count), warm page cache)",
                       measured: Format.millis(readyMedian), baseline: "PRAGMA quick_check alone: \(Format.millis(check))",
                       ratio: Format.ratio(readyMedian / check), target: options.quick ? "≤ 150 ms at 1M (not this size)" : "≤ 150 ms",
                       met: options.quick ? nil : readyMedian <= 0.150))
            record(Row("spawn → READY=1 with that store, p90", measured: Format.millis(Sample(ready).p90)))
        }
    }
}
