import Foundation
import RentalKit

/// The summary report (every section) over a year of the overdue store, in-process through RentalStore,
/// beside the raw time of each of its SQL statements through the SQLite C API: the slowest one is the
/// baseline (issue 18: the summary over 1,000,000 loans in ≤ 1 s).
struct ReportFigures {
    let options: BenchOptions
    let record: (Row) -> Void

    func run(storePath: String, size: String) async throws {
        let today = LocalDate(Date(), in: .gmt)
        let query = ReportQuery(from: today.adding(days: -364), to: today)
        let store = try RentalStore.open(path: storePath)
        defer { try? store.close() }
        let db = try SQLiteConnection(path: storePath, readOnly: true)
        try db.execute("PRAGMA mmap_size = 1073741824")  // as RentalStore maps the file for a report
        var slowest = (label: "", seconds: 0.0)
        var total = 0.0
        // The statements are kept in the work directory, to look at with sqlite3's EXPLAIN QUERY PLAN.
        let sqlDirectory = options.work + "/report-sql"
        try FileManager.default.createDirectory(atPath: sqlDirectory, withIntermediateDirectories: true)
        for (index, (label, sql)) in try await store.reportStatements(query).enumerated() {
            try "-- \(label)\n\(sql);\n".write(toFile: "\(sqlDirectory)/\(index + 1).sql", atomically: true, encoding: .utf8)
            let seconds = try median(times: options.repeats) { try Self.raw(db, sql) }
            say("  raw SQLite, \(label): median \(Format.millis(seconds))")
            total += seconds
            if seconds > slowest.seconds { slowest = (label, seconds) }
        }
        let cpuBefore = ChildProcess.ownCPUSeconds()
        let summary = try await medianAsync(times: options.repeats) {
            let report = try await store.report(.summary, query)
            guard let started = report.loans?.total.started, started > 0 else { throw BenchError("the summary found no loans") }
        }
        let cpu = (ChildProcess.ownCPUSeconds() - cpuBefore) / Double(options.repeats + 1)
        say("  RentalStore.report(.summary): CPU \(Format.millis(cpu)) per report (user+sys)")
        say("  RentalStore.report(.summary): median \(Format.millis(summary)); raw statements together \(Format.millis(total))")
        record(Row("summary report, a year of the \(size) store: RentalStore in-process (every section)",
                   measured: Format.millis(summary),
                   baseline: "slowest raw statement (\(slowest.label)): \(Format.millis(slowest.seconds)); all \(Format.millis(total))",
                   ratio: Format.ratio(summary / slowest.seconds),
                   target: options.quick ? "≤ 1 s at 1M (not this size)" : "≤ 1 s", met: options.quick ? nil : summary <= 1))
        record(Row("CPU per summary report (user+sys; the wall time above waits for the CPU on a loaded machine)",
                   measured: Format.millis(cpu), target: options.quick ? "≤ 1 s at 1M (not this size)" : "≤ 1 s",
                   met: options.quick ? nil : cpu <= 1))
    }

    /// Steps through every row of `sql`.
    static func raw(_ db: SQLiteConnection, _ sql: String) throws {
        let statement = try db.prepare(sql)
        var checksum = 0
        while try statement.step() { checksum &+= statement.touchRow() }
        _ = checksum
    }

    func median(times: Int, _ body: () throws -> Void) throws -> Double {
        try body()  // warm-up
        var seconds: [Double] = []
        for _ in 0..<times { seconds.append(try Monotonic.time(body).seconds) }
        return Sample(seconds).median
    }

    func medianAsync(times: Int, _ body: () async throws -> Void) async throws -> Double {
        try await body()
        var seconds: [Double] = []
        for _ in 0..<times { seconds.append(try await Monotonic.time(body).seconds) }
        return Sample(seconds).median
    }
}
