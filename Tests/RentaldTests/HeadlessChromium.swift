import Foundation

/// Debian's `chromium` in headless mode, for pages people look at: prints HTML to PDF, takes PNG
/// screenshots, and reads a PDF's text back with poppler's `pdftotext`. Every run goes through a proxy
/// on a closed local port, so a page that asked for anything on the network would miss it.
enum HeadlessChromium {
    /// Whether `chromium` is on PATH.
    static var isAvailable: Bool { executable("chromium") != nil }

    /// Prints `html` to a PDF (A4 from the page's own `@page` rules, no header or footer).
    static func pdf(html: String) throws -> URL {
        let directory = try workDirectory()
        let page = try write(html, in: directory)
        let pdf = directory.appendingPathComponent("page.pdf")
        try run(["--print-to-pdf=\(pdf.path)", "--no-pdf-header-footer", page.absoluteString], in: directory)
        guard FileManager.default.fileExists(atPath: pdf.path) else { throw ChromiumError("chromium wrote no PDF") }
        return pdf
    }

    /// Takes a screenshot of `html` in a window of `width` × `height` pixels.
    static func png(html: String, width: Int, height: Int) throws -> URL {
        let directory = try workDirectory()
        let page = try write(html, in: directory)
        let png = directory.appendingPathComponent("page.png")
        try run(["--screenshot=\(png.path)", "--window-size=\(width),\(height)", "--hide-scrollbars", page.absoluteString], in: directory)
        guard FileManager.default.fileExists(atPath: png.path) else { throw ChromiumError("chromium wrote no PNG") }
        return png
    }

    /// The text of a PDF, laid out as on the page (`pdftotext -layout`).
    static func text(ofPDF pdf: URL) throws -> String {
        let output = pdf.deletingPathExtension().appendingPathExtension("txt")
        try runTool("pdftotext", ["-layout", "-enc", "UTF-8", pdf.path, output.path])
        return try String(contentsOf: output, encoding: .utf8)
    }

    // MARK: Running

    /// A proxy on a port where nothing listens (discard, 9): any request leaving the page fails.
    static let closedProxy = "127.0.0.1:9"

    private static func run(_ arguments: [String], in directory: URL) throws {
        guard let chromium = executable("chromium") else { throw ChromiumError("chromium is not installed") }
        let profile = directory.appendingPathComponent("profile").path
        try runTool(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                               "--disable-background-networking", "--disable-component-update", "--disable-sync",
                               "--proxy-server=\(closedProxy)", "--proxy-bypass-list=<-loopback>",
                               "--user-data-dir=\(profile)", "--virtual-time-budget=5000"] + arguments,
                    timeout: 90)
    }

    @discardableResult
    static func runTool(_ tool: String, _ arguments: [String], timeout: TimeInterval = 60) throws -> String {
        guard let path = tool.hasPrefix("/") ? tool : executable(tool) else { throw ChromiumError("\(tool) is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = FileManager.default.temporaryDirectory.path
        process.environment = environment
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close(); try? FileManager.default.removeItem(at: log) }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            throw ChromiumError("\(tool) did not finish within \(Int(timeout)) s")
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw ChromiumError("\(tool) exited with \(process.terminationStatus): \(output.suffix(2000))")
        }
        return output
    }

    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return (path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin"])
            .map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func workDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    private static func write(_ html: String, in directory: URL) throws -> URL {
        let page = directory.appendingPathComponent("page.html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        return page
    }
}

struct ChromiumError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
