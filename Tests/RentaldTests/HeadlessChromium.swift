import Foundation
import Glibc

/// Debian's `chromium` in headless mode, for tests that look at pages the way a person (or a printer)
/// would: HTML to PDF or PNG, and `pdftotext -layout` to read a PDF back. No network: every host name
/// resolves to nothing.
enum HeadlessChromium {
    /// Whether `chromium` is on PATH.
    static var isAvailable: Bool { executable("chromium") != nil }

    /// Prints `html` to a PDF (A4 unless the page's `@page` says otherwise), without header or footer.
    static func pdf(html: String) throws -> URL {
        let (page, work) = try write(html)
        let output = work.appendingPathComponent("page.pdf")
        try run(["--print-to-pdf=\(output.path)", "--no-pdf-header-footer", page.absoluteString], in: work)
        return output
    }

    /// A screenshot of `html` in a `width` × `height` window.
    static func png(html: String, width: Int, height: Int) throws -> URL {
        let (page, work) = try write(html)
        let output = work.appendingPathComponent("page.png")
        try run(["--screenshot=\(output.path)", "--window-size=\(width),\(height)", "--hide-scrollbars", page.absoluteString], in: work)
        return output
    }

    /// The text of a PDF, laid out as on the page (`pdftotext -layout`).
    static func text(ofPDF pdf: URL) throws -> String {
        let output = pdf.deletingPathExtension().appendingPathExtension("txt")
        try runTool(["pdftotext", "-layout", "-enc", "UTF-8", pdf.path, output.path], log: pdf.deletingLastPathComponent())
        return try String(contentsOf: output, encoding: .utf8)
    }

    // MARK: -

    private static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }

    private static func write(_ html: String) throws -> (URL, URL) {
        let work = URL(fileURLWithPath: "/tmp").appendingPathComponent("chromium-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let page = work.appendingPathComponent("page.html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        return (page, work)
    }

    private static func run(_ arguments: [String], in work: URL) throws {
        guard let chromium = executable("chromium") else { throw Failure("chromium is not installed (apt-get install chromium)") }
        try runTool(["timeout", "120", chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-extensions", "--disable-background-networking", "--disable-sync",
                  "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=\(work.appendingPathComponent("profile").path)"]
                 + arguments, log: work)
    }

    /// Runs a tool to completion; throws with its output when it fails.
    private static func runTool(_ arguments: [String], log directory: URL) throws {
        let output = directory.appendingPathComponent("tool-\(UUID().uuidString.prefix(8)).log").path
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory.path,
                           "LANG": "C.UTF-8"]
        let child = try Spawn(arguments, environment: environment, outputPath: output)
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status == 0 else { throw Failure("\(arguments[0]) \(arguments.dropFirst().prefix(2).joined(separator: " ")) failed (status \(status)): \(text.suffix(800))") }
    }

    /// chromium or pdftotext failed.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
