import Foundation
import Testing

/// Human tables fit 80 columns under the Russian locale with the demo data (long Cyrillic names wrap in
/// their column), and dates read as the staff write them, with the day of the week.
@Suite("Tables at the desk")
struct TableWidthTests {
    /// rentalctl with no `$COLUMNS` (tables fit 80), as on a terminal of that size or in a pipe.
    static func run(_ daemon: DaemonHarness, _ arguments: [String], language: String) async throws -> String {
        let output = "/tmp/rentalctl-width-\(UUID().uuidString.prefix(8)).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try Spawn([CLITests.binary] + arguments, environment: [
            "PATH": "/usr/bin:/bin", "LANG": language, "NO_COLOR": "1", "RENTALD_SOCKET": daemon.socketPath, "RENTAL_CENTRE": "ryabinushka",
        ], outputPath: output)
        #expect(await child.wait() == 0, "rentalctl \(arguments.joined(separator: " ")): \(child.output)")
        return child.output
    }

    @Test("stock, units, loans, overdue and holds fit 80 columns in Russian; dates as 24.11.2026, вт")
    func eightyColumns() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        // A hold, so that the holds table has a row: a family waits for a type that has a free unit here.
        let reserve = try await Self.run(daemon, ["reserve", "--family", "F-2026-0003", "--type", "wardrobe"], language: "ru_RU.UTF-8")
        #expect(reserve.hasPrefix("Бронь ") && reserve.contains("«Шкаф детский», центр «Рябинушка» — вещь ШКФ-1-")
                && reserve.contains(" отложена до ") && !reserve.contains("отложена, "), "\(reserve)")
        try await daemon.scanNotices()
        let tables: [[String]] = [["stock"], ["units", "list", "--limit", "1000"], ["loans"], ["loans", "--all"], ["loans", "--overdue"],
                                  ["holds", "list"], ["families", "show", "F-2026-0001"], ["notices"]]
        for language in ["ru_RU.UTF-8", "C.UTF-8"] {
            for arguments in tables {
                let text = try await Self.run(daemon, arguments, language: language)
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                #expect(lines.count > 2, "rentalctl \(arguments.joined(separator: " ")): \(text)")
                // Characters are display columns here: Cyrillic and Latin letters are one column each.
                for line in lines {
                    #expect(line.count <= 80, "rentalctl \(arguments.joined(separator: " ")) (\(language)): \(line.count) columns: «\(line)»")
                }
            }
        }
        // The notices table has room for the longest centre name of the demo region, whole.
        let notices = try await Self.run(daemon, ["notices", "--limit", "1000"], language: "ru_RU.UTF-8")
        #expect(notices.contains("Большереченский") && !notices.contains("Большереченс-"), "\(notices)")
        // A name that did not fit wrapped inside its column: the line after it has spaces under the first columns.
        let stock = try await Self.run(daemon, ["stock"], language: "ru_RU.UTF-8")
        #expect(stock.contains("Рябинушка") && stock.contains("Микроволновая") && stock.contains("печь"), "\(stock)")

        let loans = try await Self.run(daemon, ["loans", "--overdue"], language: "ru_RU.UTF-8")
        #expect(loans.contains(/\d\d\.\d\d\.20\d\d, (пн|вт|ср|чт|пт|сб|вс)/), "\(loans)")
        let english = try await Self.run(daemon, ["loans", "--overdue"], language: "C.UTF-8")
        #expect(english.contains(/(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) 20\d\d/), "\(english)")
        let json = try await Self.run(daemon, ["loans", "--overdue", "--json"], language: "ru_RU.UTF-8")
        #expect(json.contains(/"dueDate" : "20\d\d-\d\d-\d\d"/), "--json keeps the API's dates: \(json.prefix(400))")
        try await daemon.stop()
    }

    @Test("Russian tables say categories, periods, statuses and stages in Russian, and name centres")
    func russianValues() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        try await daemon.scanNotices()
        let english = ["appliance", "infant", "furniture", "days", "months", "active", "suspended", "due-soon", "overdue", "escalated",
                       "ryabinushka", "isilkul"]
        for arguments in [["rules", "list"], ["catalogue", "list"], ["families", "find", "Ф"], ["notices"]] {
            let text = try await Self.run(daemon, arguments, language: "ru_RU.UTF-8")
            // The catalogue's first column is the codes themselves.
            let shown = arguments == ["catalogue", "list"] ? text.split(separator: "\n").map { $0.split(separator: " ").dropFirst().joined(separator: " ") }.joined(separator: "\n") : text
            for word in english {
                #expect(!shown.contains(word), "rentalctl \(arguments.joined(separator: " ")) (ru) says «\(word)»: \(text)")
            }
        }
        let rules = try await Self.run(daemon, ["rules", "list"], language: "ru_RU.UTF-8")
        #expect(rules.contains("14 дней") && rules.contains("6 месяцев") && rules.contains("бытовая техника"), "\(rules)")
        let notices = try await Self.run(daemon, ["notices"], language: "ru_RU.UTF-8")
        #expect(notices.contains("Рябинушка") && notices.contains("просрочка"), "\(notices)")
        try await daemon.stop()
    }

    @Test("a wrapped cell stays in its column")
    func wrappedCell() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let stock = try await Self.run(daemon, ["stock"], language: "ru_RU.UTF-8")
        let lines = stock.split(separator: "\n").map(String.init)
        let heading = try #require(lines.first)
        let typeColumn = try #require(heading.range(of: "ВИД")).lowerBound
        let offset = heading.distance(from: heading.startIndex, to: typeColumn)
        // Every line that starts with blanks is a continuation: its text starts at a column's edge.
        let continued = lines.dropFirst().filter { $0.hasPrefix(" ") }
        #expect(!continued.isEmpty, "the names of all centres and types do not fit 80 columns unwrapped: \(stock)")
        for line in continued {
            let text = line.distance(from: line.startIndex, to: line.firstIndex { $0 != " " } ?? line.endIndex)
            #expect(text >= offset, "«\(line)» under «\(heading)»")
        }
        try await daemon.stop()
    }
}
