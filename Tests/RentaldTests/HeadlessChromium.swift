import Foundation
import Glibc

/// Debian's `chromium` in headless mode, for tests that look at pages the way a person (or a printer)
/// would: HTML to PDF or PNG, and `pdftotext -layout` to read a PDF back. No network: every host name
/// resolves to nothing.
enum HeadlessChromium {
    /// Whether `chromium` is on PATH.
    static var isAvailable: Bool { executable("chromium") != nil }

    /// Prints `html` to a PDF (A4 unless the page's `@page` says otherwise), without header or footer.
    static func pdf(html: String) async throws -> URL {
        let (page, work) = try write(html)
        let output = work.appendingPathComponent("page.pdf")
        try await run(["--print-to-pdf=\(output.path)", "--no-pdf-header-footer", page.absoluteString], in: work)
        return output
    }

    /// A screenshot of `html` in a `width` × `height` window.
    static func png(html: String, width: Int, height: Int) async throws -> URL {
        let (page, work) = try write(html)
        let output = work.appendingPathComponent("page.png")
        try await run(["--screenshot=\(output.path)", "--window-size=\(width),\(height)", "--hide-scrollbars", page.absoluteString], in: work)
        return output
    }

    /// The text of a PDF, laid out as on the page (`pdftotext -layout`).
    static func text(ofPDF pdf: URL) async throws -> String {
        let output = pdf.deletingPathExtension().appendingPathExtension("txt")
        try await Spawn.run(["pdftotext", "-layout", "-enc", "UTF-8", pdf.path, output.path])
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

    private static func run(_ arguments: [String], in work: URL) async throws {
        guard let chromium = executable("chromium") else { throw Failure("chromium is not installed (apt-get install chromium)") }
        try await Spawn.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-extensions", "--disable-background-networking", "--disable-sync",
                  "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=\(work.appendingPathComponent("profile").path)"]
                 + arguments, environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": work.path,
                                            "LANG": "C.UTF-8"], timeout: 120)
    }

    /// chromium or pdftotext failed.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
