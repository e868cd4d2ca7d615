import Foundation
import Glibc
import RentalClient
import RentalProtocol
import Testing

/// `GET /v1/reports/{name}` on the real daemon with the demo region: JSON checked against the loans and
/// stock the API lists, CSV in both dialects, the HTML page through headless Chromium, and `rentalctl report`.
@Suite("reports through the daemon", .serialized)
struct ReportAPITests {
    /// The period: the demo's loans all started within the last 31 days.
    static func period() -> ReportQuery {
        let today = LocalDate(Date(), in: TimeZone(identifier: "Asia/Omsk") ?? .gmt)
        return ReportQuery(from: today.adding(days: -400), to: today.adding(days: 1))
    }

    static func allLoans(_ client: RentalClient) async throws -> [Loan] {
        var loans: [Loan] = []
        var after: Int64?
        while true {
            let page = try await client.loans(LoanFilter(openOnly: false, afterID: after, limit: 1000))
            loans += page.items
            guard let next = page.next, let id = Int64(next) else { return loans }
            after = id
        }
    }

    @Test("the summary agrees with the loans, overdue list and stock the API lists")
    func summaryAgreesWithTheListings() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        let report = try await client.report(.summary, Self.period())
        let loans = try await Self.allLoans(client)
        #expect(!loans.isEmpty)
        #expect(report.loans?.total.started == loans.count)
        #expect(report.families?.served == Set(loans.map(\.family)).count)
        #expect(report.loans?.byCentreAndType.reduce(0) { $0 + $1.flow.started } == loans.count)
        for centre in Set(loans.map(\.centre)) {
            #expect(report.families?.byCentre.first { $0.centre == centre }?.count
                    == Set(loans.filter { $0.centre == centre }.map(\.family)).count)
        }
        let overdue = try await client.loans(LoanFilter(overdueOnly: true, limit: 1000)).items
        #expect(report.overdue?.openOverdueNow == overdue.count)
        #expect(report.overdue?.becameOverdue == overdue.count)  // every demo loan is still open
        let stock = try await client.stock()
        let units = stock.reduce(0) { $0 + $1.total }
        #expect(report.stock?.byStatus.reduce(0) { $0 + $1.units } == units)
        #expect(report.stock?.byStatus.filter { $0.status == .onLoan }.reduce(0) { $0 + $1.units } == loans.count)
        #expect(report.stock?.neverLent.reduce(0) { $0 + $1.count } == units - Set(loans.map(\.inventoryNumber)).count)
        var byType: [String: Int] = [:]
        for loan in loans { byType[loan.itemType, default: 0] += 1 }
        #expect(report.popular?.map(\.loans) == Array(byType.values.sorted(by: >).prefix(10)))

        // One centre, one category: the same figures narrowed.
        let centre = loans[0].centre
        var query = Self.period()
        query.centre = centre
        let one = try await client.report(.loans, query)
        #expect(one.loans?.total.started == loans.filter { $0.centre == centre }.count)
        #expect(one.families == nil)

        // Refusals: unknown report, bad dates, unknown centre, an inverted period.
        let missing = try await daemon.curl(as: nil, "GET", "/v1/reports/everything?from=2026-01-01&to=2026-12-31")
        #expect(missing.status == 404 && missing.body.contains("route_not_found"))
        let noFrom = try await daemon.curl(as: nil, "GET", "/v1/reports/summary?to=2026-12-31")
        #expect(noFrom.status == 422 && noFrom.body.contains("from: required"))
        let badFormat = try await daemon.curl(as: nil, "GET", "/v1/reports/summary?from=2026-01-01&to=2026-12-31&format=pdf")
        #expect(badFormat.status == 422 && badFormat.body.contains("format: must be one of json, csv, html"))
        let inverted = try await daemon.curl(as: nil, "GET", "/v1/reports/summary?from=2026-12-31&to=2026-01-01")
        #expect(inverted.status == 422 && inverted.body.contains("to: must not be before from"))
        let nowhere = try await daemon.curl(as: nil, "GET", "/v1/reports/stock?from=2026-01-01&to=2026-12-31&centre=nowhere")
        #expect(nowhere.status == 404 && nowhere.body.contains("centre_not_found"))
        try await daemon.stop()
    }

    @Test("CSV for a Russian Excel (BOM, ';', decimal comma, dd.mm.yyyy) and RFC 4180")
    func csvDialects() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        let report = try await client.report(.summary, Self.period())
        let excel = try await client.reportDocument(.summary, Self.period(), format: "csv", language: "ru", dialect: "excel")
        #expect(Array(excel.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: excel.dropFirst(3), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[0] == "Семьи и дети")
        #expect(lines[1] == "Показатель;Значение")
        #expect(lines.contains("Семей обслужено;\(report.families?.served ?? -1)"))
        #expect(lines.contains("Выдано;\(report.loans?.total.started ?? -1)"))
        // Months as dates a Russian Excel reads; shares with a decimal comma.
        let month = try #require(report.loans?.byMonth.first)
        let parts = month.month.split(separator: "-")
        #expect(lines.contains { $0.hasPrefix("01.\(parts[1]).\(parts[0]);") })
        let share = try #require(report.utilisation?.total.share)
        let percent = String(format: "%.1f", share * 100).replacingOccurrences(of: ".", with: ",")
        #expect(lines.contains { $0.hasPrefix("все;все;") && $0.hasSuffix(";\(percent)") })

        let rfc = try await client.reportDocument(.summary, Self.period(), format: "csv", language: "en", dialect: "rfc4180")
        #expect(rfc.first == UInt8(ascii: "F"))
        let rfcLines = String(decoding: rfc, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(rfcLines[0] == "Families and children")
        #expect(rfcLines[1] == "Figure,Value")
        #expect(rfcLines.contains("Families served,\(report.families?.served ?? -1)"))
        #expect(rfcLines.contains { $0.hasPrefix("\(month.month),") })
        #expect(rfcLines.contains { $0.hasPrefix("all,all,") && $0.hasSuffix("," + String(format: "%.1f", share * 100)) })
        try await daemon.stop()
    }

    /// Every `src`, `href` and `url(…)` of a page.
    static func references(_ html: String) -> [String] {
        var found: [String] = []
        for pattern in [#"(?:src|href|xlink:href)\s*=\s*["']([^"']*)["']"#, #"url\(\s*([^)]*)\)"#, #"@import\s+([^;]*)"#] {
            let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
            for match in regex?.matches(in: html, range: NSRange(html.startIndex..., in: html)) ?? [] {
                if let range = Range(match.range(at: 1), in: html) { found.append(String(html[range])) }
            }
        }
        return found
    }

    @Test("the HTML page: self-contained, printed to PDF with Russian headings and the figures, a PNG that is not blank",
          .enabled(if: HeadlessChromium.isAvailable))
    func htmlPageInChromium() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let client = daemon.client
        let report = try await client.report(.summary, Self.period())
        let page = String(decoding: try await client.reportDocument(.summary, Self.period(), format: "html", language: "ru"),
                          as: UTF8.self)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(!page.lowercased().contains("<script"))
        #expect(!page.lowercased().contains("<link"))
        #expect(!page.lowercased().contains("<img"))
        let references = Self.references(page)
        #expect(references.contains("#solid"))  // the charts' patterns are referenced, and only from the page
        for reference in references {
            #expect(reference.hasPrefix("#"), "a reference that leaves the page: \(reference)")
            #expect(!reference.contains("//") && !reference.lowercased().contains("http"))
        }

        let pdf = try await HeadlessChromium.pdf(html: page)
        let text = try await HeadlessChromium.text(ofPDF: pdf)
        for heading in ["Пункты социального проката: отчёт", "Главные показатели", "Выдачи по месяцам и центрам",
                        "Фонд по состояниям и центрам", "Использование по видам предметов", "Неудовлетворённый спрос"] {
            #expect(text.contains(heading), "missing heading \(heading)")
        }
        func line(_ label: String) -> String? { text.components(separatedBy: "\n").first { $0.contains(label) } }
        let served = try #require(report.families?.served)
        #expect(line("Семей обслужено")?.hasSuffix(" \(served)") == true)
        let started = try #require(report.loans?.total.started)
        #expect(line("Выдано ")?.contains(" \(started)") == true)
        #expect(text.contains("Рябинушка"))

        // The first printed page is not empty paper: poppler renders it to grey levels, some are ink.
        let dark = try await Self.darkShare(ofFirstPageOf: pdf)
        #expect(dark > 0.02 && dark < 0.6, "share of dark pixels \(dark)")

        // The screenshot holds much more than a blank page of the same size does.
        let png = try await HeadlessChromium.png(html: page, width: 900, height: 1400)
        let blank = try await HeadlessChromium.png(html: "<!DOCTYPE html><html><body></body></html>", width: 900, height: 1400)
        let size = try Data(contentsOf: png).count, blankSize = try Data(contentsOf: blank).count
        #expect(size > blankSize * 10, "screenshot \(size) bytes, a blank page \(blankSize)")
        let header = [UInt8](try Data(contentsOf: png).prefix(24))
        #expect(header.count == 24 && header[1...3] == [0x50, 0x4E, 0x47][...])
        #expect(Int(header[16]) << 24 | Int(header[17]) << 16 | Int(header[18]) << 8 | Int(header[19]) == 900)
        try await daemon.stop()
    }

    /// Renders a page through a proxy that only listens and records: the report asks it for nothing, while
    /// a page with one outside image does (so the check can see a request when there is one).
    @Test("the page asks the network for nothing", .enabled(if: HeadlessChromium.isAvailable))
    func pageRequestsNothing() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let page = String(decoding: try await daemon.client.reportDocument(.summary, Self.period(), format: "html", language: "en"),
                          as: UTF8.self)
        try await daemon.stop()
        let control = try await RecordingProxy.requests(rendering: "<!DOCTYPE html><html><body><p>x</p><img src=\"http://example.org/a.png\"></body></html>")
        #expect(control.contains { $0.contains("example.org") }, "the recording proxy saw: \(control)")
        let requests = try await RecordingProxy.requests(rendering: page)
        #expect(requests.isEmpty, "the report page asked for: \(requests)")
    }

    @Test("rentalctl report: text, CSV and HTML in the reader's language")
    func rentalctlReport() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let report = try await daemon.client.report(.summary, Self.period())
        let cli = CLITests()
        let from = Self.period().from, to = Self.period().to
        let dates = ["--from", String(format: "%02d.%02d.%04d", from.day, from.month, from.year), "--to", to.description]
        let text = try await cli.ctl(daemon, ["report", "summary"] + dates, language: "ru_RU.UTF-8")
        #expect(text.status == 0, "\(text.output)")
        let served = text.output.components(separatedBy: "\n").first { $0.hasPrefix("Семей обслужено") }
        #expect(served?.hasSuffix(" \(report.families?.served ?? -1)") == true, "\(text.output)")
        // The bytes as written (reading the output as a String would drop the byte-order mark).
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try Spawn([CLITests.binary, "report", "summary", "--csv"] + dates,
                              environment: ["PATH": "/usr/bin:/bin", "LANG": "ru_RU.UTF-8", "RENTALD_SOCKET": daemon.socketPath],
                              outputPath: output)
        #expect(await child.wait() == 0)
        let csv = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(csv.starts(with: [0xEF, 0xBB, 0xBF] + Array("Семьи и дети\r\nПоказатель;Значение\r\n".utf8)))
        let rfc = try await cli.ctl(daemon, ["report", "loans", "--csv", "--csv-dialect", "rfc4180"] + dates)
        #expect(rfc.output.hasPrefix("Loans\r\nFigure,Value\r\nStarted,\(report.loans?.total.started ?? -1)\r\n"))
        let html = try await cli.ctl(daemon, ["report", "summary", "--html"] + dates, language: "ru_RU.UTF-8")
        #expect(html.output.hasPrefix("<!DOCTYPE html>") && html.output.contains("<h2>Главные показатели</h2>"))
        let json = try await cli.ctl(daemon, ["report", "families", "--json"] + dates)
        #expect(json.output.contains("\"served\" : \(report.families?.served ?? -1)"))
        let unknown = try await cli.ctl(daemon, ["report", "everything"] + dates)
        #expect(unknown.status == 64)
        let both = try await cli.ctl(daemon, ["report", "summary", "--csv", "--html"] + dates)
        #expect(both.status == 64)
        try await daemon.stop()
    }

    /// The share of dark pixels on the first page of a PDF (poppler's `pdftoppm`, grey levels, 40 dpi).
    static func darkShare(ofFirstPageOf pdf: URL) async throws -> Double {
        let base = pdf.deletingPathExtension().path + "-page"
        try await ReportTools.run("pdftoppm", ["-gray", "-r", "40", "-f", "1", "-l", "1", "-singlefile", pdf.path, base])
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: base + ".pgm")))
        // P5\n<width> <height>\n255\n<pixels>
        var fields: [String] = []
        var index = 0
        var current = ""
        while fields.count < 4, index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                if !current.isEmpty { fields.append(current); current = "" }
            } else {
                current.append(Character(UnicodeScalar(byte)))
            }
        }
        guard fields.first == "P5", let width = Int(fields[1]), let height = Int(fields[2]), width * height > 0,
              bytes.count - index >= width * height else { throw ReportToolError("pdftoppm wrote no grey map") }
        let pixels = bytes[index..<(index + width * height)]
        return Double(pixels.filter { $0 < 128 }.count) / Double(width * height)
    }
}

/// A TCP listener on a free local port, given to Chromium as its proxy: it accepts each connection and
/// records the request line. Chromium's own background requests (Google's time, update and account
/// services) are left out: they are not the page's.
enum RecordingProxy {
    static func requests(rendering html: String) async throws -> [String] {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw ReportToolError("no socket") }
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 64) == 0 else { throw ReportToolError("cannot listen") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let seen = Recorded()
        let thread = Thread {
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 { return }
                var buffer = [UInt8](repeating: 0, count: 512)
                var timeout = timeval(tv_sec: 2, tv_usec: 0)
                setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let count = recv(connection, &buffer, buffer.count, 0)
                let line = String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self).components(separatedBy: "\r\n").first ?? ""
                seen.add(line)
                close(connection)
            }
        }
        thread.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("proxy-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("page.html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        try await ReportTools.run("chromium", [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--proxy-server=127.0.0.1:\(port)", "--proxy-bypass-list=<-loopback>",
            "--user-data-dir=\(directory.appendingPathComponent("profile").path)", "--virtual-time-budget=5000",
            "--print-to-pdf=\(directory.appendingPathComponent("page.pdf").path)", "--no-pdf-header-footer", page.absoluteString,
        ], timeout: 90)
        shutdown(listener, Int32(SHUT_RDWR))
        let background = ["google.com", "googleapis.com", "gvt1.com", "gstatic.com"]
        return seen.lines.filter { line in
            let target = line.split(separator: " ").dropFirst().first.map(String.init) ?? ""
            let host = target.replacingOccurrences(of: "http://", with: "").replacingOccurrences(of: "https://", with: "")
                .split(separator: "/").first.map { String($0.split(separator: ":").first ?? "") } ?? ""
            let own = background.contains { host == $0 || host.hasSuffix("." + $0) } && !host.hasPrefix("fonts.")
            return !line.isEmpty && !own
        }
    }

    final class Recorded: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String] = []
        func add(_ line: String) { lock.lock(); stored.append(line); lock.unlock() }
        var lines: [String] { lock.lock(); defer { lock.unlock() }; return stored }
    }
}

/// Runs the command-line tools these tests need beside Chromium (pdftoppm; Chromium itself through a
/// recording proxy), with a time limit.
enum ReportTools {
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], timeout: TimeInterval = 60) async throws -> String {
        guard PaperTools.which(tool) != nil else { throw ReportToolError("\(tool) is not installed") }
        return try await Spawn.run([tool] + arguments, timeout: timeout)
    }
}

struct ReportToolError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
